package org.ja3sensor.decode;

import static org.ja3sensor.decode.Bytes.u16;
import static org.ja3sensor.decode.Bytes.u32;
import static org.ja3sensor.decode.Bytes.u64;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * IPv4, IPv6 (with extension headers) and TCP, for {@link PacketDecoder}. Each IP layer writes
 * its addresses into the {@link DecodedPacket}; an inner layer overwrites an outer one, so the
 * segment ends up with the innermost addresses. Regions and the {@code cut} flag are as described
 * in {@link PacketDecoder}. Not thread-safe; the buffer is the caller's.
 */
final class IpDecoder {
  static final int PROTO_HOP_BY_HOP = 0;
  static final int PROTO_IPIP = 4;
  static final int PROTO_TCP = 6;
  static final int PROTO_UDP = 17;
  static final int PROTO_IPV6 = 41;
  static final int PROTO_ROUTING = 43;
  static final int PROTO_FRAGMENT = 44;
  static final int PROTO_GRE = 47;
  static final int PROTO_ESP = 50;
  static final int PROTO_AH = 51;
  static final int PROTO_NO_NEXT = 59;
  static final int PROTO_DEST_OPTS = 60;
  static final int PROTO_MOBILITY = 135;
  static final int PROTO_HIP = 139;
  static final int PROTO_SHIM6 = 140;

  /** lo half of an IPv4-mapped address without the IPv4 part ({@code ::ffff:0:0}). */
  static final long IPV4_MAPPED = 0x0000ffff_00000000L;

  private static final int IPV4_MIN_HEADER = 20;
  private static final int IPV6_HEADER = 40;
  private static final int TCP_MIN_HEADER = 20;

  private final Counters counters;
  private TunnelDecoder tunnels;

  IpDecoder(Counters counters) {
    this.counters = counters;
  }

  void setTunnels(TunnelDecoder tunnels) {
    this.tunnels = tunnels;
  }

