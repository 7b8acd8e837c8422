package org.ja3sensor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ja3sensor.decode.DecodedPacket;
import org.junit.jupiter.api.Test;

class FlowTableTest {

  static DecodedPacket seg(int srcIp, int srcPort, int dstIp, int dstPort) {
    DecodedPacket p = new DecodedPacket();
    p.srcLo = 0xffff00000000L | (srcIp & 0xffffffffL);
    p.dstLo = 0xffff00000000L | (dstIp & 0xffffffffL);
    p.srcPort = srcPort;
    p.dstPort = dstPort;
    return p;
  }

  static DecodedPacket reverse(DecodedPacket p) {
    return seg((int) p.dstLo, p.dstPort, (int) p.srcLo, p.srcPort);
  }

  @Test
  void bothDirectionsFindTheSameFlow() {
    FlowTable<Object> t = new FlowTable<Object>(10);
    DecodedPacket c2s = seg(0x0a000001, 40000, 0x0a000002, 443);
    Flow<Object> f = t.insert(c2s, 7, 1);
    assertSame(f, t.find(c2s, 7));
    assertSame(f, t.find(reverse(c2s), 7));
    assertEquals(1 - f.sideOf(c2s), f.sideOf(reverse(c2s)));
    assertNull(t.find(seg(0x0a000001, 40001, 0x0a000002, 443), 7));
  }

  @Test
  void removalUnderCollisionsKeepsEveryOtherFlowReachable() {
    // All flows share one hash: one long probe chain, then remove from its middle, wrapping the
    // end of the slot array.
    Random rnd = new Random(42);
    for (int round = 0; round < 50; round++) {
      FlowTable<Object> t = new FlowTable<Object>(64);
      List<DecodedPacket> pkts = new ArrayList<>();
      List<Flow<Object>> flows = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        DecodedPacket p = seg(0x01020304, 1000 + i, 0x05060708, 443);
        int hash = (i % 3 == 0) ? -1 : rnd.nextInt(); // -1 lands on the last slot
        pkts.add(p);
        flows.add(t.insert(p, hash, i));
      }
      for (int k = 0; k < 25; k++) {
        int victim = rnd.nextInt(flows.size());
        t.remove(flows.get(victim));
        flows.remove(victim);
        pkts.remove(victim);
        for (int i = 0; i < flows.size(); i++) {
          assertSame(flows.get(i), t.find(pkts.get(i), flows.get(i).hash()), "round " + round);
        }
      }
      assertEquals(flows.size(), t.size());
    }
  }

  @Test
  void growingPastItsInitialSlotsKeepsEveryFlowReachable() {
    // The slot array starts at INITIAL_SLOTS and doubles at half load: 20,000 flows means several
    // rehashes, with removals (backward shift) before and after them and colliding hashes.
    Random rnd = new Random(7);
    FlowTable<Object> t = new FlowTable<Object>(100_000);
    List<DecodedPacket> pkts = new ArrayList<>();
    List<Flow<Object>> flows = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      DecodedPacket p = seg(0x0a000000 + i, 1024 + (i % 50_000), 0x0b000001, 443);
      int hash = i % 7 == 0 ? 12345 : rnd.nextInt();
      pkts.add(p);
      flows.add(t.insert(p, hash, i));
      if (i % 5 == 4) {
        int victim = rnd.nextInt(flows.size());
        t.remove(flows.remove(victim));
        pkts.remove(victim);
      }
    }
    assertTrue(FlowTable.INITIAL_SLOTS * 4 < flows.size() * 2, "the table had to grow");
    assertEquals(flows.size(), t.size());
    for (int i = 0; i < flows.size(); i++) {
      assertSame(flows.get(i), t.find(pkts.get(i), flows.get(i).hash()), "flow " + i);
      assertSame(flows.get(i), t.find(reverse(pkts.get(i)), flows.get(i).hash()), "flow " + i);
    }
    for (Flow<Object> f : flows) {
      t.remove(f);
    }
    assertEquals(0, t.size());
    assertNull(t.oldest());
  }

  @Test
  void leastRecentlyUsedOrder() {
    FlowTable<Object> t = new FlowTable<Object>(3);
    Flow<Object> a = t.insert(seg(1, 1, 2, 2), 1, 10);
    Flow<Object> b = t.insert(seg(1, 2, 2, 2), 2, 11);
    Flow<Object> c = t.insert(seg(1, 3, 2, 2), 3, 12);
    assertTrue(t.isFull());
    assertThrows(IllegalStateException.class, () -> t.insert(seg(1, 4, 2, 2), 4, 13));
    assertSame(a, t.oldest());
    t.touch(a, 20);
    assertSame(b, t.oldest());
    t.remove(b);
    assertSame(c, t.oldest());
    assertEquals(20, a.lastSeenNanos);
    assertEquals(2, t.size());
  }
}
