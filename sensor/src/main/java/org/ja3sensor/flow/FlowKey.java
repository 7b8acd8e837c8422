package org.ja3sensor.flow;

import org.ja3sensor.decode.DecodedPacket;

/**
 * What the {@link FlowTable} hashes and compares: the two endpoints of a TCP connection, ordered so
 * that both directions give the same key (endpoint A is the lower (address, port) pair), and the
 * direction-independent hash. Addresses are two longs each, IPv4 mapped into IPv6 (see {@link
 * org.ja3sensor.decode.IpAddresses}). Immutable. A {@link Flow} is its own key (one object less
 * per flow for a young collection to copy); the class is open to it alone.
 */
public class FlowKey {
  final long aHi;
  final long aLo;
  final long bHi;
  final long bLo;
  final int aPort;
  final int bPort;
  final int hash;
  /** The packets that made the flow were IPv6 (an IPv4-mapped pair may still be IPv6). */
  public final boolean ipv6;

  /** The key of a segment's connection; {@code hash} is {@link #hash(DecodedPacket)}. */
  FlowKey(DecodedPacket p, int hash) {
    boolean srcIsA = compare(p.srcHi, p.srcLo, p.srcPort, p.dstHi, p.dstLo, p.dstPort) <= 0;
    if (srcIsA) {
      aHi = p.srcHi;
      aLo = p.srcLo;
      aPort = p.srcPort;
      bHi = p.dstHi;
      bLo = p.dstLo;
      bPort = p.dstPort;
    } else {
      aHi = p.dstHi;
      aLo = p.dstLo;
      aPort = p.dstPort;
      bHi = p.srcHi;
      bLo = p.srcLo;
      bPort = p.srcPort;
    }
    this.ipv6 = p.ipv6;
    this.hash = hash;
  }

  public long aHi() {
    return aHi;
  }

  public long aLo() {
    return aLo;
  }

  public long bHi() {
    return bHi;
  }

  public long bLo() {
    return bLo;
  }

  public int aPort() {
    return aPort;
  }

  public int bPort() {
    return bPort;
  }

  public int hash() {
    return hash;
  }

  /** 0 when the segment was sent by endpoint A, 1 when by B. */
  public int sideOf(DecodedPacket p) {
    return aPort == p.srcPort && aLo == p.srcLo && aHi == p.srcHi
            && bPort == p.dstPort && bLo == p.dstLo && bHi == p.dstHi
        ? 0
        : 1;
  }

  /** True when the segment belongs to this connection (either direction). */
  boolean matches(DecodedPacket p) {
    if (aPort == p.srcPort && bPort == p.dstPort
        && aLo == p.srcLo && bLo == p.dstLo && aHi == p.srcHi && bHi == p.dstHi) {
      return true;
    }
    return aPort == p.dstPort && bPort == p.srcPort
        && aLo == p.dstLo && bLo == p.srcLo && aHi == p.dstHi && bHi == p.srcHi;
  }

  /** Direction-independent hash of a segment's connection (same value for both directions). */
  public static int hash(DecodedPacket p) {
    long a = p.srcHi * 31 + p.srcLo + p.srcPort;
    long b = p.dstHi * 31 + p.dstLo + p.dstPort;
    long x = a ^ b;
    long y = a + b;
    long h = x * 0x9E3779B97F4A7C15L + y;
    h ^= (h >>> 29);
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }

  private static int compare(long hi1, long lo1, int p1, long hi2, long lo2, int p2) {
    int c = Long.compareUnsigned(hi1, hi2);
    if (c != 0) {
      return c;
    }
    c = Long.compareUnsigned(lo1, lo2);
    if (c != 0) {
      return c;
    }
    return Integer.compare(p1, p2);
  }
}
