package org.ja3sensor.bench;

import java.util.concurrent.TimeUnit;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.HelloParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * HelloParser.parseClientHello on real ClientHello bodies: Chrome (ndpi/chrome.pcap, 508 bytes,
 * 18 extensions with GREASE) and the 16 KB s2n-tls fragmented_ch.pcap hello (mostly padding).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HelloParserBench {

  @Param({"chrome_ch", "fragmented_ch"})
  public String vector;

  private byte[] body;

  @Setup
  public void setup() {
    body = BenchVectors.helloBody(vector);
  }

  @Benchmark
  public ClientHello parseClientHello() {
    return HelloParser.parseClientHello(body, 0, body.length);
  }
}
