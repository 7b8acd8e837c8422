package org.ja3sensor.source;

import org.ja3sensor.decode.LinkType;

import static org.ja3sensor.source.CaptureBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapngReaderTest {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
  private static final long SEC = 1_000_000_000L;
  private static final long T0 = 1_700_000_000L; // seconds

  /**
   * Two sections of different byte order. Section 1 (little endian) describes four interfaces:
   * default resolution (10^-6), 10^-9 with if_tsoffset 1000 s, 2^-20, and 10^-3; it carries EPBs
   * on each, an SPB, an obsolete PB and blocks to skip. Section 2 (big endian) describes one
   * interface (2^-30, if_tsoffset -10 s) and a packet naming an interface of section 1.
   */
  static byte[] twoSections() {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.idb(LinkType.ETHERNET, 65535, b.options());
    b.idb(LinkType.RAW, 0, b.options(b.tsresol(9), b.tsoffset(1000)));
    b.idb(LinkType.LINUX_SLL, 2000, b.options(b.option(2, "eth9".getBytes()), b.tsresol(0x80 | 20)));
    b.idb(LinkType.LINUX_SLL2, 9000, b.options(b.tsresol(3)));
    b.epb(0, T0 * 1_000_000 + 123_456, frame(1, 60), 60);
    b.epb(1, T0 * SEC + 123_456_789, frame(2, 40), 40);
    b.block(4, new byte[] {0, 0, 0, 0}); // Name Resolution Block: skipped
    b.epb(2, (T0 << 20) + (1 << 19), frame(3, 1500), 1600); // half a second
    b.epb(2, (T0 << 20) + 1, frame(4, 70), 70); // 1/2^20 s = 953.67 ns
    b.spb(64, frame(5, 64)); // interface 0, no time stamp of its own
    b.block(0x40000BAD, frame(0, 37)); // custom block: skipped
    b.pb(1, T0 * SEC + 5, frame(6, 54), 54);
    b.epb(3, T0 * 1000 + 999, frame(7, 33), 33);
    b.block(5, new byte[16]); // Interface Statistics Block: skipped
    b.section(BE);
    b.idb(LinkType.PPP, 0, b.options(b.tsresol(0x80 | 30), b.tsoffset(-10)));
    b.epb(0, (T0 << 30) + (1L << 29), frame(8, 90), 90);
    b.epb(2, T0 << 30, frame(9, 90), 90); // interface 2 is gone with section 1
    b.epb(0, (T0 + 1) << 30, frame(10, 91), 91);
    return b.bytes();
  }

  @Test
  void readsSectionsInterfacesAndEveryPacketBlock() throws IOException {
    Runs.Result r = Runs.read(twoSections());

    assertNull(r.error);
    long[][] expected = { // link type, ts, ifIndex, capLen, origLen
      {LinkType.ETHERNET, T0 * SEC + 123_456_000, 0, 60, 60},
      {LinkType.RAW, (T0 + 1000) * SEC + 123_456_789, 1, 40, 40},
      {LinkType.LINUX_SLL, T0 * SEC + 500_000_000, 2, 1500, 1600},
      {LinkType.LINUX_SLL, T0 * SEC + 953, 2, 70, 70},
      {LinkType.ETHERNET, T0 * SEC + 953, 0, 64, 64}, // SPB: previous frame's time
      {LinkType.RAW, (T0 + 1000) * SEC + 5, 1, 54, 54},
      {LinkType.LINUX_SLL2, T0 * SEC + 999_000_000, 3, 33, 33},
      {LinkType.PPP, (T0 - 10) * SEC + 500_000_000, 0, 90, 90},
      {LinkType.PPP, (T0 + 1 - 10) * SEC, 0, 91, 91},
    };
    int[] frameIds = {1, 2, 3, 4, 5, 6, 7, 8, 10};
    assertEquals(expected.length, r.rec.size(), r.rec.frames.toString());
    for (int i = 0; i < expected.length; i++) {
      Recorder.Frame f = r.rec.get(i);
      String at = "frame " + i + " " + f;
      assertEquals(expected[i][0], f.linkType(), at);
      assertEquals(expected[i][1], f.tsNanos(), at);
      assertEquals(expected[i][2], f.ifIndex(), at);
      assertEquals(expected[i][4], f.origLen(), at);
      assertArrayEquals(frame(frameIds[i], (int) expected[i][3]), f.data(), at);
    }
    assertEquals(1, r.anomalies(Anomaly.PCAPNG_UNKNOWN_INTERFACE));
    assertEquals(1, r.counters.totalAnomalies());
    assertEquals(9, r.stats.packets);
    assertEquals(60 + 40 + 1500 + 70 + 64 + 54 + 33 + 90 + 91, r.stats.bytes);
  }

  @Test
  void simplePacketIsCutToTheSnapLength() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(BE);
    b.idb(LinkType.ETHERNET, 100, b.options());
    b.spb(1514, frame(1, 100)); // only snaplen bytes were kept
    Runs.Result r = Runs.read(b.bytes());

    assertNull(r.error);
    assertEquals(1, r.rec.size());
    assertArrayEquals(frame(1, 100), r.rec.get(0).data());
    assertEquals(1514, r.rec.get(0).origLen());
    assertEquals(0, r.rec.get(0).tsNanos());
  }

  @Test
  void timestampResolutionsOfEveryForm() {
    assertEquals(1_700_000_000_123_456_000L, TimestampUnit.of(6).toNanos(1_700_000_000_123_456L));
    assertEquals(1_700_000_000_123_456_789L, TimestampUnit.of(9).toNanos(1_700_000_000_123_456_789L));
    assertEquals(500_000_000_500_000_000L, TimestampUnit.of(10).toNanos(5_000_000_005_000_000_000L));
    assertEquals(1_000_000_000_000_000L, TimestampUnit.of(12).toNanos(1_000_000_000_000_000_001L));
    assertEquals(3 * SEC + 250_000_000, TimestampUnit.of(0x80 | 2).toNanos(13)); // quarters
    assertEquals(5 * SEC, TimestampUnit.of(0x80).toNanos(5)); // 2^0: seconds
    assertEquals(5 * SEC, TimestampUnit.of(0).toNanos(5)); // 10^0: seconds
    // 2^-40 units: 2^40 + 2^39 units = 1.5 s.
    assertEquals(SEC + SEC / 2, TimestampUnit.of(0x80 | 40).toNanos((1L << 40) + (1L << 39)));
    // Resolutions finer than a long counts per second: all 64-bit values are below a second.
    long maxUnsigned = -1L;
    assertEquals(1_844_674_407L, TimestampUnit.of(19).toNanos(maxUnsigned)); // 1.8e19 / 1e19 s
    assertEquals(0, TimestampUnit.of(127).toNanos(maxUnsigned));
    assertEquals(0, TimestampUnit.of(0xFF).toNanos(maxUnsigned));
  }

  // ---- malformations ----

  @Test
  void packetOnUndescribedInterfaceIsCountedAndSkipped() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.epb(0, 1, frame(1, 60), 60); // before any IDB
    b.idb(LinkType.ETHERNET, 0, b.options());
    b.epb(1, 2, frame(2, 60), 60);
    b.pb(5, 3, frame(3, 60), 60);
    b.epb(0, 4, frame(4, 60), 60);
    Runs.Result r = Runs.read(b.bytes());

    assertNull(r.error);
    assertEquals(1, r.rec.size());
    assertArrayEquals(frame(4, 60), r.rec.get(0).data());
    assertEquals(3, r.anomalies(Anomaly.PCAPNG_UNKNOWN_INTERFACE));
    assertEquals(3, r.stats.badRecords);
  }

  @Test
  void simplePacketWithoutInterfaceIsCounted() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE).spb(60, frame(1, 60));
    b.idb(LinkType.ETHERNET, 0, b.options()).spb(60, frame(2, 60));
    Runs.Result r = Runs.read(b.bytes());

    assertEquals(1, r.rec.size());
    assertArrayEquals(frame(2, 60), r.rec.get(0).data());
    assertEquals(1, r.anomalies(Anomaly.PCAPNG_UNKNOWN_INTERFACE));
  }

  @Test
  void capLenProblemsAreCountedAndSkipped() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(BE);
    b.idb(LinkType.ETHERNET, 1000, b.options());
    b.epb(0, 1, 0, 60, new byte[0]); // caplen 0
    b.epb(0, 2, frame(2, 1001), 1001); // above snaplen
    b.epb(0, 3, frame(3, 80), 79); // above origlen
    b.epb(0, 4, frame(4, 60), 60);
    b.idb(LinkType.ETHERNET, 0, b.options());
    b.epb(1, 5, frame(5, 262_145), 262_145); // above the hard limit, snaplen 0
    b.epb(1, 6, frame(6, 262_144), 262_144); // at the hard limit
    b.spb(0, new byte[0]); // SPB on interface 0 with original length 0
    Runs.Result r = Runs.read(b.bytes());

    assertNull(r.error);
    assertEquals(2, r.rec.size());
    assertArrayEquals(frame(4, 60), r.rec.get(0).data());
    assertArrayEquals(frame(6, 262_144), r.rec.get(1).data());
    assertEquals(2, r.anomalies(Anomaly.PCAP_CAPLEN_ZERO));
    assertEquals(2, r.anomalies(Anomaly.PCAP_CAPLEN_TOO_LARGE));
    assertEquals(1, r.anomalies(Anomaly.PCAP_CAPLEN_ABOVE_ORIGLEN));
    assertEquals(5, r.stats.badRecords);
  }

  @Test
  void capLenBeyondItsBlockIsABadBlock() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.idb(LinkType.ETHERNET, 0, b.options());
    b.epb(0, 1, 5000, 5000, frame(1, 60)); // claims 5000 bytes in a 60-byte body
    b.spb(64, frame(2, 60)); // SPB whose original length (no snaplen) exceeds its data
    b.epb(0, 3, frame(3, 60), 60);
    Runs.Result r = Runs.read(b.bytes());

    assertNull(r.error);
    assertEquals(1, r.rec.size());
    assertArrayEquals(frame(3, 60), r.rec.get(0).data());
    assertEquals(2, r.anomalies(Anomaly.PCAPNG_BAD_BLOCK));
  }

  @Test
  void packetBlockAboveOneMebibyteIsSkippedByItsLength() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.idb(LinkType.ETHERNET, 0, b.options());
    byte[] bigOptions = new byte[PcapngReader.MAX_PACKET_BLOCK_LEN];
    byte[] body = b.body(x -> x.putInt(0).putLong(1).putInt(60).putInt(60).put(bigOptions), 20 + bigOptions.length);
    b.block(CaptureBuilder.EPB, body);
    b.epb(0, 3, frame(3, 60), 60);
    Runs.Result r = Runs.read(b.bytes());

    assertNull(r.error);
    assertEquals(1, r.rec.size());
    assertArrayEquals(frame(3, 60), r.rec.get(0).data());
    assertEquals(1, r.anomalies(Anomaly.PCAPNG_BAD_BLOCK));
  }

  @Test
  void blockLargerThanTheWindowsFirstArrayGrowsItAndKeepsItsBytes(@TempDir Path dir)
      throws IOException {
    // A block of 900,000 bytes must be seen whole, which the window's first array (256 KiB)
    // cannot hold: the window grows, and the frames before, in and after it come out intact.
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.idb(LinkType.ETHERNET, 0, b.options());
    b.epb(0, 1, frame(1, 60), 60);
    byte[] bigOptions = new byte[900_000];
    byte[] body = b.body(x -> x.putInt(0).putLong(2).putInt(1500).putInt(1500)
        .put(frame(2, 1500)).put(bigOptions), 20 + 1500 + bigOptions.length);
    b.block(CaptureBuilder.EPB, body);
    b.epb(0, 3, frame(3, 70), 70);
    byte[] file = b.bytes();
    assertTrue(InputWindow.INITIAL_LENGTH < 900_000);

    Runs.Result r = Runs.read(file); // a stream at once, and a trickle
    assertNull(r.error);
    assertEquals(3, r.rec.size());
    assertArrayEquals(frame(1, 60), r.rec.get(0).data());
    assertArrayEquals(frame(2, 1500), r.rec.get(1).data());
    assertArrayEquals(frame(3, 70), r.rec.get(2).data());
    assertEquals(0, r.anomalies(Anomaly.PCAPNG_BAD_BLOCK));

    Path cap = dir.resolve("big.pcapng"); // a file: read through its channel
    Files.write(cap, file);
    Recorder rec = new Recorder();
    Counters counters = new Counters();
    try (PacketSource src = CaptureFiles.open(cap.toString(), counters)) {
      src.run(rec);
    }
    assertEquals(3, rec.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(r.rec.get(i).data(), rec.get(i).data(), "frame " + i);
    }
  }

  @Test
  void trailingLengthMismatchIsCountedAndReadingGoesOn() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.idb(LinkType.ETHERNET, 0, b.options());
    int before = b.size();
    b.epb(0, 7, frame(1, 60), 60);
    byte[] file = b.epb(0, 8, frame(2, 60), 60).bytes();
    int epbLen = (file.length - before) / 2;
    int trailerAt = before + epbLen - 4;
    file[trailerAt] ^= 0x40; // trailing length now differs from the leading one
    Runs.Result r = Runs.read(file);

    assertNull(r.error);
    assertEquals(2, r.rec.size(), "the block's own fields are consistent: its frame is kept");
    assertArrayEquals(frame(2, 60), r.rec.get(1).data());
    assertEquals(1, r.anomalies(Anomaly.PCAPNG_BAD_BLOCK));
  }

  @Test
  void blockLengthNotAMultipleOfFourIsCounted() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(BE);
    b.idb(LinkType.ETHERNET, 0, b.options());
    b.rawBlock(0x0BAD, 15, new byte[] {1, 2, 3}, 15); // unknown block of 15 bytes
    b.epb(0, 8, frame(2, 60), 60);
    Runs.Result r = Runs.read(b.bytes());

    assertNull(r.error);
    assertEquals(1, r.rec.size());
    assertArrayEquals(frame(2, 60), r.rec.get(0).data());
    assertEquals(1, r.anomalies(Anomaly.PCAPNG_BAD_BLOCK));
  }

  @Test
  void garbageInterfaceOptionsKeepTheInterface() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    // tsresol of the wrong length (ignored), then an option claiming 60000 bytes in a short block.
    byte[] opts = concat(b.option(9, new byte[] {3, 3}), b.option(2, "x".getBytes()));
    opts[opts.length - 6] = (byte) 0x60; // the second option's length field: 0xEA60 = 60000
    opts[opts.length - 5] = (byte) 0xEA;
    b.idb(LinkType.RAW, 0, opts);
    b.epb(0, 5_000_000, frame(1, 60), 60);
    Runs.Result r = Runs.read(b.bytes());

    assertNull(r.error);
    assertEquals(1, r.rec.size());
    assertEquals(LinkType.RAW, r.rec.get(0).linkType());
    assertEquals(5 * SEC, r.rec.get(0).tsNanos(), "default resolution 10^-6 still applies");
    assertEquals(1, r.anomalies(Anomaly.PCAPNG_BAD_BLOCK));
  }

  @Test
  void tooShortBlocksAreCounted() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.rawBlock(CaptureBuilder.IDB, 16, new byte[4], 16); // IDB without room for its fields
    b.idb(LinkType.ETHERNET, 0, b.options());
    b.rawBlock(CaptureBuilder.EPB, 28, new byte[16], 28); // EPB without room for its fields
    b.rawBlock(CaptureBuilder.SPB, 12, new byte[0], 12); // SPB without an original length
    b.epb(0, 8, frame(2, 60), 60);
    Runs.Result r = Runs.read(b.bytes());

    assertNull(r.error);
    assertEquals(1, r.rec.size());
    assertEquals(0, r.rec.get(0).ifIndex(), "the short IDB did not take interface id 0");
    assertEquals(3, r.anomalies(Anomaly.PCAPNG_BAD_BLOCK));
  }

  @Test
  void blockLengthBelowTwelveLosesTheFraming() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.idb(LinkType.ETHERNET, 0, b.options()).epb(0, 8, frame(1, 60), 60);
    int badAt = b.size();
    byte[] file = b.rawBlock(0x0BAD, 8, new byte[0], 8).epb(0, 8, frame(2, 60), 60).bytes();
    Runs.Result r = Runs.read(file);

    assertEquals(1, r.rec.size());
    assertEquals(badAt, r.error.offset());
    assertEquals(
        "test.cap: pcapng block (type 0x00000bad) length 8, expected 12 to 16777216 at byte offset "
            + badAt,
        r.error.getMessage());
  }

  @Test
  void hugeBlockLengthLosesTheFramingWithoutAllocating() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(BE);
    b.idb(LinkType.ETHERNET, 0, b.options()).epb(0, 8, frame(1, 60), 60);
    int badAt = b.size();
    byte[] file = b.rawBlock(CaptureBuilder.EPB, 0xFFFF_FFF0L, new byte[64], 0).bytes();
    Runs.Result r = Runs.read(file);

    assertEquals(1, r.rec.size());
    assertEquals(badAt, r.error.offset());
    assertTrue(r.error.getMessage().contains("length 4294967280, expected 12 to 16777216"));
  }

  @Test
  void fileEndingInsideABlockFailsAfterEarlierFrames() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.idb(LinkType.ETHERNET, 0, b.options()).epb(0, 8, frame(1, 60), 60);
    int cutBlock = b.size();
    byte[] whole = b.epb(0, 9, frame(2, 60), 60).bytes();
    for (int cut = cutBlock + 1; cut < whole.length; cut++) {
      Runs.Result r = Runs.read(Arrays.copyOf(whole, cut));
      assertEquals(1, r.rec.size(), "cut at " + cut);
      assertEquals(cutBlock, r.error.offset(), "cut at " + cut);
      assertTrue(r.error.getMessage().contains("file ends inside"), r.error.getMessage());
    }
  }

  @Test
  void fileEndingInsideASkippedBlockFails() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    int cutBlock = b.size();
    byte[] whole = b.block(0x0BAD, new byte[1000]).bytes();
    Runs.Result r = Runs.read(Arrays.copyOf(whole, whole.length - 10));

    assertEquals(cutBlock, r.error.offset());
    assertTrue(
        r.error.getMessage().contains("block (type 0x00000bad): 1002 of 1012 bytes"),
        r.error.getMessage());
  }

  @Test
  void badSectionHeadersLoseTheFraming() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.idb(LinkType.ETHERNET, 0, b.options()).epb(0, 8, frame(1, 60), 60);
    int badAt = b.size();
    byte[] base = b.section(LE).bytes();
    byte[] wrongMagic = base.clone();
    wrongMagic[badAt + 8] = 0x77;
    byte[] wrongVersion = base.clone();
    wrongVersion[badAt + 12] = 2;
    byte[] tooShort = base.clone();
    tooShort[badAt + 4] = 24;

    Runs.Result magic = Runs.read(wrongMagic);
    Runs.Result version = Runs.read(wrongVersion);
    Runs.Result length = Runs.read(tooShort);

    for (Runs.Result r : new Runs.Result[] {magic, version, length}) {
      assertEquals(1, r.rec.size());
      assertEquals(badAt, r.error.offset());
    }
    assertTrue(
        magic.error.getMessage().contains("byte-order magic 0x773c2b1a, expected 0x1a2b3c4d or 0x4d3c2b1a"),
        magic.error.getMessage());
    assertTrue(version.error.getMessage().contains("section version 2.0, expected 1.x"));
    assertTrue(length.error.getMessage().contains("section header length 24, expected 28"));
  }

  @Test
  void interfacesBeyondTheLimitAreCountedNotStored() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    byte[] noOptions = b.options();
    for (int i = 0; i <= PcapngReader.MAX_INTERFACES; i++) {
      b.idb(i == 7 ? LinkType.RAW : LinkType.ETHERNET, 0, noOptions);
    }
    b.epb(7, 1, frame(1, 60), 60);
    b.epb(PcapngReader.MAX_INTERFACES, 1, frame(2, 60), 60);
    Runs.Result r = Runs.read(b.bytes());

    assertNull(r.error);
    assertEquals(1, r.rec.size());
    assertEquals(LinkType.RAW, r.rec.get(0).linkType());
    assertEquals(7, r.rec.get(0).ifIndex());
    assertEquals(1, r.anomalies(Anomaly.PCAPNG_BAD_BLOCK));
    assertEquals(1, r.anomalies(Anomaly.PCAPNG_UNKNOWN_INTERFACE));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
