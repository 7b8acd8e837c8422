package org.ja3sensor.bench;

import java.util.concurrent.TimeUnit;
import org.ja3sensor.fingerprint.Ja3;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.HelloParser;
import org.ja3sensor.tls.ServerHello;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** JA3 string plus MD5 of the Chrome hello (ndpi/chrome.pcap), and JA3S of its ServerHello. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Ja3Bench {

  private ClientHello clientHello;
  private ServerHello serverHello;

  @Setup
  public void setup() {
    byte[] ch = BenchVectors.helloBody("chrome_ch");
    clientHello = HelloParser.parseClientHello(ch, 0, ch.length);
    byte[] sh = BenchVectors.helloBody("chrome_sh");
    serverHello = HelloParser.parseServerHello(sh, 0, sh.length);
  }

  @Benchmark
  public String ja3StringAndMd5() {
    return Ja3.md5Hex(Ja3.ja3String(clientHello));
  }

  @Benchmark
  public String ja3sStringAndMd5() {
    return Ja3.md5Hex(Ja3.ja3sString(serverHello));
  }
}
