package org.ja3sensor.pipeline;

import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.source.PacketHandler;

/**
 * One processing pipeline (one thread): decode, flow table and reassembly, TLS hello parsing,
 * fingerprints, events. Single-threaded; live capture runs one per worker and sends both
 * directions of a flow to the same worker (see {@link #flowHash}).
 */
public final class Pipeline implements PacketHandler {

  public Pipeline(PipelineConfig config, Counters counters, EventListener listener) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Names written to events: input file, or sensor name and interface names by ifIndex. */
  public void setContext(String filePath, String observerName, String[] interfaceNames) {}

  @Override
  public void onPacket(
      int linkType, long tsNanos, byte[] buf, int off, int capLen, int origLen, int ifIndex) {}

  /** Processes a segment already decoded by the caller (the live-capture dispatcher). */
  public void onSegment(DecodedPacket p, long tsNanos, int ifIndex) {}

  /** Evicts flows idle since before {@code nowNanos - idleTimeout}; call now and then. */
  public void expire(long nowNanos) {}

  /** The input ended: emits the events of every flow with a hello and empties the table. */
  public void finish() {}

  /** Direction-independent hash of a segment's flow (same value for both directions). */
  public static int flowHash(DecodedPacket p) {
    long a = p.srcHi * 31 + p.srcLo + p.srcPort;
    long b = p.dstHi * 31 + p.dstLo + p.dstPort;
    long x = a ^ b;
    long y = a + b;
    long h = x * 0x9E3779B97F4A7C15L + y;
    h ^= (h >>> 29);
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }
}
