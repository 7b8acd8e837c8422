package org.ja3sensor.sink;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A bounded, ordered, on-disk queue of events: the overflow of {@link KafkaSink} while the broker
 * is slow or down, and what was still pending at shutdown.
 *
 * <p>Layout: one directory (locked by one process at a time through {@code .lock}) holding
 * segment files {@code spool-<id>.jsonl}, read in ascending id order. Each line is one event:
 * {@code E|A <TAB> key|- <TAB> crc32(json) as 8 hex digits <TAB> json}. New events are appended to
 * the newest segment; a segment is read only once sealed (the reader seals the segment being
 * written when it catches up) and is deleted when fully read. At shutdown, the events that were
 * in memory are written to a new segment with an id below every other one, together with the
 * unread rest of the segment being read, so the next run replays them first and never replays
 * what was already handed to the producer.
 *
 * <p>The bound {@code maxBytes} covers every segment file, read or not. Not thread-safe: the
 * owner ({@link KafkaSink}) calls it under its lock. Lines that fail their checksum (a write torn
 * by a crash) are skipped and counted in {@link #corrupt()}.
 */
final class Spool implements Closeable {
  private static final String PREFIX = "spool-";
  private static final String SUFFIX = ".jsonl";
  private static final long NONE = Long.MIN_VALUE;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final FileChannel lockChannel;
  private final FileLock lock;

  /** Segment id to its size in bytes (including bytes still in the writer's buffer). */
  private final TreeMap<Long, Long> segments = new TreeMap<>();

  private long bytesOnDisk;
  private long pendingEvents;
  private long corrupt;

  private long writeId = NONE;
  private FileChannel writeChannel;
  private OutputStream writer;

  private long readId = NONE;
  /** The segment being read, and its read buffer: bytes [rpos, rlim) are not yet parsed. */
  private InputStream reader;
  private byte[] rbuf = new byte[1 << 16];
  private int rpos;
  private int rlim;
  private byte[] line = new byte[8192];
  private final CRC32 crc = new CRC32();

  private Spool(Path dir, long maxBytes, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = Math.max(4096, Math.min(64L << 20, maxBytes / 8));
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating if needed) and locks a spool directory, and counts what a previous run left.
   *
   * @throws IOException when the directory cannot be created or is in use by another sink
   */
  static Spool open(Path dir, long maxBytes) throws IOException {
    Files.createDirectories(dir);
    FileChannel ch =
        FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new IOException(
          "spool directory "
              + dir
              + " is in use by another ja3sensor sink; give each sensor its own --spool-dir");
    }
    Spool s = new Spool(dir, maxBytes, ch, lock);
    try {
      s.scan();
    } catch (IOException | RuntimeException e) {
      s.releaseLock();
      throw e;
    }
    return s;
  }

  private void scan() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(PREFIX) && name.endsWith(SUFFIX + ".tmp")) {
          // A shutdown that died while writing its head segment: the originals are still there.
          Files.deleteIfExists(p);
          continue;
        }
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
          continue;
        }
        long id;
        try {
          id = Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
          continue;
        }
        long size = Files.size(p);
        segments.put(id, size);
        bytesOnDisk += size;
        pendingEvents += countLines(p);
      }
    }
  }

  private static long countLines(Path p) throws IOException {
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(p)) {
      int r;
      while ((r = in.read(buf)) > 0) {
        for (int i = 0; i < r; i++) {
          if (buf[i] == '\n') {
            n++;
          }
        }
      }
    }
    return n;
  }

  Path dir() {
    return dir;
  }

  /** Events in the spool not yet read back. */
  long pendingEvents() {
    return pendingEvents;
  }

  boolean isDrained() {
    return pendingEvents == 0;
  }

  long bytesOnDisk() {
    return bytesOnDisk;
  }

  long maxBytes() {
    return maxBytes;
  }

  /** Lines skipped because they were torn or failed their checksum. */
  long corrupt() {
    return corrupt;
  }

  /**
   * Appends one event at the tail.
   *
   * @return false when the event does not fit in the bound (nothing is written)
   */
  boolean append(QueuedEvent e) throws IOException {
    long n = recordBytes(e);
    if (bytesOnDisk + n > maxBytes) {
      return false;
    }
    if (writer == null || segments.get(writeId) >= segmentBytes) {
      roll();
    }
    writeRecord(writer, e);
    segments.merge(writeId, n, Long::sum);
    bytesOnDisk += n;
    pendingEvents++;
    return true;
  }

  private static long recordBytes(QueuedEvent e) {
    return 1 + 1 + (e.key == null ? 1 : e.key.length()) + 1 + 8 + 1 + e.json.length + 1;
  }

  private void writeRecord(OutputStream out, QueuedEvent e) throws IOException {
    out.write(e.alert ? 'A' : 'E');
    out.write('\t');
    out.write((e.key == null ? "-" : e.key).getBytes(StandardCharsets.US_ASCII));
    out.write('\t');
    crc.reset();
    crc.update(e.json, 0, e.json.length);
    long v = crc.getValue();
    for (int shift = 28; shift >= 0; shift -= 4) {
      out.write(HEX[(int) (v >>> shift) & 0xf]);
    }
    out.write('\t');
    out.write(e.json);
    out.write('\n');
  }

  private void roll() throws IOException {
    sealWriter(false);
    long id = segments.isEmpty() ? 0 : segments.lastKey() + 1;
    writeChannel =
        FileChannel.open(segment(id), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    writer = new BufferedOutputStream(Channels.newOutputStream(writeChannel), 1 << 16);
    writeId = id;
    segments.put(id, 0L);
  }

  /**
   * Closes the segment being written. Synced to disk only at shutdown ({@code sync}): while
   * running, an fsync here would hold up the pipeline thread that appends.
   */
  private void sealWriter(boolean sync) throws IOException {
    if (writer != null) {
      writer.flush();
      if (sync) {
        writeChannel.force(false);
      }
      writer.close();
      writer = null;
      writeChannel = null;
      writeId = NONE;
    }
  }

  private Path segment(long id) {
    return dir.resolve(PREFIX + id + SUFFIX);
  }

  /** Pushes appended events from the write buffer to the operating system. */
  void flush() throws IOException {
    if (writer != null) {
      writer.flush();
    }
  }

  /** The oldest unread event, or null when the spool is drained. */
  QueuedEvent next() throws IOException {
    while (true) {
      if (reader == null) {
        if (segments.isEmpty()) {
          return null;
        }
        long id = segments.firstKey();
        if (id == writeId) {
          if (segments.get(id) == 0) {
            return null;
          }
          sealWriter(false);
        }
        reader = Files.newInputStream(segment(id));
        rpos = 0;
        rlim = 0;
        readId = id;
      }
      int len = readLine(reader);
      if (len < 0) {
        reader.close();
        reader = null;
        Files.deleteIfExists(segment(readId));
        bytesOnDisk -= segments.remove(readId);
        readId = NONE;
        continue;
      }
      if (len == Integer.MAX_VALUE) {
        corrupt++; // torn last line without its newline: never counted as pending
        continue;
      }
      pendingEvents--;
      QueuedEvent e = parse(line, len);
      if (e == null) {
        corrupt++;
        continue;
      }
      e.fromSpool = true;
      return e;
    }
  }

  /**
   * Reads one line into {@link #line}: its length without the newline, -1 at the end of the
   * file, {@code Integer.MAX_VALUE} for a last line without a newline.
   */
  private int readLine(InputStream in) throws IOException {
    int n = 0;
    while (true) {
      if (rpos == rlim) {
        int r = in.read(rbuf, 0, rbuf.length);
        if (r <= 0) {
          return n == 0 ? -1 : Integer.MAX_VALUE;
        }
        rpos = 0;
        rlim = r;
      }
      int start = rpos;
      while (rpos < rlim && rbuf[rpos] != '\n') {
        rpos++;
      }
      int chunk = rpos - start;
      if (n + chunk > line.length) {
        line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, n + chunk));
      }
      System.arraycopy(rbuf, start, line, n, chunk);
      n += chunk;
      if (rpos < rlim) {
        rpos++; // the newline
        return n;
      }
    }
  }

  /** Parses one spool line; null when it is malformed or fails its checksum. */
  private QueuedEvent parse(byte[] b, int len) {
    if (len < 14 || (b[0] != 'E' && b[0] != 'A') || b[1] != '\t') {
      return null;
    }
    int keyEnd = 2;
    while (keyEnd < len && b[keyEnd] != '\t') {
      keyEnd++;
    }
    int crcStart = keyEnd + 1;
    int jsonStart = crcStart + 9;
    if (keyEnd == 2 || jsonStart > len || b[jsonStart - 1] != '\t') {
      return null;
    }
    long expected;
    try {
      expected = Long.parseLong(new String(b, crcStart, 8, StandardCharsets.US_ASCII), 16);
    } catch (NumberFormatException e) {
      return null;
    }
    crc.reset();
    crc.update(b, jsonStart, len - jsonStart);
    if (crc.getValue() != expected) {
      return null;
    }
    String key = new String(b, 2, keyEnd - 2, StandardCharsets.US_ASCII);
    byte[] json = java.util.Arrays.copyOfRange(b, jsonStart, len);
    return new QueuedEvent(b[0] == 'A', key.equals("-") ? null : key, json);
  }

  /**
   * Shutdown: writes {@code head} (the events that were in memory, oldest first) in front of
   * everything else, moves the unread rest of the segment being read behind them, syncs and
   * releases the directory.
   *
   * @return how many events of {@code head} did not fit in the bound and were dropped
   */
  int closeWithHead(List<QueuedEvent> head) throws IOException {
    try {
      sealWriter(true);
      syncSegments();
      if (head.isEmpty() && reader == null) {
        syncDir();
        return 0;
      }
      long readSegSize = reader == null ? 0 : segments.get(readId);
      long headId = segments.isEmpty() ? 0 : segments.firstKey() - 1;
      Path tmp = dir.resolve(PREFIX + headId + SUFFIX + ".tmp");
      long available = maxBytes - (bytesOnDisk - readSegSize);
      int dropped = 0;
      long written = 0;
      try (FileChannel ch =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        List<QueuedEvent> kept = new ArrayList<>(head.size());
        long headBytes = 0;
        // Bytes still unread in the current segment are moved, not added: reserve them first.
        long remainder = reader == null ? 0 : (rlim - rpos) + reader.available();
        for (QueuedEvent e : head) {
          long n = recordBytes(e);
          if (headBytes + n + remainder > available) {
            dropped = head.size() - kept.size();
            break;
          }
          headBytes += n;
          kept.add(e);
        }
        for (QueuedEvent e : kept) {
          writeRecord(out, e);
        }
        written += headBytes;
        pendingEvents += kept.size();
        if (reader != null) {
          out.write(rbuf, rpos, rlim - rpos);
          written += rlim - rpos;
          rpos = rlim;
          int r;
          while ((r = reader.read(rbuf)) > 0) {
            out.write(rbuf, 0, r);
            written += r;
          }
        }
        out.flush();
        ch.force(true);
      }
      Files.move(tmp, segment(headId), StandardCopyOption.ATOMIC_MOVE);
      segments.put(headId, written);
      bytesOnDisk += written;
      if (reader != null) {
        reader.close();
        reader = null;
        Files.deleteIfExists(segment(readId));
        bytesOnDisk -= segments.remove(readId);
        readId = NONE;
      }
      if (written == 0) {
        Files.deleteIfExists(segment(headId));
        segments.remove(headId);
      }
      syncDir();
      return dropped;
    } finally {
      releaseLock();
    }
  }

  /** Segments sealed while running were not synced: sync them all at shutdown. */
  private void syncSegments() throws IOException {
    for (long id : segments.keySet()) {
      Path p = segment(id);
      if (Files.exists(p)) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
    }
  }

  private void syncDir() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every file system can sync a directory; the files themselves were synced.
    }
  }

  @Override
  public void close() throws IOException {
    closeWithHead(List.of());
  }

  private void releaseLock() throws IOException {
    try {
      if (reader != null) {
        reader.close();
        reader = null;
      }
      if (writer != null) {
        writer.close();
        writer = null;
      }
    } finally {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    }
  }

  /** Segment ids and sizes, for tests and diagnostics. */
  Map<Long, Long> segments() {
    return new TreeMap<>(segments);
  }
}
