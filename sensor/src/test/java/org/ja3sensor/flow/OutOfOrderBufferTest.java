package org.ja3sensor.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.flow.TcpStreamTest.Recorder;
import org.junit.jupiter.api.Test;

/**
 * Out-of-order data through {@link TcpStream} into its {@link OutOfOrderBuffer}: bounded by bytes
 * and not by a segment count, its accounted cost is what it holds, a retransmission with other
 * bytes is counted (first copy wins), and any arrival order gives the bytes of in-order delivery.
 */
class OutOfOrderBufferTest {
  static final int MAX_RUNS = 64;
  static final int MAX_BYTES = 64 * 1024;

  final Counters counters = new Counters();

  boolean send(TcpStream s, int seq, byte[] d, int off, int len) {
    return s.accept(seq, d, off, len, 1, MAX_RUNS, MAX_BYTES, counters);
  }

  @Test
  void aHelloCutIntoFiveHundredTinySegmentsArrivingBackwardsIsReassembled() {
    byte[] d = TcpStreamTest.data(500, 21);
    Recorder r = new Recorder();
    TcpStream s = TcpStreamTest.stream(r, 1000);
    for (int i = 499; i >= 1; i--) { // every byte but the first, last one first
      send(s, 1001 + i, d, i, 1);
    }
    assertEquals(0, counters.get(Anomaly.REASSEMBLY_QUEUE_FULL));
    assertTrue(s.bufferedBytes() < 1024, "499 bytes in one run cost " + s.bufferedBytes());
    send(s, 1001, d, 0, 1);
    assertArrayEquals(d, r.bytes.toByteArray());
    assertEquals(0, s.bufferedBytes());
    assertFalse(s.hasHole());
  }

  @Test
  void theAccountedCostCoversWhatSixtyFourOneByteHolesHold() {
    byte[] d = TcpStreamTest.data(200, 22);
    Recorder r = new Recorder();
    TcpStream s = TcpStreamTest.stream(r, 0);
    for (int i = 0; i < MAX_RUNS; i++) {
      send(s, 1 + 10 + 2 * i, d, 0, 1);
    }
    // 64 data bytes, but a data array, two int arrays of 64 and headers really: at least 64 * 8.
    assertTrue(s.bufferedBytes() >= 64 + 8 * MAX_RUNS, "accounted " + s.bufferedBytes());
    assertTrue(s.bufferedBytes() <= 2048, "accounted " + s.bufferedBytes());
  }

  @Test
  void aRetransmissionWithOtherBytesIsCountedAndTheFirstCopyWins() {
    byte[] d = TcpStreamTest.data(300, 23);
    byte[] evil = d.clone();
    for (int i = 150; i < 250; i++) {
      evil[i] ^= 0x5a;
    }
    Recorder r = new Recorder();
    TcpStream s = TcpStreamTest.stream(r, 0);
    send(s, 1 + 100, d, 100, 200); // ahead of the hole: first copy
    send(s, 1 + 100, evil, 100, 200); // same range, other bytes
    assertEquals(1, counters.get(Anomaly.REASSEMBLY_OVERLAP_MISMATCH));
    send(s, 1 + 50, d, 50, 100); // overlaps the held bytes, same content: not counted
    assertEquals(1, counters.get(Anomaly.REASSEMBLY_OVERLAP_MISMATCH));
    send(s, 1, evil, 0, 300); // fills the hole and carries other bytes over the held ones
    assertEquals(2, counters.get(Anomaly.REASSEMBLY_OVERLAP_MISMATCH));
    assertArrayEquals(d, r.bytes.toByteArray(), "the first copy of every byte");
  }

  @Test
  void anyOrderOverlapsDuplicatesAndWraparoundGiveTheInOrderBytes() {
    Random rnd = new Random(2314);
    for (int round = 0; round < 300; round++) {
      byte[] d = TcpStreamTest.data(1 + rnd.nextInt(4000), round);
      int isn = rnd.nextBoolean() ? -1 - rnd.nextInt(3000) : rnd.nextInt(); // across 2^32 often
      List<int[]> segs = new ArrayList<>();
      for (int p = 0; p < d.length; ) {
        int n = 1 + rnd.nextInt(Math.min(600, d.length - p));
        segs.add(new int[] {p, n});
        p += n;
      }
      for (int k = rnd.nextInt(10); k > 0; k--) { // overlapping copies and duplicates
        int a = rnd.nextInt(d.length);
        segs.add(new int[] {a, 1 + rnd.nextInt(d.length - a)});
      }
      Collections.shuffle(segs, rnd);
      Recorder r = new Recorder();
      TcpStream s = TcpStreamTest.stream(r, isn);
      Counters c = new Counters();
      for (int[] g : segs) {
        s.accept(isn + 1 + g[0], d, g[0], g[1], 1, 4096, MAX_BYTES, c);
        assertTrue(s.bufferedBytes() <= 2 * MAX_BYTES + 8 * 4096 + 256, "round " + round);
      }
      assertArrayEquals(d, r.bytes.toByteArray(), "round " + round);
      assertEquals(0, c.get(Anomaly.REASSEMBLY_OVERLAP_MISMATCH), "round " + round);
      assertFalse(s.hasHole(), "round " + round);
      assertEquals(0, s.bufferedBytes(), "round " + round);
    }
  }
}
