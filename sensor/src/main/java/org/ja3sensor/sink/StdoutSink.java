package org.ja3sensor.sink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** JSON lines to a stream (stdout by default), buffered, flushed on {@link #flush()}. */
public final class StdoutSink implements EventSink {
  private final Writer out;

  public StdoutSink(OutputStream stream) {
    this(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
  }

  public StdoutSink(Writer writer) {
    this.out = new BufferedWriter(writer, 1 << 16);
  }

  @Override
  public void publish(String json, String key, boolean alert) throws IOException {
    out.write(json);
    out.write('\n');
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
