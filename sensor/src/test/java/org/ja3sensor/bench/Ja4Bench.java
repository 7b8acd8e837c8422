package org.ja3sensor.bench;

import java.util.concurrent.TimeUnit;
import org.ja3sensor.fingerprint.Ja3;
import org.ja3sensor.fingerprint.Ja4;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.HelloParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JA4 (fingerprint and raw string together, as the emitter computes them), the original-order
 * forms, and JA3N string plus MD5, of the Chrome hello (ndpi/chrome.pcap) that {@link Ja3Bench}
 * uses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Ja4Bench {

  private ClientHello clientHello;

  @Setup
  public void setup() {
    byte[] ch = BenchVectors.helloBody("chrome_ch");
    clientHello = HelloParser.parseClientHello(ch, 0, ch.length);
  }

  @Benchmark
  public Ja4.Result ja4AndRaw() {
    return Ja4.sorted(clientHello, Ja4.TCP);
  }

  @Benchmark
  public Ja4.Result ja4OriginalAndRaw() {
    return Ja4.original(clientHello, Ja4.TCP);
  }

  @Benchmark
  public String ja3nStringAndMd5() {
    return Ja3.md5Hex(Ja3.ja3nString(clientHello));
  }
}
