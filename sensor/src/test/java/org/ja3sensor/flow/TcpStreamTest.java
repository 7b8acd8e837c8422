package org.ja3sensor.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Test;

/**
 * Reassembly of one direction ({@link TcpStream}) against a consumer that records what it is
 * given: in-order bytes whatever the arrival order, retransmissions dropped, overlaps trimmed to
 * their new part (first copy wins), sequence numbers across 2^32, the queue bounds, gaps.
 */
class TcpStreamTest {
  static final int MAX_SEGMENTS = 64;
  static final int MAX_BYTES = 128 * 1024;

  /** Records the bytes and calls; wants bytes until {@code want} have come. */
  static final class Recorder implements StreamConsumer {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Long> times = new ArrayList<>();
    int want = Integer.MAX_VALUE;
    int gaps;
    int releases;

    @Override
    public boolean onBytes(byte[] b, int off, int len, long tsNanos) {
      bytes.write(b, off, len);
      times.add(tsNanos);
      return bytes.size() < want;
    }

    @Override
    public void onGap() {
      gaps++;
    }

    @Override
    public int bufferedBytes() {
      return 0;
    }

    @Override
    public void release() {
      releases++;
    }
  }

  final Counters counters = new Counters();

  static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static TcpStream stream(Recorder r, int isn) {
    TcpStream s = new TcpStream();
    s.consumer = r;
    s.onSyn(isn);
    return s;
  }

  boolean send(TcpStream s, int seq, byte[] d, int off, int len, long ts) {
    return s.accept(seq, d, off, len, ts, MAX_SEGMENTS, MAX_BYTES, counters);
  }

  @Test
  void outOfOrderRetransmittedAndOverlappingSegmentsGiveTheBytesInOrder() {
    byte[] d = data(1800, 1);
    Recorder r = new Recorder();
    int isn = 0x7fff0000;
    TcpStream s = stream(r, isn);
    int base = isn + 1;
    send(s, base + 1300, d, 1300, 500, 1); // third part first
    send(s, base + 400, d, 400, 900, 2); // second, overlapping the first by 100 bytes
    assertEquals(0, r.bytes.size());
    assertTrue(s.hasHole());
    send(s, base, d, 0, 500, 3); // first
    send(s, base, d, 0, 500, 4); // retransmission of the first
    assertArrayEquals(d, r.bytes.toByteArray());
    assertTrue(
        r.times.stream().allMatch(t -> t == 3L),
        "queued bytes go out with the segment that freed them: " + r.times);
    assertFalse(s.hasHole());
    assertEquals(0, s.bufferedBytes());
  }

  @Test
  void overlapKeepsTheFirstCopy() {
    byte[] d = data(1000, 2);
    byte[] other = d.clone();
    Arrays.fill(other, 200, 600, (byte) 0x55);
    Recorder r = new Recorder();
    TcpStream s = stream(r, 100);
    send(s, 101, d, 0, 400, 1);
    send(s, 101 + 200, other, 200, 800, 2); // rewrites 200..400 differently: ignored there
    assertEquals(1000, r.bytes.size());
    byte[] got = r.bytes.toByteArray();
    assertArrayEquals(Arrays.copyOfRange(d, 0, 400), Arrays.copyOfRange(got, 0, 400));
    assertArrayEquals(Arrays.copyOfRange(other, 400, 1000), Arrays.copyOfRange(got, 400, 1000));
  }

  @Test
  void sequenceNumbersWrapAround() {
    byte[] d = data(1000, 3);
    Recorder r = new Recorder();
    int isn = 0xfffffe00; // the bytes cross 2^32
    TcpStream s = stream(r, isn);
    send(s, isn + 1 + 700, d, 700, 300, 1);
    send(s, isn + 1, d, 0, 700, 2);
    assertArrayEquals(d, r.bytes.toByteArray());
  }

  @Test
  void everyArrivalOrderOfSmallSegmentsGivesTheSameBytes() {
    byte[] d = data(600, 4);
    for (long seed = 0; seed < 50; seed++) {
      Recorder r = new Recorder();
      TcpStream s = stream(r, (int) (seed * 0x9E3779B9L));
      int base = (int) (seed * 0x9E3779B9L) + 1;
      List<int[]> segs = new ArrayList<>();
      for (int off = 0; off < d.length; off += 50) {
        segs.add(new int[] {off, Math.min(80, d.length - off)}); // 30 bytes of overlap each
      }
      java.util.Collections.shuffle(segs, new Random(seed));
      for (int[] g : segs) {
        send(s, base + g[0], d, g[0], g[1], 1);
      }
      assertArrayEquals(d, r.bytes.toByteArray(), "seed " + seed);
    }
  }

  @Test
  void pickedUpWithoutSynTheFirstPayloadAnchorsTheStream() {
    byte[] d = data(300, 5);
    Recorder r = new Recorder();
    TcpStream s = new TcpStream();
    s.consumer = r;
    send(s, 5000, d, 0, 100, 1);
    send(s, 5000 + 200, d, 200, 100, 2);
    send(s, 5000 + 100, d, 100, 100, 3);
    assertArrayEquals(d, r.bytes.toByteArray());
  }

  @Test
  void theConsumerSaysWhenItHasEnough() {
    byte[] d = data(1000, 6);
    Recorder r = new Recorder();
    r.want = 300;
    TcpStream s = stream(r, 0);
    send(s, 1 + 500, d, 500, 500, 1);
    assertFalse(send(s, 1, d, 0, 500, 2));
    assertEquals(500, r.bytes.size(), "the queued segment is not delivered once it said no");
  }

  @Test
  void queueBoundsAreCounted() {
    byte[] d = data(200, 7);
    Recorder r = new Recorder();
    TcpStream s = stream(r, 0);
    for (int i = 0; i < MAX_SEGMENTS + 1; i++) {
      send(s, 1 + 10 + i * 2, d, 0, 1, 1);
    }
    assertEquals(1, counters.get(Anomaly.REASSEMBLY_QUEUE_FULL));
    send(s, 1 + MAX_BYTES, d, 0, 10, 1); // far beyond anything a hello needs
    assertEquals(1, counters.get(Anomaly.REASSEMBLY_FLOW_CAP));
  }

  @Test
  void releaseWithAHoleTellsTheConsumerOfTheGap() {
    byte[] d = data(200, 8);
    Recorder r = new Recorder();
    TcpStream s = stream(r, 0);
    send(s, 1 + 100, d, 100, 100, 1);
    assertTrue(s.bufferedBytes() >= 100);
    s.release();
    assertEquals(1, r.gaps);
    assertEquals(1, r.releases);
    assertEquals(0, s.bufferedBytes());
    assertEquals(TcpStream.DONE, s.state);

    Recorder whole = new Recorder();
    TcpStream t = stream(whole, 0);
    send(t, 1, d, 0, 200, 1);
    t.release();
    assertEquals(0, whole.gaps, "no hole, no gap");
  }

  @Test
  void aSegmentOutsideTheSentRangeIsTold() {
    byte[] d = data(500, 9);
    Recorder r = new Recorder();
    TcpStream s = stream(r, 1000);
    send(s, 1001, d, 0, 500, 1);
    assertFalse(s.isOutsideSentRange(1001), "a retransmission");
    assertFalse(s.isOutsideSentRange(1501), "a continuation");
    assertTrue(s.isOutsideSentRange(900_000));
    assertTrue(s.isOutsideSentRange(900));
  }
}