  /** Raw IP: the version nibble decides (4 or 6); anything else is a bad IPv4 version. */
  boolean byVersion(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < 1) {
      return fail(Anomaly.IPV4_INVALID);
    }
    int version = (b[p] >>> 4) & 0x0f;
    if (version == 6) {
      return ipv6(b, p, end, cut, depth, out);
    }
    return ipv4(b, p, end, cut, depth, out); // reports a bad version as IPV4_INVALID
  }

  boolean ipv4(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    int avail = end - p;
    if (avail < IPV4_MIN_HEADER) {
      return fail(Anomaly.IPV4_INVALID);
    }
    int versionIhl = b[p] & 0xff;
    if ((versionIhl >>> 4) != 4) {
      return fail(Anomaly.IPV4_INVALID);
    }
    int headerLen = (versionIhl & 0x0f) << 2;
    if (headerLen < IPV4_MIN_HEADER || headerLen > avail) {
      return fail(Anomaly.IPV4_INVALID);
    }
    int totalLen = u16(b, p + 2);
    if (totalLen == 0 && cut && depth == 0) {
      // Segmentation offload seen on the sending host (TSO/BIG TCP) leaves 0 here.
      totalLen = avail;
    }
    if (totalLen < headerLen) {
      return fail(Anomaly.IPV4_INVALID);
    }
    boolean innerCut;
    if (totalLen <= avail) {
      end = p + totalLen; // drops link-layer padding
      innerCut = false;
    } else if (cut) {
      innerCut = true;
    } else {
      return fail(Anomaly.IPV4_INVALID); // longer than the layer that carries it
    }
    if ((u16(b, p + 6) & 0x3fff) != 0) {
      return fail(Anomaly.IPV4_FRAGMENT); // MF set or a fragment offset
    }
    out.ipv6 = false;
    out.srcHi = 0;
    out.srcLo = IPV4_MAPPED | (u32(b, p + 12) & 0xffffffffL);
    out.dstHi = 0;
    out.dstLo = IPV4_MAPPED | (u32(b, p + 16) & 0xffffffffL);
    return ipPayload(
        b[p + 9] & 0xff, b, p + headerLen, end, totalLen - headerLen, innerCut, depth, out);
  }

  boolean ipv6(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    int avail = end - p;
    if (avail < IPV6_HEADER) {
      return fail(Anomaly.IPV6_INVALID);
    }
    if ((b[p] & 0xf0) != 0x60) {
      return fail(Anomaly.IPV6_INVALID);
    }
    int payloadLen = u16(b, p + 4);
    if (payloadLen == 0 && cut && depth == 0) {
      payloadLen = avail - IPV6_HEADER; // offload captures (BIG TCP) leave 0; no jumbograms
    }
    boolean innerCut;
    if (payloadLen <= avail - IPV6_HEADER) {
      end = p + IPV6_HEADER + payloadLen;
      innerCut = false;
    } else if (cut) {
      innerCut = true;
    } else {
      return fail(Anomaly.IPV6_INVALID);
    }
    out.ipv6 = true;
    out.srcHi = u64(b, p + 8);
    out.srcLo = u64(b, p + 16);
    out.dstHi = u64(b, p + 24);
    out.dstLo = u64(b, p + 32);
    int next = b[p + 6] & 0xff;
    int q = p + IPV6_HEADER;
    int wireLeft = payloadLen; // announced bytes from q on; >= end - q
    while (true) {
      int extLen;
      switch (next) {
        case PROTO_HOP_BY_HOP:
        case PROTO_ROUTING:
        case PROTO_DEST_OPTS:
        case PROTO_MOBILITY:
        case PROTO_HIP:
        case PROTO_SHIM6:
          if (end - q < 8) {
            return fail(Anomaly.IPV6_INVALID);
          }
          extLen = ((b[q + 1] & 0xff) + 1) << 3;
          break;
        case PROTO_AH:
          if (end - q < 8) {
            return fail(Anomaly.IPV6_INVALID);
          }
          extLen = ((b[q + 1] & 0xff) + 2) << 2;
          break;
        case PROTO_FRAGMENT:
          return fail(Anomaly.IPV6_FRAGMENT);
        case PROTO_ESP:
        case PROTO_NO_NEXT:
          return other();
        default:
          return ipPayload(next, b, q, end, wireLeft, innerCut, depth, out);
      }
      if (extLen > end - q) {
        return fail(Anomaly.IPV6_INVALID);
      }
      next = b[q] & 0xff;
      q += extLen;
      wireLeft -= extLen;
    }
  }

  /**
   * The payload of an IP header: TCP, or an encapsulation to open. {@code wireLen} is the length
   * the IP header announces for it (at least {@code end - p}).
   */
  private boolean ipPayload(
      int protocol, byte[] b, int p, int end, int wireLen, boolean cut, int depth,
      DecodedPacket out) {
    switch (protocol) {
      case PROTO_TCP:
        return tcp(b, p, end, wireLen, depth, out);
      case PROTO_IPIP:
        if (depth >= PacketDecoder.MAX_TUNNEL_DEPTH) {
          return fail(Anomaly.TUNNEL_TOO_DEEP);
        }
        return ipv4(b, p, end, cut, depth + 1, out);
      case PROTO_IPV6:
        if (depth >= PacketDecoder.MAX_TUNNEL_DEPTH) {
          return fail(Anomaly.TUNNEL_TOO_DEEP);
        }
        return ipv6(b, p, end, cut, depth + 1, out);
      case PROTO_GRE:
        return tunnels.gre(b, p, end, cut, depth, out);
      case PROTO_UDP:
        return tunnels.udp(b, p, end, cut, depth, out);
      default:
        return other();
    }
  }

  /** A TCP header; {@code wireLen >= end - p} (the IP layers guarantee it). */
  private boolean tcp(byte[] b, int p, int end, int wireLen, int depth, DecodedPacket out) {
    int avail = end - p;
    if (avail < TCP_MIN_HEADER) {
      return fail(Anomaly.TCP_INVALID);
    }
    int dataOffset = (b[p + 12] & 0xf0) >>> 2;
    if (dataOffset < TCP_MIN_HEADER || dataOffset > avail) {
      return fail(Anomaly.TCP_INVALID);
    }
    out.udp = false;
    out.srcPort = u16(b, p);
    out.dstPort = u16(b, p + 2);
    out.seq = u32(b, p + 4);
    out.ack = u32(b, p + 8);
    out.tcpFlags = b[p + 13] & 0xff;
    out.payload = b;
    out.payloadOff = p + dataOffset;
    out.payloadLen = avail - dataOffset;
    out.payloadWireLen = wireLen - dataOffset;
    out.tunnelDepth = depth;
    if (out.payloadWireLen > out.payloadLen) {
      counters.anomaly(Anomaly.TCP_PAYLOAD_TRUNCATED);
    }
    counters.tcpPackets++;
    return true;
  }

  private boolean fail(Anomaly a) {
    counters.anomaly(a);
    return false;
  }

  private boolean other() {
    counters.otherPackets++;
    return false;
  }
}
