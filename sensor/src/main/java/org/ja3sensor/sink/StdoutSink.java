package org.ja3sensor.sink;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSON lines to a stream (stdout by default), buffered, flushed on {@link #flush()} and whenever
 * the input goes idle ({@link #idle()}). Given an OutputStream it writes the UTF-8 bytes it is
 * handed as they are; given a Writer (picocli's, in tests) it writes characters.
 *
 * <p>When someone reads the events as they come (stdout is a pipe, a socket or a terminal: {@code
 * tcpdump -w - | ja3sensor read - | jq}), each event is flushed as it is written; into a regular
 * file or /dev/null they stay buffered, so a file read is not slowed by a write per event.
 *
 * <p>A reader that goes away ({@code | head -1}: the write fails with EPIPE) is not an error of
 * delivery: the write throws {@link OutputClosedException}, which the commands take as the signal
 * to stop reading, quietly.
 */
public final class StdoutSink implements EventSink {
  private final Writer out;
  private final OutputStream bytes;
  private final boolean flushEachEvent;

  public StdoutSink(OutputStream stream) {
    this(stream, false);
  }

  /**
   * @param flushEachEvent flush after every event (for a reader waiting on them); see {@link
   *     #readerWaits()}
   */
  public StdoutSink(OutputStream stream, boolean flushEachEvent) {
    this.out = null;
    this.bytes = new BufferedOutputStream(stream, 1 << 16);
    this.flushEachEvent = flushEachEvent;
  }

  /**
   * Whether this process's stdout goes to a reader that waits on each line (a pipe, a socket, a
   * terminal), rather than to a regular file or a device such as /dev/null. Linux: from the
   * target of /proc/self/fd/1; elsewhere, false.
   */
  public static boolean readerWaits() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
      return target.startsWith("pipe:") || target.startsWith("socket:")
          || target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
          || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  public StdoutSink(Writer writer) {
    this.out = new BufferedWriter(writer, 1 << 16);
    this.bytes = null;
    this.flushEachEvent = false;
  }

  @Override
  public void publish(String json, String key, boolean alert) throws IOException {
    if (bytes != null) {
      publish(json.getBytes(StandardCharsets.UTF_8), key, alert);
      return;
    }
    out.write(json);
    out.write('\n');
    if (flushEachEvent) {
      out.flush();
    }
  }

  @Override
  public void publish(byte[] utf8Json, String key, boolean alert) throws IOException {
    if (bytes == null) {
      publish(new String(utf8Json, StandardCharsets.UTF_8), key, alert);
      return;
    }
    try {
      bytes.write(utf8Json);
      bytes.write('\n');
      if (flushEachEvent) {
        bytes.flush();
      }
    } catch (IOException e) {
      throw OutputClosedException.ifClosed(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      if (bytes != null) {
        bytes.flush();
      } else {
        out.flush();
      }
    } catch (IOException e) {
      throw OutputClosedException.ifClosed(e);
    }
  }

  @Override
  public void idle() throws IOException {
    flush();
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
