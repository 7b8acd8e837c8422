package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged captures through {@code read}, generated from {@code samples/curl-tls12.pcap} (21
 * records, one handshake), with the exit status, the message and the partial output pinned: a
 * file cut at every record boundary and inside every record, pcapng blocks with lying lengths,
 * zero and huge caplen, a snap length that cuts the hellos, the other byte order, an unknown link
 * type. The rule: a record or block header that cannot be trusted ends the file with one line
 * naming the file and the byte offset where the damage starts, exit status 1, after every event
 * decoded before it was written; everything else is a counted anomaly and exit status 0.
 */
class MalformedCaptureTest {
  private static final Pattern ANOMALY = Pattern.compile("^ {4}([a-z0-9_]+) +(\\d+)$");

  @TempDir Path tmp;

  private static byte[] header;
  private static List<byte[]> records;

  @BeforeAll
  static void load() throws Exception {
    byte[] file = Files.readAllBytes(ReadCommandTest.sample("curl-tls12.pcap"));
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0xa1b2c3d4, b.getInt(0), "the sample is a little-endian microsecond pcap");
    header = java.util.Arrays.copyOf(file, 24);
    records = new ArrayList<>();
    for (int p = 24; p < file.length; ) {
      int capLen = b.getInt(p + 8);
      records.add(java.util.Arrays.copyOfRange(file, p, p + 16 + capLen));
      p += 16 + capLen;
    }
    assertEquals(21, records.size());
  }

  @Test
  void cutAtEveryRecordBoundaryAndInsideEveryRecord() throws Exception {
    String previous = "";
    int offset = 24;
    for (int k = 0; k <= records.size(); k++) {
      byte[] prefix = pcap(header, records.subList(0, k));
      CliRun atBoundary = read("boundary.pcap", prefix);
      assertEquals(0, atBoundary.exitCode, "cut after " + k + " records: " + atBoundary);
      String events = events(atBoundary, "boundary.pcap");
      assertTrue(atBoundary.events().size() >= previous.split("\n", -1).length - 1,
          "events lost by reading more records");
      if (k == records.size()) {
        break;
      }
      byte[] next = records.get(k);
      // Inside the record header or inside the frame (alternately: each CLI run costs).
      for (int extra : new int[] {k % 2 == 0 ? 7 : 16 + (next.length - 16) / 2}) {
        byte[] cut = concat(prefix, java.util.Arrays.copyOf(next, extra));
        CliRun r = read("cut.pcap", cut);
        assertEquals(1, r.exitCode, "cut inside record " + k + ": " + r);
        assertOneLineError(r, "cut.pcap", offset, "file ends inside a pcap record");
        assertEquals(events, events(r, "cut.pcap"),
            "events before the cut inside record " + k);
      }
      previous = events;
      offset += next.length;
    }
    assertEquals(1, CliRun.run("read", "-q", ReadCommandTest.sample("curl-tls12.pcap").toString())
        .events().size());
  }

  @Test
  void zeroCaplenIsCountedAndHugeCaplenEndsTheFile() throws Exception {
    List<byte[]> zero = new ArrayList<>(records);
    zero.set(2, recordWithCapLen(records.get(2), 0));
    CliRun r = read("zero.pcap", pcap(header, zero));
    assertEquals(0, r.exitCode, r.toString());
    assertEquals(1L, anomalies(r).get("pcap_caplen_zero"), r.err);
    assertEquals(1, r.events().size(), "record 2 is not part of the handshake's hellos");

    int at = 24;
    for (int i = 0; i < 10; i++) {
      at += records.get(i).length;
    }
    List<byte[]> huge = new ArrayList<>(records);
    byte[] lying = records.get(10).clone();
    ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7fff_fff0);
    huge.set(10, lying);
    CliRun h = read("huge.pcap", pcap(header, huge));
    assertEquals(1, h.exitCode, h.toString());
    assertOneLineError(h, "huge.pcap", at, "pcap record caplen 2147483632 above the hard limit");
    CliRun before = read("before.pcap", pcap(header, records.subList(0, 10)));
    assertEquals(events(before, "before.pcap"),
        events(h, "huge.pcap"));
  }

  @Test
  void pcapngBlocksWithLyingLengths() throws Exception {
    CliRun clean = read("clean.pcapng", pcapng(records, -1, 0));
    assertEquals(0, clean.exitCode, clean.toString());
    CliRun classic = read("classic.pcap", pcap(header, records));
    assertEquals(events(classic, "classic.pcap"),
        events(clean, "clean.pcapng"), "pcapng = pcap");

    // A trailing length that disagrees: counted, the block used, reading goes on.
    CliRun trailer = read("trailer.pcapng", pcapng(records, 5, 1));
    assertEquals(0, trailer.exitCode, trailer.toString());
    assertEquals(1L, anomalies(trailer).get("pcapng_bad_block"), trailer.err);
    assertEquals(events(classic, "classic.pcap"),
        events(trailer, "trailer.pcapng"));

    // A leading length below the minimum, or beyond any block: the framing is lost at that block.
    for (int mode : new int[] {2, 3}) {
      byte[] file = pcapng(records, 12, mode);
      CliRun r = read("bad.pcapng", file);
      assertEquals(1, r.exitCode, r.toString());
      long at = blockOffset(records, 12);
      assertTrue(r.err.lines().findFirst().orElse("").contains("at byte offset " + at), r.err);
      assertOneLine(r, "bad.pcapng");
      CliRun before = read("before.pcapng", pcapng(records.subList(0, 12), -1, 0));
      assertEquals(events(before, "before.pcapng"),
          events(r, "bad.pcapng"),
          "the events decoded before the bad block");
    }
  }

  @Test
  void aSnapLengthThatCutsTheHellosIsCountedNotSilent() throws Exception {
    // Every frame cut to 100 bytes: headers and a few bytes of each hello.
    byte[] snapHeader = header.clone();
    ByteBuffer.wrap(snapHeader).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 100);
    List<byte[]> cut = new ArrayList<>();
    for (byte[] rec : records) {
      cut.add(recordWithCapLen(rec, Math.min(100, rec.length - 16)));
    }
    CliRun r = read("snap.pcap", pcap(snapHeader, cut));
    assertEquals(0, r.exitCode, r.toString());
    assertEquals(0, r.events().size(), r.out);
    Map<String, Long> a = anomalies(r);
    assertTrue(a.getOrDefault("tcp_payload_truncated", 0L) > 0, r.err);
    assertEquals(2L, a.get("hello_truncated"), "both hellos begun and lost: " + r.err);

    // Only the ClientHello's frame cut: the ServerHello still makes the event, without JA3.
    int ch = firstPayloadRecord(records);
    List<byte[]> one = new ArrayList<>(records);
    one.set(ch, recordWithCapLen(records.get(ch), 120));
    CliRun r1 = read("onecut.pcap", pcap(header, one));
    assertEquals(0, r1.exitCode, r1.toString());
    assertEquals(1L, anomalies(r1).get("hello_truncated"), r1.err);
    assertEquals(1, r1.events().size(), r1.out);
    assertEquals(null, CliRun.text(r1.events().get(0), "tls.client.ja3"), r1.out);
    assertTrue(CliRun.text(r1.events().get(0), "tls.server.ja3s") != null, r1.out);
  }

  @Test
  void theOtherByteOrderGivesTheSameEventsAndAnUnknownLinkTypeIsCounted() throws Exception {
    CliRun le = read("le.pcap", pcap(header, records));
    CliRun be = read("be.pcap", bigEndian(header, records));
    assertEquals(0, be.exitCode, be.toString());
    assertEquals(events(le, "le.pcap"),
        events(be, "be.pcap"));

    byte[] unknown = header.clone();
    ByteBuffer.wrap(unknown).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 147); // LINKTYPE_USER0
    CliRun u = read("user0.pcap", pcap(unknown, records));
    assertEquals(0, u.exitCode, u.toString());
    assertEquals("", u.out);
    assertEquals((long) records.size(), anomalies(u).get("linktype_unsupported"), u.err);
  }

  // --- helpers ---

  /** The event lines of a run, its file name and the per-run fields (event.id, created) blanked. */
  private String events(CliRun r, String name) {
    return r.out.replace(tmp.resolve(name).toString(), "F")
        .replaceAll("\"id\":\"[^\"]*\"", "\"id\":\"\"")
        .replaceAll("\"created\":\"[^\"]*\"", "\"created\":\"\"");
  }

  private CliRun read(String name, byte[] file) throws Exception {
    Path p = tmp.resolve(name);
    Files.write(p, file);
    return CliRun.run("read", p.toString());
  }

  private void assertOneLineError(CliRun r, String name, long offset, String what) {
    assertOneLine(r, name);
    String line = r.err.lines().findFirst().orElse("");
    assertTrue(line.contains(what), line);
    assertTrue(line.endsWith("at byte offset " + offset), line);
  }

  /** The error is the first line of stderr, one line, naming the file; the summary follows. */
  private void assertOneLine(CliRun r, String name) {
    String first = r.err.lines().findFirst().orElse("");
    assertTrue(first.startsWith("ja3sensor: " + tmp.resolve(name) + ": "), r.err);
    assertEquals(1, r.err.lines().filter(l -> l.startsWith("ja3sensor: ")).count(), r.err);
  }

  private static Map<String, Long> anomalies(CliRun r) {
    Map<String, Long> m = new HashMap<>();
    for (String line : r.err.split("\n")) {
      Matcher x = ANOMALY.matcher(line);
      if (x.matches()) {
        m.put(x.group(1), Long.parseLong(x.group(2)));
      }
    }
    return m;
  }

  private static byte[] recordWithCapLen(byte[] rec, int capLen) {
    byte[] r = java.util.Arrays.copyOf(rec, 16 + capLen);
    ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).putInt(8, capLen);
    return r;
  }

  /** The first record whose TCP segment (Ethernet, IPv4) carries payload: the ClientHello. */
  private static int firstPayloadRecord(List<byte[]> recs) {
    for (int i = 0; i < recs.size(); i++) {
      ByteBuffer f = ByteBuffer.wrap(recs.get(i), 16, recs.get(i).length - 16);
      int ip = 16 + 14;
      int ihl = (recs.get(i)[ip] & 0x0f) * 4;
      int total = f.getShort(ip + 2) & 0xffff;
      int tcpHdr = ((recs.get(i)[ip + ihl + 12] & 0xff) >>> 4) * 4;
      if (total - ihl - tcpHdr > 0) {
        return i;
      }
    }
    throw new AssertionError("no payload");
  }

  private static byte[] pcap(byte[] hdr, List<byte[]> recs) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(hdr);
    recs.forEach(o::writeBytes);
    return o.toByteArray();
  }

  private static byte[] bigEndian(byte[] hdr, List<byte[]> recs) {
    ByteBuffer le = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer h = ByteBuffer.allocate(24);
    h.putInt(0xa1b2c3d4).putShort(le.getShort(4)).putShort(le.getShort(6)).putInt(le.getInt(8))
        .putInt(le.getInt(12)).putInt(le.getInt(16)).putInt(le.getInt(20));
    List<byte[]> out = new ArrayList<>();
    for (byte[] rec : recs) {
      ByteBuffer r = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
      byte[] b = rec.clone();
      ByteBuffer w = ByteBuffer.wrap(b);
      for (int i = 0; i < 16; i += 4) {
        w.putInt(i, r.getInt(i));
      }
      out.add(b);
    }
    return pcap(h.array(), out);
  }

  /** Offset of the block of record {@code k} in {@link #pcapng}'s output. */
  private static long blockOffset(List<byte[]> recs, int k) {
    long at = 28 + 20;
    for (int i = 0; i < k; i++) {
      at += epbLength(recs.get(i).length - 16);
    }
    return at;
  }

  private static int epbLength(int capLen) {
    return 32 + ((capLen + 3) & ~3);
  }

  /**
   * The records as pcapng (little-endian SHB, one Ethernet IDB, an EPB per record, microseconds).
   * {@code mode} damages the block of record {@code bad}: 1 trailing length off by 4, 2 leading
   * length 8, 3 leading length 0x7ffffff0.
   */
  private static byte[] pcapng(List<byte[]> recs, int bad, int mode) {
    ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0)
        .putLong(-1).putInt(28);
    b.putInt(1).putInt(20).putShort((short) 1).putShort((short) 0).putInt(262144).putInt(20);
    for (int i = 0; i < recs.size(); i++) {
      ByteBuffer r = ByteBuffer.wrap(recs.get(i)).order(ByteOrder.LITTLE_ENDIAN);
      long micros = (r.getInt(0) & 0xffffffffL) * 1_000_000L + (r.getInt(4) & 0xffffffffL);
      int capLen = r.getInt(8);
      int len = epbLength(capLen);
      int lead = i == bad && mode == 2 ? 8 : i == bad && mode == 3 ? 0x7fff_fff0 : len;
      b.putInt(6).putInt(lead).putInt(0).putInt((int) (micros >>> 32)).putInt((int) micros)
          .putInt(capLen).putInt(r.getInt(12));
      b.put(recs.get(i), 16, capLen);
      for (int pad = capLen; (pad & 3) != 0; pad++) {
        b.put((byte) 0);
      }
      b.putInt(i == bad && mode == 1 ? len + 4 : len);
    }
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  private static byte[] concat(byte[] a, byte[] c) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + c.length);
    System.arraycopy(c, 0, r, a.length, c.length);
    return r;
  }
}
