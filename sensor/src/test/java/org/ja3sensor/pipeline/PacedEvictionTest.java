package org.ja3sensor.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.ja3sensor.decode.LinkType;
import org.ja3sensor.event.EventListener;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.source.PacketHandler;
import org.ja3sensor.source.PacketSource;
import org.ja3sensor.source.SourceStats;
import org.junit.jupiter.api.Test;

/**
 * A burst of idle flows (3,000 ClientHellos, then a packet two minutes later) through the capture
 * runner with an event queue of 8 places and a slow output: the pipeline ends the flows as the
 * queue has room (flow.IdleExpiry) instead of waiting on it, and every flow still comes out once,
 * as idle (flow_evicted), as with a queue that holds them all.
 */
class PacedEvictionTest {
  static final int FLOWS = 3000;

  static final class Burst implements PacketSource {
    final SourceStats stats = new SourceStats();
    final java.util.function.IntSupplier published;
    /** Events out when the last packet had been handled. */
    volatile int publishedAtEnd = -1;

    Burst(java.util.function.IntSupplier published) {
      this.published = published;
    }

    @Override
    public void run(PacketHandler handler) {
      byte[] ch = Hellos.clientHelloRecord("paced.example", 0);
      long base = System.currentTimeMillis() * 1_000_000L - 600_000_000_000L;
      for (int i = 0; i < FLOWS; i++) {
        byte[] c = QueueFullTest.frame(0x64400000 | i, 0x0a000001, 40_000, 443, 1, 1, ch);
        handler.onPacket(LinkType.ETHERNET, base + i * 1000L, c, 0, c.length, c.length, 0);
      }
      // two minutes and a bit later: the first pass then finds all of them idle
      byte[] late = QueueFullTest.frame(0x0a0a0a0a, 0x0a000001, 40_000, 443, 1, 1, ch);
      handler.onPacket(LinkType.ETHERNET, base + 130_000_000_000L, late, 0, late.length,
          late.length, 0);
      stats.packets += FLOWS + 1;
      publishedAtEnd = published.getAsInt();
    }

    @Override
    public void stop() {}

    @Override
    public String name() {
      return "burst";
    }

    @Override
    public SourceStats stats() {
      return stats;
    }

    @Override
    public void close() {}
  }

  static Map<String, Integer> triggers(int eventQueue, long nanosPerEvent, int workers)
      throws Exception {
    Map<String, Integer> byTrigger = new ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger published =
        new java.util.concurrent.atomic.AtomicInteger();
    EventListener out = e -> {
      byTrigger.merge(String.valueOf(e.trigger), 1, Integer::sum);
      published.incrementAndGet();
      if (nanosPerEvent > 0) {
        LockSupport.parkNanos(nanosPerEvent);
      }
    };
    Burst burst = new Burst(published::get);
    ParallelRunner r = new ParallelRunner(List.of(burst), "paced-test",
        PipelineConfig.defaults(),
        new ParallelRunner.Settings(workers, 16 << 20, 65_535, 60_000, 0, eventQueue, 1000, true),
        out, null, m -> {});
    if (workers == 0) {
      r.useSingleLocalPipeline(PipelineConfig.defaults());
    }
    ParallelRunner.Totals t = r.run();
    assertEquals(FLOWS + 1, t.eventsPublished);
    assertEquals(FLOWS, t.counters.flowsIdleEvicted);
    if (workers == 0 && nanosPerEvent > 0) {
      // the capture thread ran its pipeline and was not held while the slow output wrote the
      // burst: when it had handled the last packet, few of the events were out
      assertTrue(burst.publishedAtEnd < FLOWS / 2, "out at the end: " + burst.publishedAtEnd);
    }
    return new TreeMap<>(byTrigger);
  }

  @Test
  void idleFlowsGoAsTheQueueHasRoomAndAllComeOut() throws Exception {
    Map<String, Integer> expected = Map.of("FLOW_EVICTED", FLOWS, "INPUT_END", 1);
    assertEquals(expected, triggers(1 << 14, 0, 0));
    assertEquals(expected, triggers(8, 20_000, 0));
    assertEquals(expected, triggers(8, 20_000, 1));
  }
}
