package org.ja3sensor.decode;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Test;

/** The per-packet path allocates nothing, whatever the encapsulation or the outcome. */
class PacketDecoderAllocationTest {

  @Test
  void decodingAllocatesNothing() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs the JDK's per-thread allocation counter");
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());

    List<PacketDecoderFuzzTest.Seed> seeds = PacketDecoderFuzzTest.seeds();
    byte[][] frames = new byte[seeds.size() * 2][];
    int[] linkTypes = new int[frames.length];
    for (int i = 0; i < seeds.size(); i++) {
      frames[2 * i] = seeds.get(i).frame();
      linkTypes[2 * i] = seeds.get(i).linkType();
      // and a cut copy of each: truncation and malformed paths
      frames[2 * i + 1] = java.util.Arrays.copyOf(frames[2 * i], frames[2 * i].length * 2 / 3);
      linkTypes[2 * i + 1] = linkTypes[2 * i];
    }
    Counters counters = new Counters();
    PacketDecoder decoder = new PacketDecoder(counters);
    DecodedPacket out = new DecodedPacket();
    int rounds = 5_000;
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < frames.length; i++) {
        decoder.decode(linkTypes[i], 0L, frames[i], 0, frames[i].length, out);
      }
    }
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    long decodes = (long) rounds * frames.length;
    // One 16-byte object per decode would be over 4 MB here; allow the counter's own noise.
    assertTrue(allocated < 64 * 1024, allocated + " bytes allocated in " + decodes + " decodes");
    assertTrue(counters.tcpPackets > 0 && counters.totalAnomalies() > 0);
  }
}
