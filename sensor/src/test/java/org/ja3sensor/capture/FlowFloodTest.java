package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.pipeline.ParallelRunner;
import org.ja3sensor.pipeline.PipelineConfig;
import org.ja3sensor.decode.LinkType;
import org.ja3sensor.source.PacketHandler;
import org.ja3sensor.source.PacketSource;
import org.ja3sensor.source.SourceStats;
import org.junit.jupiter.api.Test;

/**
 * A SYN flood of a million one-packet flows through the live-capture engine (capture thread,
 * queues, two workers): the flow table stays at its cap, every flow beyond it is evicted and
 * counted, and the live heap does not grow with the number of flows.
 */
class FlowFloodTest {
  static final int FLOWS = 1_000_000;
  static final int MAX_FLOWS = 10_000;

  /**
   * Ethernet/IPv4/TCP SYN frames, each from a different source address and port. Measures the
   * live heap (after a full GC) when a fifth and when all of the flood has been generated.
   */
  static final class SynFlood implements PacketSource {
    final SourceStats stats = new SourceStats();
    final byte[] frame = new byte[54];
    final long[] heapAt = new long[2];
    final ParallelRunner[] runner = new ParallelRunner[1];
    volatile boolean stop;

    SynFlood() {
      frame[12] = 0x08; // IPv4
      frame[14] = 0x45;
      frame[16] = 0;
      frame[17] = 40; // total length
      frame[22] = 64; // TTL
      frame[23] = 6; // TCP
      frame[30] = 10; // destination 10.0.0.1
      frame[33] = 1;
      frame[36] = 0x01; // destination port 443
      frame[37] = (byte) 0xbb;
      frame[46] = 0x50; // data offset 5
      frame[47] = 0x02; // SYN
    }

    @Override
    public void run(PacketHandler handler) throws java.io.IOException {
      // Capture time near the wall clock, as live capture has it (workers expire on wall time).
      long base = System.currentTimeMillis() * 1_000_000L;
      for (int i = 0; i < FLOWS && !stop; i++) {
        int src = 0x64000000 | (i >>> 8); // 100.x.y.z
        frame[26] = (byte) (src >>> 24);
        frame[27] = (byte) (src >>> 16);
        frame[28] = (byte) (src >>> 8);
        frame[29] = (byte) src;
        int port = 1024 + (i & 0xff);
        frame[34] = (byte) (port >>> 8);
        frame[35] = (byte) port;
        frame[38] = (byte) (i >>> 24); // sequence number
        frame[41] = (byte) i;
        handler.onPacket(LinkType.ETHERNET, base + i * 1000L, frame, 0,
            frame.length, frame.length, 0);
        stats.packets++;
        if (i == FLOWS / 5 || i == FLOWS - 1) {
          while (runner[0].totals().counters.flows < i + 1) {
            waitForWorkers();
          }
          heapAt[i == FLOWS - 1 ? 1 : 0] = liveHeap();
        }
        if ((i & 0xfff) == 0) {
          // Keep the queues from overflowing: this test is about the flow table, not the queues.
          while (i - runner[0].totals().counters.flows > 20_000) {
            waitForWorkers();
          }
        }
      }
    }

    /** Lets the workers catch up so that queued segments do not count as heap growth. */
    private void waitForWorkers() {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void stop() {
      stop = true;
    }

    @Override
    public String name() {
      return "synflood";
    }

    @Override
    public SourceStats stats() {
      return stats;
    }

    @Override
    public void close() {}
  }

  static long liveHeap() {
    MemoryMXBean m = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return m.getHeapMemoryUsage().getUsed();
  }

  @Test
  void millionOneSynFlowsKeepTheTableAtItsCapAndTheHeapFlat() throws Exception {
    SynFlood flood = new SynFlood();
    PipelineConfig d = PipelineConfig.defaults();
    int workers = 2;
    PipelineConfig perWorker =
        new PipelineConfig(
            MAX_FLOWS / workers, d.idleTimeoutNanos(), d.maxHandshakeBytesPerFlow(),
            d.reassemblyMemcap() / workers, d.scanLimit(), d.maxOutOfOrderSegments());
    List<String> warnings = new ArrayList<>();
    ParallelRunner runner =
        new ParallelRunner(
            List.of(flood), "flood-test", perWorker,
            new ParallelRunner.Settings(workers, 4 << 20, 2048, 100, 0, 1024, 1000, false),
            e -> {},
            null,
            warnings::add);
    flood.runner[0] = runner;
    long heapBefore = liveHeap();
    ParallelRunner.Totals t = runner.run();

    assertEquals(0, t.queueDropped, "the test paced itself");
    long queued = FLOWS;
    assertEquals(FLOWS, t.counters.packets);
    assertEquals(FLOWS, t.tcpSegments);
    assertEquals(queued, t.counters.flows, "each SYN starts a flow");
    // Each worker holds at most its share; everything beyond was evicted as the table was full.
    assertEquals(queued - MAX_FLOWS, t.counters.get(Anomaly.FLOW_TABLE_FULL), t.format());
    assertEquals(queued - MAX_FLOWS, t.flowsEvicted(), t.format());
    assertEquals(0, t.counters.flowsActive, "finish() empties the tables");
    assertEquals(0, t.counters.events, "SYNs carry no hello");
    assertTrue(warnings.isEmpty(), warnings.toString());

    long atFifth = flood.heapAt[0] - heapBefore;
    long atEnd = flood.heapAt[1] - heapBefore;
    // A flow costs a few hundred bytes: 10,000 of them stay under 16 MB; a million would not.
    long cap = 16L << 20;
    assertTrue(atEnd < cap, "live heap grew by " + atEnd + " bytes, cap " + cap);
    assertTrue(
        Math.abs(atEnd - atFifth) < (4L << 20),
        "heap flat between 200k and 1M flows: " + atFifth + " then " + atEnd);
  }
}
