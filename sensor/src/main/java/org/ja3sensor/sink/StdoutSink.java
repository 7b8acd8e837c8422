package org.ja3sensor.sink;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * JSON lines to a stream (stdout by default), buffered, flushed on {@link #flush()}. Given an
 * OutputStream it writes the UTF-8 bytes it is handed as they are; given a Writer (picocli's, in
 * tests) it writes characters.
 */
public final class StdoutSink implements EventSink {
  private final Writer out;
  private final OutputStream bytes;

  public StdoutSink(OutputStream stream) {
    this.out = null;
    this.bytes = new BufferedOutputStream(stream, 1 << 16);
  }

  public StdoutSink(Writer writer) {
    this.out = new BufferedWriter(writer, 1 << 16);
    this.bytes = null;
  }

  @Override
  public void publish(String json, String key, boolean alert) throws IOException {
    if (bytes != null) {
      publish(json.getBytes(StandardCharsets.UTF_8), key, alert);
      return;
    }
    out.write(json);
    out.write('\n');
  }

  @Override
  public void publish(byte[] utf8Json, String key, boolean alert) throws IOException {
    if (bytes == null) {
      publish(new String(utf8Json, StandardCharsets.UTF_8), key, alert);
      return;
    }
    bytes.write(utf8Json);
    bytes.write('\n');
  }

  @Override
  public void flush() throws IOException {
    if (bytes != null) {
      bytes.flush();
    } else {
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
