package org.ja3sensor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.junit.jupiter.api.Test;

/**
 * Idle flows ended as fast as the layer above has room ({@link IdleExpiry}): a pass ends at most
 * that many, the rest stay due, and a packet for a due flow ends it first, so the ends and the
 * flows are those of an unlimited pass.
 */
class IdleExpiryTest {
  static final long SEC = TcpTrackerTest.SEC;

  /** A tracker whose application has {@code room} places; it records which ports ended how. */
  static final class Paced {
    final Counters counters = new Counters();
    final List<String> ends = new ArrayList<>();
    int room = Integer.MAX_VALUE;
    final TcpTracker<int[]> tracker = new TcpTracker<>(counters, new TcpTracker.Application<>() {
      @Override
      public int[] newSession() {
        return new int[1];
      }

      @Override
      public StreamConsumer openStream(Flow<int[]> flow, int side) {
        return new StreamConsumer() {
          @Override
          public boolean onBytes(byte[] b, int off, int len, long tsNanos) {
            return false;
          }

          @Override
          public void onGap() {}

          @Override
          public int bufferedBytes() {
            return 0;
          }

          @Override
          public void release() {}
        };
      }

      @Override
      public boolean startsConnection(Flow<int[]> flow, int side, byte[] b, int off, int len) {
        return false;
      }

      @Override
      public void onEnd(Flow<int[]> flow, TcpTracker.End why) {
        ends.add(Math.max(flow.aPort(), flow.bPort()) + " " + why);
        room--;
      }

      @Override
      public int evictionRoom() {
        return Math.max(0, room);
      }
    }, 1000, 10 * SEC, 1 << 16, 1 << 20, 8);

    void send(int port, long ts) {
      tracker.onSegment(TcpTrackerTest.seg(true, port, 100, DecodedPacket.ACK, "x"), ts, 0);
    }
  }

  /** Ten flows at 1 s, then a packet of flow 40005 at 12 s, then more at 13 s and 14 s. */
  static List<String> scenario(Paced t, int room) {
    for (int i = 0; i < 10; i++) {
      t.send(40_000 + i, SEC);
    }
    t.room = room;
    t.send(50_000, 12 * SEC); // the once-a-second pass: all ten are due
    t.send(40_005, 12 * SEC + 1);
    t.send(50_001, 13 * SEC);
    t.room = Integer.MAX_VALUE;
    t.send(50_002, 14 * SEC);
    t.tracker.finish();
    return t.ends;
  }

  @Test
  void aPassEndsNoMoreThanTheRoomAndTheRestAsIfItHad() {
    Paced unlimited = new Paced();
    List<String> all = scenario(unlimited, Integer.MAX_VALUE);
    Paced paced = new Paced();
    List<String> some = scenario(paced, 3);

    // unlimited: the ten end at 12 s, then 40005 comes back as a new flow (14 flows in all)
    assertEquals(10, all.stream().filter(e -> e.endsWith("EVICTED")).count(), "" + all);
    assertEquals(14, unlimited.counters.flows, "" + all);
    // paced: three end at 12 s; 40005, due at that pass, ends before its packet starts a new flow
    assertEquals(List.of("40000 EVICTED", "40001 EVICTED", "40002 EVICTED", "40005 EVICTED"),
        some.subList(0, 4));
    assertEquals(14, paced.counters.flows, "" + some);
    assertEquals(all.stream().sorted().toList(), some.stream().sorted().toList());
    assertEquals(unlimited.counters.flowsIdleEvicted, paced.counters.flowsIdleEvicted);
  }

  @Test
  void withNoRoomTheDueFlowsWaitAndGoWhenThereIs() {
    Paced t = new Paced();
    for (int i = 0; i < 5; i++) {
      t.send(40_000 + i, SEC);
    }
    t.room = 0;
    t.send(50_000, 12 * SEC);
    assertEquals(List.of(), t.ends);
    assertEquals(6, t.tracker.activeFlows());
    // passes come every few hundred packets while flows are due, not only once a second
    t.room = Integer.MAX_VALUE;
    for (int i = 0; i < IdleExpiry.BACKLOG_CHECK_PACKETS; i++) {
      t.send(50_000, 12 * SEC + 1 + i);
    }
    assertEquals(5, t.ends.size(), "" + t.ends);
    assertEquals(1, t.tracker.activeFlows());
  }

  @Test
  void passesAndDueFlows() {
    IdleExpiry e = new IdleExpiry(10 * SEC);
    assertTrue(e.passDue(SEC));
    assertFalse(e.passDue(SEC + 1));
    assertTrue(e.passDue(2 * SEC + 1));
    FlowTable<Object> table = new FlowTable<>(10);
    DecodedPacket a = TcpTrackerTest.seg(true, 40_000, 1, DecodedPacket.ACK, "x");
    DecodedPacket b = TcpTrackerTest.seg(true, 40_001, 1, DecodedPacket.ACK, "x");
    Flow<Object> fa = table.insert(a, FlowKey.hash(a), SEC);
    Flow<Object> fb = table.insert(b, FlowKey.hash(b), 5 * SEC);
    List<Flow<Object>> gone = new ArrayList<>();
    e.pass(table, 20 * SEC, 1, f -> {
      gone.add(f);
      table.remove(f);
    });
    assertEquals(List.of(fa), gone);
    assertTrue(e.backlog());
    assertTrue(e.overdue(fb));
    e.pass(table, 21 * SEC, 5, f -> {
      gone.add(f);
      table.remove(f);
    });
    assertEquals(List.of(fa, fb), gone);
    assertFalse(e.backlog());
    assertFalse(e.overdue(fb));
  }
}
