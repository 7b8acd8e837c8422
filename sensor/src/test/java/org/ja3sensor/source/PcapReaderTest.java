package org.ja3sensor.source;

import org.ja3sensor.decode.LinkType;

import static org.ja3sensor.source.CaptureBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import org.ja3sensor.core.Anomaly;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PcapReaderTest {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

  @ParameterizedTest
  @CsvSource({"LITTLE_ENDIAN,false", "LITTLE_ENDIAN,true", "BIG_ENDIAN,false", "BIG_ENDIAN,true"})
  void readsBothByteOrdersAndResolutions(String orderName, boolean nanos) throws IOException {
    ByteOrder order = orderName.equals("BIG_ENDIAN") ? BE : LE;
    byte[] file =
        CaptureBuilder.pcap(order, nanos, 65535, LinkType.ETHERNET)
            .record(1_700_000_000L, 123_456, frame(1, 60), 60)
            .record(1_700_000_001L, 999_999, frame(2, 1514), 1514)
            .record(0xFFFF_FFF0L, 7, frame(3, 100), 1500) // seconds above 2^31 read unsigned
            .bytes();

    Runs.Result r = Runs.read(file);

    assertNull(r.error);
    assertEquals(3, r.rec.size());
    long unit = nanos ? 1 : 1000;
    assertEquals(1_700_000_000L * 1_000_000_000L + 123_456 * unit, r.rec.get(0).tsNanos());
    assertEquals(1_700_000_001L * 1_000_000_000L + 999_999 * unit, r.rec.get(1).tsNanos());
    assertEquals(0xFFFF_FFF0L * 1_000_000_000L + 7 * unit, r.rec.get(2).tsNanos());
    for (int i = 0; i < 3; i++) {
      assertEquals(LinkType.ETHERNET, r.rec.get(i).linkType());
      assertEquals(0, r.rec.get(i).ifIndex());
    }
    assertArrayEquals(frame(1, 60), r.rec.get(0).data());
    assertArrayEquals(frame(2, 1514), r.rec.get(1).data());
    assertArrayEquals(frame(3, 100), r.rec.get(2).data());
    assertEquals(60, r.rec.get(0).origLen());
    assertEquals(1500, r.rec.get(2).origLen());
    assertEquals(3, r.stats.packets);
    assertEquals(60 + 1514 + 100, r.stats.bytes);
    assertEquals(file.length, r.stats.inputOffset);
    assertEquals(0, r.counters.totalAnomalies());
  }

  @Test
  void linkTypeFieldLosesItsFcsBits() throws IOException {
    // FCS-length-present flag (bit 26) and an FCS length of 4 bytes (bits 28-31).
    int field = LinkType.ETHERNET | (1 << 26) | (4 << 28);
    byte[] file = CaptureBuilder.pcap(LE, false, 0, field).record(1, 2, frame(1, 64), 64).bytes();

    Runs.Result r = Runs.read(file);

    assertEquals(1, r.rec.size());
    assertEquals(LinkType.ETHERNET, r.rec.get(0).linkType());
  }

  @Test
  void snapLenZeroMeansNoLimitBelowTheHardOne() throws IOException {
    byte[] file =
        CaptureBuilder.pcap(BE, false, 0, LinkType.RAW).record(1, 2, frame(1, 70_000), 70_000).bytes();

    Runs.Result r = Runs.read(file);

    assertEquals(1, r.rec.size());
    assertEquals(LinkType.RAW, r.rec.get(0).linkType());
    assertArrayEquals(frame(1, 70_000), r.rec.get(0).data());
  }

  @Test
  void capLenZeroIsCountedAndSkipped() throws IOException {
    byte[] file =
        CaptureBuilder.pcap(LE, false, 65535, 1)
            .record(1, 0, frame(1, 60), 60)
            .record(2, 0, 0, 60, new byte[0])
            .record(3, 0, frame(3, 60), 60)
            .bytes();

    Runs.Result r = Runs.read(file);

    assertNull(r.error);
    assertEquals(2, r.rec.size());
    assertArrayEquals(frame(3, 60), r.rec.get(1).data());
    assertEquals(1, r.anomalies(Anomaly.PCAP_CAPLEN_ZERO));
    assertEquals(1, r.stats.badRecords);
  }

  @Test
  void capLenAboveSnapLenIsCountedAndSkipped() throws IOException {
    byte[] file =
        CaptureBuilder.pcap(LE, false, 100, 1)
            .record(1, 0, frame(1, 100), 100)
            .record(2, 0, frame(2, 101), 101)
            .record(3, 0, frame(3, 60), 60)
            .bytes();

    Runs.Result r = Runs.read(file);

    assertNull(r.error);
    assertEquals(2, r.rec.size());
    assertArrayEquals(frame(1, 100), r.rec.get(0).data());
    assertArrayEquals(frame(3, 60), r.rec.get(1).data());
    assertEquals(1, r.anomalies(Anomaly.PCAP_CAPLEN_TOO_LARGE));
  }

  @Test
  void capLenAboveOrigLenIsCountedAndSkipped() throws IOException {
    byte[] file =
        CaptureBuilder.pcap(BE, true, 65535, 1)
            .record(1, 0, frame(1, 80), 79)
            .record(3, 0, frame(3, 60), 60)
            .bytes();

    Runs.Result r = Runs.read(file);

    assertNull(r.error);
    assertEquals(1, r.rec.size());
    assertArrayEquals(frame(3, 60), r.rec.get(0).data());
    assertEquals(1, r.anomalies(Anomaly.PCAP_CAPLEN_ABOVE_ORIGLEN));
  }

  @Test
  void absurdCapLenStopsReadingAfterEarlierFrames() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcap(LE, false, 65535, 1).record(1, 0, frame(1, 60), 60);
    int badAt = b.size();
    byte[] file = b.record(2, 0, 262_145, 262_145, frame(2, 300_000)).bytes();

    Runs.Result r = Runs.read(file);

    assertEquals(1, r.rec.size());
    assertNotNull(r.error);
    assertEquals(badAt, r.error.offset());
    assertEquals(
        "test.cap: pcap record caplen 262145 above the hard limit 262144 (record header corrupt)"
            + " at byte offset " + badAt,
        r.error.getMessage());
  }

  @Test
  void fileEndingInsideARecordFailsAfterEarlierFrames() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcap(LE, false, 65535, 1).record(1, 0, frame(1, 60), 60);
    int cutAt = b.size();
    byte[] whole = b.record(2, 0, frame(2, 60), 60).bytes();
    byte[] file = java.util.Arrays.copyOf(whole, whole.length - 1);

    Runs.Result r = Runs.read(file);

    assertEquals(1, r.rec.size());
    assertEquals(cutAt, r.error.offset());
    assertTrue(
        r.error.getMessage().contains("file ends inside a pcap record of caplen 60: 75 of 76 bytes"),
        r.error.getMessage());
  }

  @Test
  void fileEndingInsideARecordHeaderFails() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcap(BE, false, 65535, 1).record(1, 0, frame(1, 60), 60);
    int cutAt = b.size();
    byte[] file = b.raw(new byte[5]).bytes();

    Runs.Result r = Runs.read(file);

    assertEquals(1, r.rec.size());
    assertEquals(cutAt, r.error.offset());
    assertTrue(r.error.getMessage().contains("pcap record header: 5 of 16 bytes"), r.error.getMessage());
  }

  @Test
  void fileEndingInsideTheFileHeaderFails() throws IOException {
    byte[] header = CaptureBuilder.pcap(LE, false, 65535, 1).bytes();
    byte[] file = java.util.Arrays.copyOf(header, 20);

    Runs.Result r = Runs.read(file);

    assertEquals(0, r.rec.size());
    assertEquals(0, r.error.offset());
    assertTrue(r.error.getMessage().contains("pcap file header: 20 of 24 bytes"), r.error.getMessage());
  }

  @Test
  void headerOnlyFileHasNoFrames() throws IOException {
    Runs.Result r = Runs.read(CaptureBuilder.pcap(LE, true, 65535, 1).bytes());

    assertNull(r.error);
    assertEquals(0, r.rec.size());
    assertEquals(24, r.stats.inputOffset);
  }
}
