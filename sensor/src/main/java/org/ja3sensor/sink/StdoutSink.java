package org.ja3sensor.sink;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * <p>Into a file descriptor ({@link FileOutputStream}: stdout as the program) the events are
 * gathered in a direct buffer and written from it through the descriptor's channel, so the only
 * copies are the event's into the buffer and the kernel's: {@link FileOutputStream#write} would
 * first copy each 64 KiB from the heap into native memory it allocates for the call (13 % of the
 * emitter's CPU in a capture profile, docs/performance.md).
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
    this.bytes = stream instanceof FileOutputStream f
        ? new DirectOutput(f.getChannel(), BUFFER_BYTES)
        : new BufferedOutputStream(stream, BUFFER_BYTES);
    this.flushEachEvent = flushEachEvent;
  }

  private static final int BUFFER_BYTES = 1 << 16;

  /**
   * A buffered stream over a file channel whose buffer is direct memory: the channel writes it
   * as it is. Used by one thread at a time (the emitter, or the command's thread), like the sink.
   */
  static final class DirectOutput extends OutputStream {
    private final FileChannel channel;
    private final ByteBuffer buf;

    DirectOutput(FileChannel channel, int size) {
      this.channel = channel;
      this.buf = ByteBuffer.allocateDirect(size);
    }

    @Override
    public void write(int b) throws IOException {
      if (!buf.hasRemaining()) {
        drain();
      }
      buf.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > buf.remaining()) {
        drain();
        if (len > buf.capacity()) {
          writeFully(ByteBuffer.wrap(b, off, len)); // larger than the buffer: as it is
          return;
        }
      }
      buf.put(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      drain();
    }

    @Override
    public void close() throws IOException {
      drain(); // the descriptor stays open: it is the process's stdout
    }

    private void drain() throws IOException {
      if (buf.position() == 0) {
        return;
      }
      buf.flip();
      try {
        writeFully(buf);
      } finally {
        buf.compact(); // after a failure, what did not go stays, to go with the next write
      }
    }

    private void writeFully(ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        channel.write(b);
      }
    }
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
    publish(utf8Json, 0, utf8Json.length, key, alert);
  }

  @Override
  public void publish(byte[] buf, int off, int len, String key, boolean alert)
      throws IOException {
    if (bytes == null) {
      publish(new String(buf, off, len, StandardCharsets.UTF_8), key, alert);
      return;
    }
    try {
      bytes.write(buf, off, len);
      bytes.write('\n');
      if (flushEachEvent) {
        bytes.flush();
      }
    } catch (IOException e) {
      throw OutputClosedException.ifClosed(e);
    }
  }

  @Override
  public boolean copiesRanges() {
    return bytes != null;
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
