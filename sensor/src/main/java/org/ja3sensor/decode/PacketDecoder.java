package org.ja3sensor.decode;

import org.ja3sensor.pipeline.Counters;

/**
 * Link, network and transport decode: from a raw frame to the innermost TCP segment. Every read
 * is bounds-checked against the captured length; malformed headers are counted as anomalies and
 * the frame is skipped. No allocation per packet.
 */
public final class PacketDecoder {
  private final Counters counters;

  public PacketDecoder(Counters counters) {
    this.counters = counters;
  }

  /**
   * Decodes one frame.
   *
   * @return true when {@code out} now describes a TCP segment; false when the frame is not TCP
   *     over IP (counted in {@link Counters#otherPackets}) or is malformed (counted as an anomaly)
   */
  public boolean decode(int linkType, byte[] buf, int off, int len, DecodedPacket out) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
