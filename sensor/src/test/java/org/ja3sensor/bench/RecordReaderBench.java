package org.ja3sensor.bench;

import java.util.concurrent.TimeUnit;
import org.ja3sensor.core.Counters;
import org.ja3sensor.tls.RecordReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * RecordReader from the first byte of a direction to the delivered ClientHello, fed in
 * 1460-byte TCP segments: a hello that spans several TLS records (the s2n-tls fragmented_ch.pcap
 * hello in its 3 records, and the Chrome hello re-framed into 100-byte records), and the Chrome
 * hello in one record and one segment (parsed in place).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordReaderBench {

  @Param({"fragmented_ch_3_records", "chrome_ch_100_byte_records", "chrome_ch_1_record"})
  public String stream;

  private byte[] bytes;
  private final Counters counters = new Counters();

  @Setup
  public void setup() {
    bytes = switch (stream) {
      case "fragmented_ch_3_records" -> BenchVectors.stream("fragmented_ch");
      case "chrome_ch_100_byte_records" ->
          BenchVectors.reframe(BenchVectors.handshake(BenchVectors.stream("chrome_ch")), 100);
      case "chrome_ch_1_record" -> BenchVectors.stream("chrome_ch");
      default -> throw new IllegalArgumentException(stream);
    };
  }

  @Benchmark
  public int feedSegments(Blackhole bh) {
    RecordReader p = new RecordReader(counters, 16 * 1024, 128 * 1024);
    int status = RecordReader.NEED_MORE;
    for (int off = 0; off < bytes.length && status == RecordReader.NEED_MORE; off += 1460) {
      status = p.feed(bytes, off, Math.min(1460, bytes.length - off));
    }
    bh.consume(p.clientHello());
    return status;
  }
}
