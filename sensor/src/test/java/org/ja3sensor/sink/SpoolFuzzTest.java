package org.ja3sensor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Coverage-guided fuzz target (Jazzer) for the Kafka spool reader: what a crash, a full disk or
 * a bad disk leaves in a spool directory. Saved inputs under {@code
 * src/test/resources/org/ja3sensor/sink/SpoolFuzzTestInputs/spoolFile/} (spools written by the
 * format's description, cut by {@code scripts/fuzz-seeds.py}, and every past finding).
 *
 * <p>Input: 9 bytes of layout, then the content. Byte 0: bit 0 the content is a list of events
 * (split at zero bytes) written as valid records, else raw segment bytes; bit 1 a {@code
 * replay.pos} is written (valid checksum) pointing at the offset in bytes 1-2, bit 6 for the
 * second segment instead of the first; bit 2 the bytes are split into two segments at the offset
 * in bytes 3-4; bit 3 the byte at bytes 5-6 is changed by byte 7; byte 8 (not 0) cuts the bytes
 * at that fraction (a torn last record).
 *
 * <p>Invariants: opening and draining never throw; the events delivered are exactly the intact
 * records of the files, in segment order, from the replay position when it is a record boundary
 * of the oldest segment (an independent reading of the documented format: {@code E|A TAB key|-
 * TAB crc32 as 8 hex digits TAB json}); a torn or altered record is never delivered and is
 * counted corrupt; nothing is pending once drained; once every record is acknowledged no segment
 * is left and a new run delivers nothing.
 */
class SpoolFuzzTest {
  private static final long FIRST = 3;
  private static final long SECOND = 7;

  /**
   * Where each execution's spool directory goes: memory ({@code /dev/shm}) where there is one, so
   * that an execution costs the spool's work rather than the disk's (a directory on disk gave
   * about 200 executions per second); the file operations are the same.
   */
  private static final Path SCRATCH = scratch();

  private static Path scratch() {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return shm;
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  @FuzzTest(maxDuration = "10s")
  void spoolFile(byte[] data) throws IOException {
    if (data.length < 9) {
      return;
    }
    int flags = data[0] & 0xff;
    byte[] content = Arrays.copyOfRange(data, 9, data.length);
    if ((flags & 1) != 0) {
      content = records(content);
    }
    if ((flags & 8) != 0 && content.length > 0) {
      content[u16(data, 5) % content.length] ^= data[7];
    }
    if ((data[8] & 0xff) != 0) {
      content = Arrays.copyOf(content, (int) ((long) content.length * (data[8] & 0xff) / 256));
    }
    List<byte[]> segs = new ArrayList<>();
    if ((flags & 4) != 0) {
      int at = Math.min(content.length, u16(data, 3));
      segs.add(Arrays.copyOf(content, at));
      segs.add(Arrays.copyOfRange(content, at, content.length));
    } else {
      segs.add(content);
    }
    Path dir = Files.createTempDirectory(SCRATCH, "spoolfuzz");
    try {
      Files.write(dir.resolve("spool-" + FIRST + ".jsonl"), segs.get(0));
      if (segs.size() > 1) {
        Files.write(dir.resolve("spool-" + SECOND + ".jsonl"), segs.get(1));
      }
      Files.write(dir.resolve("spool-x.jsonl"), new byte[] {'E', '\t'}); // not a segment name
      long resumeOffset = -1;
      if ((flags & 2) != 0) {
        long id = (flags & 0x40) != 0 ? SECOND : FIRST;
        long off = u16(data, 1);
        Files.write(dir.resolve(Spool.PROGRESS), progress(id, off));
        byte[] first = segs.get(0);
        if (id == FIRST && off > 0 && off <= first.length && first[(int) off - 1] == '\n') {
          resumeOffset = off;
        }
      }
      List<String> expected = new ArrayList<>();
      long expectedCorrupt = 0;
      for (int i = 0; i < segs.size(); i++) {
        byte[] s = segs.get(i);
        int p = i == 0 && resumeOffset > 0 ? (int) resumeOffset : 0;
        while (p < s.length) {
          int nl = p;
          while (nl < s.length && s[nl] != '\n') {
            nl++;
          }
          if (nl == s.length) {
            expectedCorrupt++; // a torn last line
            break;
          }
          String r = parse(s, p, nl);
          if (r == null) {
            expectedCorrupt++;
          } else {
            expected.add(r);
          }
          p = nl + 1;
        }
      }

      List<String> got = new ArrayList<>();
      long corrupt;
      try (Spool spool = Spool.open(dir, 1L << 30)) {
        QueuedEvent e;
        while ((e = spool.next()) != null) {
          assertTrue(e.fromSpool);
          got.add((e.alert ? "A" : "E") + " " + e.key + " "
              + new String(e.json, StandardCharsets.ISO_8859_1));
          spool.acked(e);
          assertTrue(got.size() <= content.length, "more events than bytes");
        }
        assertEquals(0, spool.pendingEvents(), "events pending once drained");
        corrupt = spool.corrupt();
      }
      assertEquals(expected, got, "not the intact records of the spool, in order");
      assertEquals(expectedCorrupt, corrupt, "torn or altered records counted");
      try (Stream<Path> left = Files.list(dir)) {
        List<String> names =
            left.map(q -> q.getFileName().toString()).filter(n -> n.matches("spool-[0-9]+\\.jsonl"))
                .toList();
        assertEquals(List.of(), names, "segments left once every record was acknowledged");
      }
      try (Spool again = Spool.open(dir, 1L << 30)) {
        assertNull(again.next(), "a record delivered twice");
        assertEquals(0, again.pendingEvents());
      }
    } finally {
      try (Stream<Path> w = Files.walk(dir)) {
        for (Path q : w.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(q);
        }
      }
    }
  }

  /** The record of the line [p, nl) as "type key json", or null when it is not one. */
  private static String parse(byte[] s, int p, int nl) {
    if (nl - p < 14 || (s[p] != 'E' && s[p] != 'A') || s[p + 1] != '\t') {
      return null;
    }
    int k = p + 2;
    while (k < nl && s[k] != '\t') {
      k++;
    }
    if (k == p + 2 || k + 10 > nl || s[k + 9] != '\t') {
      return null;
    }
    long crc = 0;
    for (int i = k + 1; i < k + 9; i++) {
      int d = Character.digit(s[i], 16);
      if (d < 0) {
        return null;
      }
      crc = crc << 4 | d;
    }
    int json = k + 10;
    CRC32 c = new CRC32();
    c.update(s, p, 1);
    c.update(s, p + 2, k - p - 2);
    c.update(s, json, nl - json);
    CRC32 old = new CRC32(); // spools of earlier versions: the JSON only
    old.update(s, json, nl - json);
    if (c.getValue() != crc && old.getValue() != crc) {
      return null;
    }
    String key = new String(s, p + 2, k - p - 2, StandardCharsets.US_ASCII);
    return (char) s[p] + " " + (key.equals("-") ? null : key) + " "
        + new String(s, json, nl - json, StandardCharsets.ISO_8859_1);
  }

  /** Valid records of the events (split at zero bytes): byte 0 of each chooses type and key. */
  private static byte[] records(byte[] events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int start = 0;
    for (int i = 0; i <= events.length; i++) {
      if (i < events.length && events[i] != 0) {
        continue;
      }
      if (i > start) {
        int h = events[start] & 0xff;
        byte[] json = Arrays.copyOfRange(events, start + 1, i);
        for (int j = 0; j < json.length; j++) {
          if (json[j] == '\n') {
            json[j] = ' '; // JSON lines never hold a raw newline
          }
        }
        byte type = (byte) ((h & 1) != 0 ? 'A' : 'E');
        byte[] key = ((h & 2) != 0 ? "-" : "k" + (h >>> 2)).getBytes(StandardCharsets.US_ASCII);
        CRC32 c = new CRC32();
        c.update(type);
        c.update(key);
        c.update(json);
        out.write(type);
        out.write('\t');
        out.writeBytes(key);
        out.write('\t');
        out.writeBytes(String.format("%08x", c.getValue()).getBytes(StandardCharsets.US_ASCII));
        out.write('\t');
        out.writeBytes(json);
        out.write('\n');
      }
      start = i + 1;
    }
    return out.toByteArray();
  }

  private static byte[] progress(long id, long off) {
    ByteBuffer b = ByteBuffer.allocate(20);
    b.putLong(0, id).putLong(8, off);
    CRC32 c = new CRC32();
    c.update(b.array(), 0, 16);
    b.putInt(16, (int) c.getValue());
    return b.array();
  }

  private static int u16(byte[] d, int i) {
    return ((d[i] & 0xff) << 8) | (d[i + 1] & 0xff);
  }
}
