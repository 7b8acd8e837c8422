package org.ja3sensor.decode;

import org.ja3sensor.source.FrameRest;

/**
 * The fields of one TCP segment that the flow table needs, filled in place by {@link
 * PacketDecoder#decode}. One instance is reused for every packet of a pipeline: no allocation per
 * packet.
 *
 * <p>Addresses are held as two longs each (big-endian halves of the 16-byte IPv6 address); IPv4
 * addresses are stored IPv4-mapped ({@code ::ffff:a.b.c.d}, i.e. hi = 0, lo = 0x0000ffff_aabbccdd)
 * so that both families share one key layout. For tunnelled traffic these are the innermost
 * addresses.
 *
 * <p>{@code payload} is the source's frame buffer: valid only during the packet callback.
 */
public final class DecodedPacket {
  /** True for IPv6 (innermost header), false for IPv4. */
  public boolean ipv6;

  public long srcHi;
  public long srcLo;
  public long dstHi;
  public long dstLo;
  public int srcPort;
  public int dstPort;

  /** TCP sequence and acknowledgement numbers (unsigned 32-bit values held in an int). */
  public int seq;
  public int ack;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10 ...). */
  public int tcpFlags;

  /** The frame buffer and the TCP payload within it (only the captured part). */
  public byte[] payload;
  public int payloadOff;
  public int payloadLen;
  /** Payload length announced by the IP header (may exceed {@link #payloadLen} when truncated). */
  public int payloadWireLen;

  /**
   * For a segment of a partly copied frame ({@link
   * org.ja3sensor.source.PacketHandler#onPartialPacket}), what puts the rest of its payload in
   * place; null when {@link #payload} holds the whole segment. Until {@link #completePayload} the
   * payload's first {@code min(payloadLen, PacketHandler.PARTIAL_PEEK)} bytes are there.
   */
  public FrameRest rest;

  /**
   * True for a UDP datagram carrying QUIC (a long header of a known version); then the ports and
   * payload are UDP's and the TCP fields are zero. False for a TCP segment.
   */
  public boolean udp;

  /** Number of tunnel layers removed to reach this segment (0 for plain traffic). */
  public int tunnelDepth;

  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int PSH = 0x08;
  public static final int ACK = 0x10;

  /** Makes the whole payload readable (a partly copied frame's rest); once, then nothing. */
  public void completePayload() {
    FrameRest r = rest;
    if (r != null) {
      rest = null;
      r.copyRest();
    }
  }

  public boolean syn() {
    return (tcpFlags & SYN) != 0;
  }

  public boolean fin() {
    return (tcpFlags & FIN) != 0;
  }

  public boolean rst() {
    return (tcpFlags & RST) != 0;
  }

  public boolean ackFlag() {
    return (tcpFlags & ACK) != 0;
  }
}
