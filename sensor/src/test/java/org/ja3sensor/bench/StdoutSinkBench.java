package org.ja3sensor.bench;

import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
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
 * The stdout sink's cost per event of 1,400 bytes written to /dev/null (the kernel's share is
 * then nil, so what remains is the sink's own): through a file descriptor's channel from a direct
 * buffer ({@code fd}, what the program does), or through a {@link java.io.BufferedOutputStream}
 * over the same descriptor ({@code stream}: what it did before, each 64 KiB copied once more into
 * native memory by {@link FileOutputStream#write}).
 *
 * <p>Run: {@code bench/jmh.sh StdoutSinkBench}. Figures in docs/performance.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StdoutSinkBench {
  @Param({"fd", "stream"})
  public String path;

  private FileOutputStream devNull;
  private StdoutSink sink;
  private final byte[] event = new byte[1400];

  @Setup(Level.Trial)
  public void open() throws IOException {
    Arrays.fill(event, (byte) 'e');
    devNull = new FileOutputStream("/dev/null");
    OutputStream out = path.equals("fd") ? devNull : new FilterOutputStream(devNull) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }
    };
    sink = new StdoutSink(out, false);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    sink.close();
    devNull.close();
  }

  @Benchmark
  public void publish() throws IOException {
    sink.publish(event, null, false);
  }
}
