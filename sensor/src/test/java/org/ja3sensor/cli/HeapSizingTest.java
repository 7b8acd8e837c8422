package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ja3sensor.core.Counters;
import org.ja3sensor.pipeline.Pipeline;
import org.ja3sensor.pipeline.PipelineConfig;
import org.ja3sensor.source.CaptureFiles;
import org.ja3sensor.source.PacketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap sizing of the flow tables and memory cap ({@link HeapSizing}): the formula at a few
 * heaps, explicit bounds refused when they cannot fit, and {@link HeapSizing#FLOW_BYTES} checked
 * against what idle TCP and QUIC flows really hold on the heap (a SYN flood and QUIC-looking
 * datagrams through a pipeline, the heap measured after a full GC).
 */
class HeapSizingTest {
  private static final long MIB = 1L << 20;

  @TempDir Path tmp;

  @Test
  void defaultsFollowTheHeap() {
    // 6 GiB (a quarter of 24 GiB): the old defaults, which fit.
    long[] big = HeapSizing.size(HeapSizing.AUTO, HeapSizing.AUTO, 128 * 1024, 6144 * MIB);
    assertEquals(500_000, big[0]);
    assertEquals(256 * MIB, big[1]);
    // 1 GiB: usable 744 MiB, memcap 186 MiB, the flows from what is left.
    long[] g1 = HeapSizing.size(HeapSizing.AUTO, HeapSizing.AUTO, 128 * 1024, 1024 * MIB);
    assertEquals(744 * MIB / 4, g1[1]);
    assertEquals((744 * MIB - g1[1] - g1[1] / 4) / (2 * HeapSizing.FLOW_BYTES), g1[0]);
    // 64 MiB: a few thousand flows and a few MiB, all within the usable heap.
    long[] small = HeapSizing.size(HeapSizing.AUTO, HeapSizing.AUTO, 128 * 1024, 64 * MIB);
    assertTrue(small[0] >= HeapSizing.MIN_FLOWS && small[0] < 10_000, "flows " + small[0]);
    assertTrue(HeapSizing.cost(small[0], small[1]) <= HeapSizing.usable(64 * MIB));
    for (long heap = 48 * MIB; heap < 64L << 30; heap *= 2) {
      long[] s = HeapSizing.size(HeapSizing.AUTO, HeapSizing.AUTO, 128 * 1024, heap);
      assertTrue(HeapSizing.cost(s[0], s[1]) <= HeapSizing.usable(heap), "heap " + heap);
    }
  }

  @Test
  void explicitBoundsThatCannotFitAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HeapSizing.size(500_000, HeapSizing.AUTO, 128 * 1024, 128 * MIB));
    assertTrue(e.getMessage().startsWith("--max-flows 500000 need about "), e.getMessage());
    assertTrue(e.getMessage().contains("128 MiB heap") && e.getMessage().contains("-Xmx"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
        () -> HeapSizing.size(1000, 256 * MIB, 128 * 1024, 256 * MIB));
    assertTrue(m.getMessage().startsWith("--max-flows 1000 and --reassembly-memcap 268435456"),
        m.getMessage());
    IllegalArgumentException tiny = assertThrows(IllegalArgumentException.class,
        () -> HeapSizing.size(HeapSizing.AUTO, HeapSizing.AUTO, 128 * 1024, 32 * MIB));
    assertTrue(tiny.getMessage().contains("raise -Xmx"), tiny.getMessage());
    // What fits is taken as given.
    long[] ok = HeapSizing.size(10_000, 16 * MIB, 128 * 1024, 128 * MIB);
    assertEquals(10_000, ok[0]);
    assertEquals(16 * MIB, ok[1]);
  }

  @Test
  void aFlowHoldsAtMostFlowBytes() throws IOException {
    int n = 40_000;
    Path syn = tmp.resolve("syn.pcap");
    Path udp = tmp.resolve("udp.pcap");
    HostileCaptures.write(syn, "syn", n, 0);
    HostileCaptures.write(udp, "udp", n, 0);
    PipelineConfig config =
        new PipelineConfig(n, 3_600_000_000_000L, 128 * 1024, 256 * MIB, 16 * 1024, 64);
    Counters counters = new Counters();
    Pipeline pipeline = new Pipeline(config, counters, e -> { });
    long before = usedAfterGc();
    feed(pipeline, syn, counters);
    long tcp = usedAfterGc();
    feed(pipeline, udp, counters);
    long quic = usedAfterGc();
    long perTcp = (tcp - before) / n;
    long perQuic = (quic - tcp) / n;
    System.out.printf("heap per idle flow: TCP %d bytes, QUIC %d bytes (FLOW_BYTES %d)%n",
        perTcp, perQuic, HeapSizing.FLOW_BYTES);
    assertEquals(2 * n, pipeline.activeFlows(), "every flow still in its table");
    assertTrue(perTcp <= HeapSizing.FLOW_BYTES, "a TCP flow holds " + perTcp + " bytes");
    assertTrue(perQuic <= HeapSizing.FLOW_BYTES, "a QUIC flow holds " + perQuic + " bytes");
    pipeline.finish();
  }

  private static void feed(Pipeline pipeline, Path file, Counters counters) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        PacketSource src = CaptureFiles.open(file.toString(), in, counters)) {
      src.run(pipeline::onPacket);
    }
  }

  private static long usedAfterGc() {
    MemoryMXBean m = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, m.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
