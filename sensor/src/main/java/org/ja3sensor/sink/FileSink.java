package org.ja3sensor.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * JSON lines appended to a file ({@code --output file}). Lines are gathered in a buffer of whole
 * lines and written with as few {@code write} calls as it takes; a write that fails part-way is
 * truncated back to the last whole line, so the file never holds half an event. A failing file
 * (full disk, I/O error) drops and counts the events it cannot take, says so once on stderr, and
 * tries again at most once a second until a write succeeds. {@link #reopen()} (SIGHUP, from any
 * thread) closes the file and opens its path again, as logrotate expects; with a size limit the
 * file is rotated to {@code PATH.1 ... PATH.N} before a batch would take it past the limit. With a
 * rotation interval the file is renamed to {@code PATH.<start>} ({@code events.json.20261205T230000Z},
 * the UTC start of the interval it covers) at each multiple of the interval since the Unix epoch
 * (1h: on the hour), unless it is empty; lines published before the boundary go to the renamed
 * file, later ones to the new file. A daemon timer checks the boundary four times a second, so a quiet
 * sensor rotates on time too. fsync: at rotation, reopen and close; after every batch too with
 * {@link Fsync#ALWAYS}.
 *
 * <p>Called from the emitter thread; {@link #reopen()} from a signal thread, the boundary check
 * from the timer thread: all methods are synchronised. Owns its buffer, channel and timer.
 */
public final class FileSink implements EventSink {
  /** When the file is fsync'ed. */
  public enum Fsync {
    /** At rotation, reopen and close (the default). */
    ROTATE,
    /** After every batch written, too. */
    ALWAYS
  }

  private static final int BUFFER_BYTES = 1 << 16;
  private static final long RETRY_NANOS = 1_000_000_000L;

  private final Path path;
  private final long maxBytes;
  private final int keep;
  private final Fsync fsync;
  private final Consumer<String> warn;
  /** Direct, so that the channel writes it as it is rather than through a copy of its own. */
  private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
  /** Lines in {@link #buf}. */
  private int bufferedLines;

  private FileChannel channel;
  /** Bytes in the current file (all whole lines). */
  private long size;

  private long written;
  private long failed;
  private long rotations;
  /** Set while writes fail: when the last attempt was made, and the first error. */
  private boolean failing;
  private long lastAttemptNanos;
  private long failedSinceError;
  private volatile boolean reopenRequested;

  /** Time rotation: the interval (0: none), the start of the current one, the next boundary. */
  private final long intervalMillis;
  private long periodStartMillis;
  private long nextBoundaryMillis;
  private final java.util.concurrent.ScheduledExecutorService timer;

  private static final java.time.format.DateTimeFormatter STAMP =
      java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  /**
   * Opens (creates with mode 0640, or appends to) the file.
   *
   * @param maxBytes rotate before the file would pass this many bytes; 0 for never
   * @param keep rotated files kept ({@code PATH.1} newest ... {@code PATH.keep})
   * @param warn where one-line errors go (stderr)
   * @throws IOException with a one-line message naming the path when it cannot be opened
   */
  public FileSink(Path path, long maxBytes, int keep, Fsync fsync, Consumer<String> warn)
      throws IOException {
    this(path, maxBytes, keep, 0, fsync, warn);
  }

  /**
   * As {@link #FileSink(Path, long, int, Fsync, Consumer)}, rotated by time too.
   *
   * @param intervalMillis rename the file to {@code PATH.<start>} at each multiple of this many
   *     milliseconds since the epoch; 0 for never. A file left by an earlier run whose last change
   *     lies before the current interval is renamed first, after the interval it belongs to.
   */
  public FileSink(Path path, long maxBytes, int keep, long intervalMillis, Fsync fsync,
      Consumer<String> warn) throws IOException {
    this.path = path;
    this.maxBytes = maxBytes;
    this.keep = Math.max(1, keep);
    this.fsync = fsync;
    this.warn = warn;
    this.intervalMillis = intervalMillis;
    open();
    if (intervalMillis > 0) {
      long now = System.currentTimeMillis();
      periodStartMillis = now - Math.floorMod(now, intervalMillis);
      nextBoundaryMillis = periodStartMillis + intervalMillis;
      long modified = Files.getLastModifiedTime(path).toMillis();
      if (size > 0 && modified < periodStartMillis) {
        synchronized (this) {
          rotateByTime(modified - Math.floorMod(modified, intervalMillis));
        }
      }
      timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ja3sensor-output-rotation");
        t.setDaemon(true);
        return t;
      });
      long every = Math.min(250, intervalMillis);
      timer.scheduleAtFixedRate(this::tick, every, every,
          java.util.concurrent.TimeUnit.MILLISECONDS);
    } else {
      timer = null;
    }
  }

  /** The timer's check: rotates when the boundary has passed, whether events come or not. */
  private synchronized void tick() {
    try {
      rotateIfDue();
    } catch (RuntimeException e) {
      warn.accept("rotating " + path + " failed: " + e);
    }
  }

  /**
   * At or past the boundary: the buffered lines (published before it) go to the current file,
   * which is then renamed after its interval; a new file starts.
   */
  private void rotateIfDue() {
    if (intervalMillis == 0) {
      return;
    }
    long now = System.currentTimeMillis();
    if (now < nextBoundaryMillis) {
      return;
    }
    writeBuffer();
    long start = periodStartMillis;
    periodStartMillis = now - Math.floorMod(now, intervalMillis);
    nextBoundaryMillis = periodStartMillis + intervalMillis;
    rotateByTime(start);
  }

  /** PATH -> PATH.<start of its interval> (not when empty); a new PATH. */
  private void rotateByTime(long startMillis) {
    try {
      if (channel != null) {
        if (channel.size() == 0) {
          return;
        }
        channel.force(true);
        channel.close();
        channel = null;
      } else if (!Files.exists(path) || Files.size(path) == 0) {
        return;
      }
      String base = path.getFileName() + "." + STAMP.format(java.time.Instant.ofEpochMilli(
          startMillis));
      Path to = path.resolveSibling(base);
      for (int i = 1; Files.exists(to); i++) {
        to = path.resolveSibling(base + "-" + i); // a restart within the same interval
      }
      try {
        Files.move(path, to);
      } catch (NoSuchFileException e) {
        // renamed away meanwhile (logrotate): the new file starts anyway
      }
      rotations++;
      open();
    } catch (IOException e) {
      warn.accept("cannot rotate " + path + ": " + reason(e)
          + "; writing on (the file is reopened at the next write)");
      closeQuietly();
    }
  }

  private void open() throws IOException {
    try {
      if (!Files.exists(path)) {
        try {
          Files.createFile(
              path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } catch (UnsupportedOperationException e) {
          Files.createFile(path);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // created meanwhile: append to it
        }
      }
      channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      size = channel.size();
    } catch (NoSuchFileException e) {
      throw new IOException("--output-path " + path + ": no such directory", e);
    } catch (AccessDeniedException e) {
      throw new IOException("--output-path " + path + ": permission denied", e);
    } catch (FileSystemException e) {
      throw new IOException("--output-path " + path + ": " + reason(e), e);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  @Override
  public void publish(String json, String key, boolean alert) throws IOException {
    publish(json.getBytes(StandardCharsets.UTF_8), key, alert);
  }

  @Override
  public void publish(byte[] line, String key, boolean alert) throws IOException {
    publish(line, 0, line.length, key, alert);
  }

  @Override
  public synchronized void publish(byte[] line, int off, int len, String key, boolean alert)
      throws IOException {
    if (reopenRequested) {
      reopenNow();
    }
    rotateIfDue();
    if (buf.remaining() < len + 1) {
      writeBuffer();
    }
    if (len + 1 > buf.capacity()) {
      ByteBuffer one = ByteBuffer.allocate(len + 1);
      one.put(line, off, len).put((byte) '\n').flip();
      writeBatch(one, 1);
      return;
    }
    buf.put(line, off, len).put((byte) '\n');
    bufferedLines++;
  }

  @Override
  public boolean copiesRanges() {
    return true;
  }

  /** Writes the buffered lines. */
  @Override
  public synchronized void flush() throws IOException {
    if (reopenRequested) {
      reopenNow();
    }
    rotateIfDue();
    writeBuffer();
  }

  /**
   * The input is idle (a live pipe waiting for packets): the buffered lines are written, so that
   * a shipper following the file sees them now rather than when 64 KiB have gathered.
   */
  @Override
  public void idle() throws IOException {
    flush();
  }

  private void writeBuffer() {
    if (bufferedLines == 0) {
      return;
    }
    buf.flip();
    writeBatch(buf, bufferedLines);
    buf.clear();
    bufferedLines = 0;
  }

  /** Writes whole lines; on failure counts them as failed and leaves the file at a line end. */
  private void writeBatch(ByteBuffer batch, int lines) {
    long now = System.nanoTime();
    if (failing && now - lastAttemptNanos < RETRY_NANOS) {
      drop(lines);
      return;
    }
    lastAttemptNanos = now;
    try {
      if (channel == null) {
        open();
      }
      if (maxBytes > 0 && size > 0 && size + batch.remaining() > maxBytes) {
        rotate();
      }
      long before = size;
      try {
        while (batch.hasRemaining()) {
          size += channel.write(batch);
        }
        if (fsync == Fsync.ALWAYS) {
          channel.force(false);
        }
      } catch (IOException e) {
        undoPartial(before);
        throw e;
      }
      written += lines;
      if (failing) {
        failing = false;
        warn.accept("writing events to " + path + " again (" + failedSinceError
            + " events could not be written)");
      }
    } catch (IOException e) {
      drop(lines);
      if (!failing) {
        failing = true;
        failedSinceError = lines;
        warn.accept("cannot write events to " + path + ": " + reason(e)
            + "; events are dropped and counted until a write succeeds again");
      }
    }
  }

  private void drop(int lines) {
    failed += lines;
    failedSinceError += failing ? lines : 0;
  }

  /** A write that failed part-way: cut the file back to its last whole line. */
  private void undoPartial(long wholeSize) {
    try {
      if (channel != null && channel.size() > wholeSize) {
        channel.truncate(wholeSize);
      }
      size = wholeSize;
    } catch (IOException e) {
      // cannot even truncate: reopen at the next attempt, which finds the true size
      closeQuietly();
    }
  }

  /** PATH -> PATH.1 -> ... -> PATH.keep (the oldest deleted); a new PATH. */
  private void rotate() throws IOException {
    channel.force(true);
    channel.close();
    channel = null;
    Files.deleteIfExists(rotated(keep));
    for (int i = keep - 1; i >= 1; i--) {
      if (Files.exists(rotated(i))) {
        Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    try {
      Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      // renamed away meanwhile (logrotate, before its SIGHUP): the new file starts anyway
    }
    rotations++;
    open();
  }

  private Path rotated(int i) {
    return path.resolveSibling(path.getFileName() + "." + i);
  }

  /**
   * Closes the file and opens its path again at the next write or flush (logrotate's SIGHUP
   * convention). Safe from any thread; does no I/O itself.
   */
  public void reopen() {
    reopenRequested = true;
  }

  private void reopenNow() {
    reopenRequested = false;
    writeBuffer();
    closeQuietly();
    try {
      open();
    } catch (IOException e) {
      if (!failing) {
        failing = true;
        failedSinceError = 0;
        lastAttemptNanos = System.nanoTime();
        warn.accept("cannot reopen " + path + ": " + e.getMessage());
      }
    }
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.force(true);
      } catch (IOException ignored) {
        // the file is going away anyway
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
      channel = null;
    }
  }

  /** @throws IOException when some events could not be written (the count says how many) */
  @Override
  public synchronized void close() throws IOException {
    if (timer != null) {
      timer.shutdownNow();
    }
    if (reopenRequested) {
      reopenNow();
    }
    lastAttemptNanos = System.nanoTime() - RETRY_NANOS; // one last attempt, whatever the clock
    writeBuffer();
    closeQuietly();
    if (failed > 0) {
      throw new IOException(failed + " events could not be written to " + path);
    }
  }

  @Override
  public synchronized Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("written", written);
    m.put("failed", failed);
    m.put("rotations", rotations);
    return m;
  }
}
