package org.ja3sensor.source;

import org.ja3sensor.decode.LinkType;

import static org.ja3sensor.source.CaptureBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureFilesTest {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  @TempDir Path dir;

  private static byte[] smallPcapng() {
    CaptureBuilder b = CaptureBuilder.pcapng(LE);
    b.idb(LinkType.LINUX_SLL2, 0, b.options(b.tsresol(9)));
    return b.epb(0, 42, frame(1, 60), 60).bytes();
  }

  @Test
  void formatComesFromTheMagicNotTheName() throws IOException {
    Path misnamed = dir.resolve("capture.pcap");
    Files.write(misnamed, smallPcapng());
    Path alsoMisnamed = dir.resolve("capture.pcapng");
    Files.write(
        alsoMisnamed,
        CaptureBuilder.pcap(ByteOrder.BIG_ENDIAN, true, 0, 1).record(3, 4, frame(2, 50), 50).bytes());

    Recorder ng = new Recorder();
    try (PacketSource src = CaptureFiles.open(misnamed.toString(), new Counters())) {
      assertInstanceOf(PcapngReader.class, src);
      src.run(ng);
    }
    Recorder classic = new Recorder();
    try (PacketSource src = CaptureFiles.open(alsoMisnamed.toString(), new Counters())) {
      assertInstanceOf(PcapReader.class, src);
      src.run(classic);
    }

    assertEquals(1, ng.size());
    assertEquals(LinkType.LINUX_SLL2, ng.get(0).linkType());
    assertEquals(42, ng.get(0).tsNanos());
    assertEquals(1, classic.size());
    assertEquals(3_000_000_004L, classic.get(0).tsNanos());
  }

  @Test
  void fileStatsTrackSizeAndOffset() throws IOException {
    byte[] bytes = smallPcapng();
    Path p = dir.resolve("x");
    Files.write(p, bytes);
    try (PacketSource src = CaptureFiles.open(p.toString(), new Counters())) {
      assertEquals(bytes.length, src.stats().inputSize);
      assertEquals(p.toString(), src.name());
      src.run(new Recorder());
      assertEquals(bytes.length, src.stats().inputOffset);
      assertEquals(1, src.stats().packets);
      assertEquals(60, src.stats().bytes);
    }
  }

  @Test
  void emptyFileIsAnError() throws IOException {
    Path p = dir.resolve("empty.pcap");
    Files.write(p, new byte[0]);

    SourceException e =
        assertThrows(SourceException.class, () -> CaptureFiles.open(p.toString(), new Counters()));

    assertEquals(0, e.offset());
    assertEquals(p + ": empty input, expected a pcap or pcapng file header at byte offset 0", e.getMessage());
  }

  @Test
  void unknownMagicIsNamed() throws IOException {
    SourceException tiny = openBytes(new byte[] {(byte) 0xd4, (byte) 0xc3});
    SourceException text = openBytes("GET / HTTP/1.1\r\n".getBytes());
    SourceException gzip = openBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0});

    assertEquals("in: input of 2 bytes, too short for a pcap or pcapng file header at byte offset 0", tiny.getMessage());
    assertEquals(
        "in: file magic 0x47455420, expected pcap 0xa1b2c3d4 or 0xa1b23c4d (either byte order) or"
            + " pcapng 0x0a0d0d0a at byte offset 0",
        text.getMessage());
    assertTrue(gzip.getMessage().contains("(gzip-compressed: decompress it first)"), gzip.getMessage());
  }

  private static SourceException openBytes(byte[] bytes) {
    return assertThrows(
        SourceException.class,
        () -> CaptureFiles.open("in", new ByteArrayInputStream(bytes), new Counters()));
  }

  @Test
  void dashReadsStandardInput() throws IOException {
    byte[] bytes =
        CaptureBuilder.pcap(LE, false, 65535, 1)
            .record(10, 1, frame(1, 60), 60)
            .record(11, 2, frame(2, 61), 61)
            .bytes();
    InputStream saved = System.in;
    Recorder rec = new Recorder();
    PacketSource src;
    try {
      System.setIn(new ByteArrayInputStream(bytes));
      src = CaptureFiles.open("-", new Counters());
      src.run(rec);
      src.close();
    } finally {
      System.setIn(saved);
    }

    assertEquals("-", src.name());
    assertEquals(-1, src.stats().inputSize);
    assertEquals(bytes.length, src.stats().inputOffset);
    assertEquals(2, rec.size());
    assertEquals(11_000_002_000L, rec.get(1).tsNanos());
    assertArrayEquals(frame(2, 61), rec.get(1).data());
  }

  /** Many records across several refills of a small window, read through a FileChannel. */
  @Test
  void recordsStraddlingRefillsAreWhole() throws IOException {
    int window = PcapngReader.MAX_PACKET_BLOCK_LEN;
    CaptureBuilder pcap = CaptureBuilder.pcap(LE, true, 0, 1);
    CaptureBuilder ng = CaptureBuilder.pcapng(ByteOrder.BIG_ENDIAN);
    ng.idb(LinkType.ETHERNET, 0, ng.options(ng.tsresol(9)));
    int n = 0;
    for (long total = 0; total < 5L * window; n++) {
      int len = n % 50 == 0 ? 200_000 + n : 40 + (n * 7919) % 1500;
      pcap.record(n, 0, frame(n, len), len);
      ng.epb(0, n, frame(n, len), len);
      total += len;
    }
    for (CaptureBuilder b : new CaptureBuilder[] {pcap, ng}) {
      Path p = dir.resolve("big");
      Files.write(p, b.bytes());
      Recorder rec = new Recorder();
      try (PacketSource src = CaptureFiles.open(p.toString(), new Counters(), window)) {
        src.run(rec);
      }
      assertEquals(n, rec.size());
      for (int i = 0; i < n; i++) {
        int len = i % 50 == 0 ? 200_000 + i : 40 + (i * 7919) % 1500;
        assertArrayEquals(frame(i, len), rec.get(i).data(), "frame " + i);
        assertEquals(i, b == ng ? rec.get(i).tsNanos() : rec.get(i).tsNanos() / 1_000_000_000L);
      }
    }
  }

  @Test
  void stopFromTheHandlerEndsTheRunAfterThatFrame() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcap(LE, false, 0, 1);
    for (int i = 0; i < 10; i++) {
      b.record(i, 0, frame(i, 60), 60);
    }
    PacketSource src = CaptureFiles.open("in", new ByteArrayInputStream(b.bytes()), new Counters());
    int[] seen = {0};
    src.run((lt, ts, buf, off, cap, orig, ifi) -> {
      if (++seen[0] == 3) {
        src.stop();
      }
    });

    assertEquals(3, seen[0]);
    assertEquals(3, src.stats().packets);
  }

  @Test
  void stopFromAnotherThreadEndsAnEndlessInput() throws Exception {
    byte[] header = CaptureBuilder.pcap(LE, false, 0, 1).bytes();
    byte[] record = CaptureBuilder.pcap(LE, false, 0, 1).record(1, 0, frame(1, 100), 100).bytes();
    InputStream endless = new InputStream() {
      long pos;

      @Override
      public int read() {
        byte[] one = new byte[1];
        read(one, 0, 1);
        return one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++, pos++) {
          b[off + i] = pos < 24 ? header[(int) pos] : record[24 + (int) ((pos - 24) % (record.length - 24))];
        }
        return len;
      }
    };
    PacketSource src = CaptureFiles.open("endless", endless, new Counters());
    CountDownLatch running = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        src.run((lt, ts, buf, off, cap, orig, ifi) -> running.countDown());
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    reader.start();
    assertTrue(running.await(10, TimeUnit.SECONDS), "first frame within 10 s");
    src.stop();
    reader.join(10_000);

    assertFalse(reader.isAlive(), "run() returned within 10 s of stop()");
    assertEquals(null, failure.get());
    assertTrue(src.stats().packets > 0);
  }
}
