package org.ja3sensor.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.sink.EventPublisher;
import org.ja3sensor.sink.EventSink;
import org.ja3sensor.sink.StdoutSink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One event from the emitter to stdout (here /dev/null), no database: its JSON handed to the sink
 * from the generator's buffer ({@code range}, what the program does with stdout and files) or as
 * an array of its own ({@code array}, what a sink that keeps the bytes, Kafka, gets, and what
 * every sink got before). Run with {@code -prof gc} for the bytes allocated per event.
 *
 * <p>Run: {@code bench/jmh.sh PublishBench -prof gc}. Figures in docs/performance.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PublishBench {
  @Param({"range", "array"})
  public String path;

  private FileOutputStream devNull;
  private EventPublisher publisher;
  private TlsEvent event;

  @Setup(Level.Trial)
  public void open() throws IOException {
    event = MatcherBenchmark.event("0123456789abcdef0123456789abcdef",
        "fedcba9876543210fedcba9876543210", "www.example.com");
    event.deriveFields();
    devNull = new FileOutputStream("/dev/null");
    StdoutSink stdout = new StdoutSink(devNull, false);
    EventSink sink = path.equals("range") ? stdout : new EventSink() {
      @Override
      public void publish(String json, String key, boolean alert) throws IOException {
        stdout.publish(json, key, alert);
      }

      @Override
      public void publish(byte[] utf8Json, String key, boolean alert) throws IOException {
        stdout.publish(utf8Json, key, alert);
      }

      @Override
      public void flush() throws IOException {
        stdout.flush();
      }

      @Override
      public void close() throws IOException {
        stdout.close();
      }
    };
    publisher = new EventPublisher(sink, null);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    devNull.close();
  }

  @Benchmark
  public void publish() {
    publisher.onEvent(event);
  }
}
