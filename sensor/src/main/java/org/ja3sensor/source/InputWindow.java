package org.ja3sensor.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A sliding window over a capture input, read in large chunks into one reused byte array.
 *
 * <p>Buffer ownership: the window owns {@link #buf}. The bytes {@code buf[pos, limit)} are input
 * bytes; {@code buf[pos]} is at input offset {@link #offset()}. A caller that got bytes by {@link
 * #ensure} may read {@code buf[pos, pos + n)} until its next call to {@link #ensure} or {@link
 * #skip}, which may move the bytes (compaction), overwrite them (refill) or move them to a larger
 * array (growth: read {@link #buf} again after each call). The array starts at {@link
 * #INITIAL_LENGTH} and doubles, up to the capacity, only when a caller asks to see more bytes
 * at once than it holds: the largest unit a caller can ask to see contiguously is the capacity.
 *
 * <p>Input is either a {@link FileChannel} (regular files: one large read per refill) or an {@link
 * InputStream} (stdin, pipes, tests: a refill takes what the stream has and blocks only while fewer
 * bytes than asked for are there, so a slow pipe is not held up waiting for a full buffer).
 */
final class InputWindow implements AutoCloseable {
  /**
   * Default capacity: room for the largest packet block a reader asks to see whole (pcapng's
   * {@value PcapngReader#MAX_PACKET_BLOCK_LEN}) plus as much again. Reads are small (see {@link
   * #READ_CHUNK}) and the bytes are moved to the front at each refill, so only the first few
   * hundred KB are touched unless a record is that large, and the array grows to it only then.
   */
  static final int DEFAULT_CAPACITY = 2 * PcapngReader.MAX_PACKET_BLOCK_LEN;

  /**
   * The array's length at first (or the capacity if smaller): a refill keeps the unconsumed bytes
   * and reads {@link #READ_CHUNK} more, so records up to about this size never grow it. Opening
   * a file then zeroes 256 KiB rather than the 2 MiB of the capacity (it was a third of the time
   * of a fuzzing execution that opens a small capture).
   */
  static final int INITIAL_LENGTH = 256 << 10;

  /**
   * Bytes asked of the input per read (more only for a larger record). Small reads keep the bytes
   * in the CPU cache between the copy and the parse: with 64 KiB a 1 GB read measured about 10 %
   * faster than with 8 MiB reads (docs/performance.md).
   */
  static final int READ_CHUNK = 64 << 10;

  /** The window's bytes (owned by the window, see class comment); replaced when it grows. */
  byte[] buf;
  /** First unconsumed byte. */
  int pos;
  /** End of the valid bytes. */
  int limit;

  private final FileChannel channel;
  private final InputStream stream;
  private final boolean closeInput;
  private final int capacity;
  private ByteBuffer view;
  /** Input offset of {@code buf[0]}. */
  private long base;
  private boolean eof;
  /** Set by {@link #abort()}: a read that fails from now on is the end of input, not an error. */
  private volatile boolean aborted;

  private InputWindow(FileChannel channel, InputStream stream, boolean closeInput, int capacity) {
    this.capacity = capacity;
    this.buf = new byte[Math.min(capacity, INITIAL_LENGTH)];
    this.view = ByteBuffer.wrap(buf);
    this.channel = channel;
    this.stream = stream;
    this.closeInput = closeInput;
  }

  static InputWindow of(FileChannel channel, int capacity) {
    return new InputWindow(channel, null, true, capacity);
  }

  static InputWindow of(FileChannel channel, boolean closeInput, int capacity) {
    return new InputWindow(channel, null, closeInput, capacity);
  }

  /**
   * Ends the input from another thread (shutdown): a read blocked on a pipe returns at once when
   * the input is a channel (closing an interruptible channel wakes its blocked reader), and any
   * later read reports the end of input.
   */
  void abort() {
    aborted = true;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing only to wake the reader
      }
    }
  }

  static InputWindow of(InputStream stream, boolean closeInput, int capacity) {
    return new InputWindow(null, stream, closeInput, capacity);
  }

  /** Input offset of {@code buf[pos]}: the bytes consumed so far. */
  long offset() {
    return base + pos;
  }

  /** Bytes available at {@code pos} without reading. */
  int available() {
    return limit - pos;
  }

  /** The most bytes the window can hold (its array may be shorter until asked for more). */
  int capacity() {
    return capacity;
  }

  /**
   * Makes {@code buf[pos, pos + n)} valid, reading more input if needed.
   *
   * @return false if the input ends first ({@link #available()} then tells how much there was)
   */
  boolean ensure(int n) throws IOException {
    return limit - pos >= n || fill(n);
  }

  /**
   * Consumes {@code n} bytes, reading through them if they are not in the window yet.
   *
   * @return false if the input ends first (everything up to the end is then consumed)
   */
  boolean skip(long n) throws IOException {
    while (n > 0) {
      if (pos == limit && !fill(1)) {
        return false;
      }
      int k = (int) Math.min(n, limit - pos);
      pos += k;
      n -= k;
    }
    return true;
  }

  /** Consumes bytes up to input offset {@code target}, which must not be behind {@link #offset}. */
  boolean skipTo(long target) throws IOException {
    return skip(target - offset());
  }

  private boolean fill(int n) throws IOException {
    if (n > capacity) {
      throw new IllegalArgumentException("window of " + capacity + " bytes asked for " + n);
    }
    int kept = limit - pos;
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, kept);
      base += pos;
      pos = 0;
      limit = kept;
    }
    if (n > buf.length) {
      byte[] grown = new byte[(int) Math.min(capacity, Math.max(n, 2L * buf.length))];
      System.arraycopy(buf, 0, grown, 0, limit);
      buf = grown;
      view = ByteBuffer.wrap(grown);
    }
    while (limit < n && !eof) {
      int r = read(limit, Math.min(buf.length - limit, Math.max(READ_CHUNK, n - limit)));
      if (r < 0) {
        eof = true;
      } else {
        limit += r;
      }
    }
    return limit >= n;
  }

  private int read(int off, int len) throws IOException {
    if (aborted) {
      return -1;
    }
    try {
      if (channel != null) {
        view.limit(off + len).position(off);
        return channel.read(view);
      }
      return stream.read(buf, off, len);
    } catch (IOException e) {
      if (aborted) {
        return -1; // woken by abort(): the input ends here
      }
      throw e;
    }
  }

  int u8(int at) {
    return buf[at] & 0xFF;
  }

  // Plain byte arithmetic: as fast as a byte-array view VarHandle once C2 has compiled it, and
  // much faster before that (interpreter, C1), where a file read spends most of its time.

  int u16(int at, boolean bigEndian) {
    byte[] b = buf;
    return bigEndian
        ? (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF)
        : (b[at + 1] & 0xFF) << 8 | (b[at] & 0xFF);
  }

  int i32(int at, boolean bigEndian) {
    byte[] b = buf;
    return bigEndian
        ? b[at] << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF)
        : b[at + 3] << 24 | (b[at + 2] & 0xFF) << 16 | (b[at + 1] & 0xFF) << 8 | (b[at] & 0xFF);
  }

  long u32(int at, boolean bigEndian) {
    return i32(at, bigEndian) & 0xFFFF_FFFFL;
  }

  long i64(int at, boolean bigEndian) {
    long hi = i32(bigEndian ? at : at + 4, bigEndian);
    long lo = i32(bigEndian ? at + 4 : at, bigEndian) & 0xFFFF_FFFFL;
    return hi << 32 | lo;
  }

  @Override
  public void close() throws IOException {
    if (!closeInput || aborted) {
      return;
    }
    if (channel != null) {
      channel.close();
    } else {
      stream.close();
    }
  }
}
