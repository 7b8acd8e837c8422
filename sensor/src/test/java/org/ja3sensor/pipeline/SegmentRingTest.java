package org.ja3sensor.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.ja3sensor.decode.DecodedPacket;
import org.junit.jupiter.api.Test;

class SegmentRingTest {

  static DecodedPacket segment(long n, byte[] payload) {
    DecodedPacket p = new DecodedPacket();
    p.ipv6 = (n & 1) == 1;
    p.srcHi = n * 7;
    p.srcLo = ~n;
    p.dstHi = -n;
    p.dstLo = n << 20;
    p.srcPort = (int) (n % 65536);
    p.dstPort = 65535 - (int) (n % 65536);
    p.seq = (int) (n * 2654435761L);
    p.ack = (int) ~n;
    p.tcpFlags = (int) (n & 0xff);
    p.tunnelDepth = (int) (n % 3);
    p.payload = payload;
    p.payloadOff = 0;
    p.payloadLen = payload.length;
    p.payloadWireLen = payload.length + (int) (n % 5);
    return p;
  }

  static byte[] payloadOf(long n) {
    byte[] b = new byte[(int) ((n * 37) % 1500)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (n + i);
    }
    return b;
  }

  static void assertSame(long n, DecodedPacket got) {
    DecodedPacket want = segment(n, payloadOf(n));
    assertEquals(want.ipv6, got.ipv6, "ipv6 of " + n);
    assertEquals(want.srcHi, got.srcHi);
    assertEquals(want.srcLo, got.srcLo);
    assertEquals(want.dstHi, got.dstHi);
    assertEquals(want.dstLo, got.dstLo);
    assertEquals(want.srcPort, got.srcPort);
    assertEquals(want.dstPort, got.dstPort);
    assertEquals(want.seq, got.seq);
    assertEquals(want.ack, got.ack);
    assertEquals(want.tcpFlags, got.tcpFlags);
    assertEquals(want.tunnelDepth, got.tunnelDepth);
    assertEquals(want.payloadLen, got.payloadLen, "payload length of " + n);
    assertEquals(want.payloadWireLen, got.payloadWireLen);
    assertTrue(
        Arrays.equals(
            want.payload, 0, want.payloadLen,
            got.payload, got.payloadOff, got.payloadOff + got.payloadLen),
        "payload of " + n);
  }

  @Test
  void recordsComeOutInOrderAcrossWrapsAndAFullRingRefuses() {
    SegmentRing ring = new SegmentRing(64 * 1024, 1500);
    DecodedPacket out = new DecodedPacket();
    assertFalse(ring.peek(out));
    assertEquals(Long.MAX_VALUE, ring.headTimestamp());

    long written = 0;
    long read = 0;
    // Fill until refused, drain half, repeat: exercises wrap markers at every offset.
    for (int round = 0; round < 50; round++) {
      while (ring.offer(segment(written, payloadOf(written)), 1000 + written, (int) (written % 4))) {
        written++;
      }
      assertTrue(ring.dropped() == round + 1, "the refused offer is counted");
      long target = read + (written - read) / 2;
      while (read < target) {
        assertEquals(1000 + read, ring.headTimestamp());
        assertTrue(ring.peek(out));
        assertEquals(1000 + read, ring.peekTimestamp());
        assertEquals((int) (read % 4), ring.peekIfIndex());
        assertSame(read, out);
        ring.advance();
        read++;
      }
    }
    while (ring.peek(out)) {
      assertSame(read, out);
      ring.advance();
      read++;
    }
    assertEquals(written, read);
    assertTrue(ring.isEmpty());
    assertTrue(written > 1000, "many records went through: " + written);
  }

  @Test
  void payloadLongerThanTheRecordLimitIsCutButKeepsItsWireLength() {
    SegmentRing ring = new SegmentRing(1 << 16, 100);
    DecodedPacket p = segment(1, new byte[400]);
    p.payloadWireLen = 400;
    assertTrue(ring.offer(p, 5, 0));
    DecodedPacket out = new DecodedPacket();
    assertTrue(ring.peek(out));
    assertEquals(100, out.payloadLen);
    assertEquals(400, out.payloadWireLen);
  }

  @Test
  void oneProducerOneConsumerThreadPassEveryRecordInOrder() throws Exception {
    SegmentRing ring = new SegmentRing(256 * 1024, 1500);
    final long total = 200_000;
    long[] accepted = new long[1];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread producer =
        new Thread(
            () -> {
              for (long n = 0; n < total; n++) {
                // Retry a refused record until the consumer makes room: every record must arrive.
                DecodedPacket p = segment(n, payloadOf(n));
                while (!ring.offer(p, n, 0)) {
                  Thread.onSpinWait();
                }
                accepted[0]++;
              }
              producerDone.set(true);
            });
    long[] seen = new long[1];
    Thread consumer =
        new Thread(
            () -> {
              DecodedPacket out = new DecodedPacket();
              long last = -1;
              try {
                while (true) {
                  if (ring.peek(out)) {
                    long n = ring.peekTimestamp();
                    if (n <= last) {
                      throw new AssertionError("out of order: " + n + " after " + last);
                    }
                    assertSame(n, out);
                    last = n;
                    seen[0]++;
                    ring.advance();
                    if (n == total - 1) {
                      return;
                    }
                  } else if (producerDone.get() && ring.isEmpty()) {
                    return;
                  } else {
                    Thread.onSpinWait();
                  }
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    consumer.start();
    producer.start();
    producer.join();
    consumer.join(30_000);
    assertFalse(consumer.isAlive());
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertEquals(total, accepted[0]);
    assertEquals(total, seen[0], "every record arrived, in order, intact");
    assertEquals(total + ring.dropped(), ring.offered(), "each refusal was counted");
  }

  private final java.util.concurrent.atomic.AtomicBoolean producerDone =
      new java.util.concurrent.atomic.AtomicBoolean();
}
