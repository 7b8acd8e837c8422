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
 * {@code E|A <TAB> key|- <TAB> crc32 as 8 hex digits <TAB> json}, the CRC-32 covering the type,
 * the key and the JSON (spools of earlier versions, whose CRC covers the JSON only, are still
 * read). New events are appended to the newest segment; a segment is read only once sealed (the
 * reader seals the segment being written when it catches up).
 *
 * <h2>Crash safety</h2>
 *
 * A record is acknowledged ({@link #acked}) once the broker has it. The file {@code replay.pos}
 * holds the end offset of the last acknowledged record of the oldest segment (id, offset,
 * CRC-32; written in place before each read, not synced), so a run killed while replaying resumes
 * at that record instead of replaying the segment whole: what is replayed twice after {@code
 * kill -9} is at most what was read and not yet acknowledged at the last read, which the sink's
 * memory bound limits. A segment is deleted only once its last record is acknowledged, so a crash
 * never loses a record that was read but not delivered. A crash while writing leaves a torn last
 * line (no newline, or a failing checksum): it is skipped and counted in {@link #corrupt()}; a
 * later run never appends to an existing segment. At shutdown, the events that were in memory are
 * written to a new segment with an id below every other one, together with the unread rest of
 * the segment being read, so the next run replays them first and never replays what was already
 * acknowledged.
 *
 * <p>The bound {@code maxBytes} covers every segment file, read or not. Not thread-safe: the
 * owner ({@link KafkaSink}) calls it under its lock.
 */
final class Spool implements Closeable {
  private static final String PREFIX = "spool-";
  private static final String SUFFIX = ".jsonl";
  private static final long NONE = Long.MIN_VALUE;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** Replay progress: segment id (8 bytes), end offset (8), CRC-32 of the 16 (4), big-endian. */
  static final String PROGRESS = "replay.pos";

  private static final int PROGRESS_BYTES = 20;

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
  /** File offset of the next unparsed byte of the segment being read. */
  private long readPos;
  /** End offset of the last record returned from the segment being read; NONE before one. */
  private long lastReturnedEnd = NONE;
  /** Segments read to their end whose last returned record is not acknowledged: id to its end. */
  private final TreeMap<Long, Long> awaitingAck = new TreeMap<>();
  /** Last acknowledged record, and what {@link #PROGRESS} holds. */
  private long ackId = NONE;
  private long ackEnd;
  private long savedId = NONE;
  private long savedEnd;
  /** Where reading of the oldest segment starts (from {@link #PROGRESS}); 0 when none. */
  private long resumeId = NONE;
  private long resumeOffset;
  private final FileChannel progress;
  private final java.nio.ByteBuffer progressBuf = java.nio.ByteBuffer.allocate(PROGRESS_BYTES);
  /** The segment being read, and its read buffer: bytes [rpos, rlim) are not yet parsed. */
  private InputStream reader;
  private byte[] rbuf = new byte[1 << 16];
  private int rpos;
  private int rlim;
  private byte[] line = new byte[8192];
  private final CRC32 crc = new CRC32();

  private Spool(Path dir, long maxBytes, FileChannel lockChannel, FileLock lock, FileChannel progress) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = Math.max(4096, Math.min(64L << 20, maxBytes / 8));
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.progress = progress;
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
    FileChannel progress;
    try {
      progress =
          FileChannel.open(
              dir.resolve(PROGRESS),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    } catch (IOException e) {
      lock.release();
      ch.close();
      throw e;
    }
    Spool s = new Spool(dir, maxBytes, ch, lock, progress);
    try {
      s.scan();
      s.loadProgress();
    } catch (IOException | RuntimeException e) {
      s.releaseLock();
      throw e;
    }
    return s;
  }

  /**
   * Reads {@link #PROGRESS}: it applies only to the oldest segment, at a record boundary inside
   * it. Anything else (a torn or stale file) is ignored, which can only replay records again,
   * never skip one.
   */
  private void loadProgress() throws IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(PROGRESS_BYTES);
    while (b.hasRemaining() && progress.read(b, b.position()) > 0) {}
    if (b.position() < PROGRESS_BYTES || segments.isEmpty()) {
      return;
    }
    long id = b.getLong(0);
    long off = b.getLong(8);
    CRC32 c = new CRC32();
    c.update(b.array(), 0, 16);
    if ((int) c.getValue() != b.getInt(16) || id != segments.firstKey() || off <= 0) {
      return;
    }
    Path seg = segment(id);
    if (off > segments.get(id)) {
      return;
    }
    try (FileChannel f = FileChannel.open(seg, StandardOpenOption.READ)) {
      java.nio.ByteBuffer nl = java.nio.ByteBuffer.allocate(1);
      if (f.read(nl, off - 1) != 1 || nl.get(0) != '\n') {
        return;
      }
    }
    resumeId = id;
    resumeOffset = off;
    savedId = id;
    savedEnd = off;
    pendingEvents -= countLines(seg, off);
  }

  /** Writes the acknowledged position to {@link #PROGRESS} when it moved (not synced). */
  private void saveProgress() throws IOException {
    if (ackId == savedId && ackEnd == savedEnd) {
      return;
    }
    writeProgress(ackId, ackEnd);
  }

  private void writeProgress(long id, long end) throws IOException {
    progressBuf.clear();
    progressBuf.putLong(0, id).putLong(8, end);
    CRC32 c = new CRC32();
    c.update(progressBuf.array(), 0, 16);
    progressBuf.putInt(16, (int) c.getValue());
    progressBuf.position(0).limit(PROGRESS_BYTES);
    long pos = 0;
    while (progressBuf.hasRemaining()) {
      pos += progress.write(progressBuf, pos);
    }
    savedId = id;
    savedEnd = end;
  }

  /**
   * The broker has the record {@code e} read from this spool (or refused it for good): records
   * are acknowledged in the order they were read. Deletes segments whose last record this was.
   */
  void acked(QueuedEvent e) throws IOException {
    if (e.spoolSegment == NONE) {
      return;
    }
    ackId = e.spoolSegment;
    ackEnd = e.spoolEnd;
    while (!awaitingAck.isEmpty()) {
      Map.Entry<Long, Long> first = awaitingAck.firstEntry();
      if (first.getKey() < ackId || (first.getKey() == ackId && ackEnd >= first.getValue())) {
        awaitingAck.pollFirstEntry();
        deleteSegment(first.getKey());
      } else {
        break;
      }
    }
    if (pendingEvents == 0) {
      saveProgress(); // nothing more will be read soon: keep the tail's position now
    }
  }

  private void deleteSegment(long id) throws IOException {
    Files.deleteIfExists(segment(id));
    Long size = segments.remove(id);
    if (size != null) {
      bytesOnDisk -= size;
    }
    if (savedId == id || ackId == id) {
      // Ids are reused once the spool is empty: a stale position must never skip a new record.
      ackId = NONE;
      writeProgress(NONE, 0);
    }
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
    return countLines(p, Long.MAX_VALUE);
  }

  /** Newlines among the first {@code limit} bytes of {@code p}. */
  private static long countLines(Path p, long limit) throws IOException {
    long n = 0;
    long left = limit;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(p)) {
      int r;
      while (left > 0 && (r = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
        left -= r;
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

  static long recordBytes(QueuedEvent e) {
    return 1 + 1 + (e.key == null ? 1 : e.key.length()) + 1 + 8 + 1 + e.json.length + 1;
  }

  private void writeRecord(OutputStream out, QueuedEvent e) throws IOException {
    out.write(e.alert ? 'A' : 'E');
    out.write('\t');
    byte[] key = (e.key == null ? "-" : e.key).getBytes(StandardCharsets.US_ASCII);
    out.write(key);
    out.write('\t');
    crc.reset();
    crc.update(e.alert ? 'A' : 'E');
    crc.update(key, 0, key.length);
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
    saveProgress();
    while (true) {
      if (reader == null) {
        Long id =
            !awaitingAck.isEmpty()
                ? segments.higherKey(awaitingAck.lastKey())
                : segments.isEmpty() ? null : segments.firstKey();
        if (id == null) {
          return null;
        }
        if (id == writeId) {
          if (segments.get(id) == 0) {
            return null;
          }
          sealWriter(false);
        }
        FileChannel ch = FileChannel.open(segment(id), StandardOpenOption.READ);
        readPos = 0;
        if (id == resumeId) {
          ch.position(resumeOffset);
          readPos = resumeOffset;
          resumeId = NONE;
        }
        reader = Channels.newInputStream(ch);
        rpos = 0;
        rlim = 0;
        readId = id;
        lastReturnedEnd = NONE;
      }
      int len = readLine(reader);
      if (len < 0) {
        reader.close();
        reader = null;
        if (lastReturnedEnd == NONE || (ackId == readId && ackEnd >= lastReturnedEnd)) {
          deleteSegment(readId); // nothing of it is still on its way to the broker
        } else {
          awaitingAck.put(readId, lastReturnedEnd);
        }
        readId = NONE;
        continue;
      }
      if (len == Integer.MAX_VALUE) {
        corrupt++; // torn last line without its newline: never counted as pending
        continue;
      }
      readPos += len + 1;
      pendingEvents--;
      QueuedEvent e = parse(line, len);
      if (e == null) {
        corrupt++;
        continue;
      }
      e.fromSpool = true;
      e.spoolSegment = readId;
      e.spoolEnd = readPos;
      lastReturnedEnd = readPos;
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
    long expected = 0;
    for (int i = crcStart; i < crcStart + 8; i++) {
      int d = Character.digit(b[i], 16); // 8 hex digits: no sign, unlike Long.parseLong's
      if (d < 0) {
        return null;
      }
      expected = expected << 4 | d;
    }
    crc.reset();
    crc.update(b, 0, 1);
    crc.update(b, 2, keyEnd - 2);
    crc.update(b, jsonStart, len - jsonStart);
    if (crc.getValue() != expected) {
      crc.reset();
      crc.update(b, jsonStart, len - jsonStart); // the JSON-only checksum of earlier versions
      if (crc.getValue() != expected) {
        return null;
      }
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
      if (head.isEmpty() && reader == null && awaitingAck.isEmpty()) {
        saveProgress();
        progress.force(false);
        syncDir();
        return 0;
      }
      // Segments read to their end, and the one being read, are replaced by the head: their
      // unacknowledged records are in head, their unread rest is copied behind it.
      long readSegSize = reader == null ? 0 : segments.get(readId);
      for (long id : awaitingAck.keySet()) {
        readSegSize += segments.getOrDefault(id, 0L);
      }
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
          long lastNewline = written - 1; // the rest is copied up to its last complete record
          for (int i = rpos; i < rlim; i++) {
            if (rbuf[i] == '\n') {
              lastNewline = written + i - rpos;
            }
          }
          out.write(rbuf, rpos, rlim - rpos);
          written += rlim - rpos;
          rpos = rlim;
          int r;
          while ((r = reader.read(rbuf)) > 0) {
            for (int i = 0; i < r; i++) {
              if (rbuf[i] == '\n') {
                lastNewline = written + i;
              }
            }
            out.write(rbuf, 0, r);
            written += r;
          }
          out.flush();
          if (lastNewline + 1 < written) {
            corrupt++; // a line torn by an earlier crash: not carried into the head
            ch.truncate(lastNewline + 1);
            written = lastNewline + 1;
          }
        }
        out.flush();
        ch.force(true);
      }
      Files.move(tmp, segment(headId), StandardCopyOption.ATOMIC_MOVE);
      segments.put(headId, written);
      bytesOnDisk += written;
      // The position refers to a segment the head replaces: from now on it would only confuse.
      writeProgress(NONE, 0);
      ackId = NONE;
      for (long id : new ArrayList<>(awaitingAck.keySet())) {
        deleteSegment(id);
      }
      awaitingAck.clear();
      if (reader != null) {
        reader.close();
        reader = null;
        deleteSegment(readId);
        readId = NONE;
      }
      progress.force(false);
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
      progress.close();
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    }
  }

  /**
   * For tests: what {@code kill -9} leaves. Drops the write buffer and every open file without
   * flushing, syncing or moving anything, and releases the directory.
   */
  void abandonForTest() throws IOException {
    if (writeChannel != null) {
      writeChannel.close();
      writeChannel = null;
      writer = null;
    }
    releaseLock();
  }

  /** Segment ids and sizes, for tests and diagnostics. */
  Map<Long, Long> segments() {
    return new TreeMap<>(segments);
  }
}
