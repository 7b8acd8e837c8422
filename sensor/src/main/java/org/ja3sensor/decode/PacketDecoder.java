package org.ja3sensor.decode;

import static org.ja3sensor.decode.Bytes.isSnap;
import static org.ja3sensor.decode.Bytes.u16;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * Link, network and transport decode: from a raw frame to the innermost TCP segment. Every read
 * is bounds-checked against the captured length; malformed headers are counted as anomalies and
 * the frame is skipped. No allocation per packet.
 *
 * <p>This class handles the link layers (Ethernet with VLAN tags, MPLS, PPPoE, LLC/SNAP, Linux
 * cooked, BSD loopback, PPP, raw IP); {@link IpDecoder} handles IPv4, IPv6 and TCP and {@link
 * TunnelDecoder} the encapsulations (GRE, ERSPAN, VXLAN, GENEVE, CAPWAP). The three call each
 * other; recursion is bounded by {@link #MAX_TUNNEL_DEPTH}.
 *
 * <p>Every internal method takes a region {@code [p, end)} of the frame buffer and a flag {@code
 * cut}: true when the region's end may be the capture's snap length rather than the end the
 * protocol headers announce (true at the link layer; an IP or UDP header whose announced length
 * fits the captured bytes clears it for its payload). An inner length field that overruns a
 * region which is not cut is a lie and counted as invalid, not as truncation.
 *
 * <p>Counting: each call of {@link #decode} counts exactly one of {@link Counters#tcpPackets}
 * (returned true), {@link Counters#otherPackets} (not TCP over IP), {@link Counters#ipFragments}
 * (an IP fragment kept for reassembly) or one anomaly (malformed); a fragment that completes its
 * datagram counts {@link Counters#ipFragments} and then the datagram's own outcome. A TCP segment
 * whose payload was cut by the snap length additionally counts {@link
 * Anomaly#TCP_PAYLOAD_TRUNCATED}; the fragment table's timeouts and evictions count their
 * anomalies when they happen. {@link Counters#packets} and {@link Counters#bytes} are the
 * caller's.
 *
 * <p>Not thread-safe: one decoder per pipeline thread (fragments of a datagram must all reach the
 * same decoder). The buffer is the caller's; {@code out} keeps a reference to it ({@link
 * DecodedPacket#payload}), or to the reassembled datagram's buffer, valid only while the caller's
 * frame is.
 */
public final class PacketDecoder {
  /** Tunnel layers followed before {@link Anomaly#TUNNEL_TOO_DEEP}. */
  public static final int MAX_TUNNEL_DEPTH = 4;
  /** VLAN tags followed before {@link Anomaly#LINK_TOO_MANY_LABELS}. */
  public static final int MAX_VLAN_TAGS = 8;
  /** MPLS labels followed before {@link Anomaly#LINK_TOO_MANY_LABELS}. */
  public static final int MAX_MPLS_LABELS = 16;

  static final int ETHERTYPE_IPV4 = 0x0800;
  static final int ETHERTYPE_IPV6 = 0x86dd;
  static final int ETHERTYPE_VLAN = 0x8100;
  static final int ETHERTYPE_QINQ = 0x88a8;
  static final int ETHERTYPE_QINQ_OLD1 = 0x9100;
  static final int ETHERTYPE_QINQ_OLD2 = 0x9200;
  static final int ETHERTYPE_MPLS = 0x8847;
  static final int ETHERTYPE_MPLS_MCAST = 0x8848;
  static final int ETHERTYPE_PPPOE_SESSION = 0x8864;
  static final int PPP_IPV4 = 0x0021;
  static final int PPP_IPV6 = 0x0057;

  private static final int ETHERNET_HEADER = 14;
  private static final int SLL_HEADER = 16;
  private static final int SLL2_HEADER = 20;

  private final Counters counters;
  private final IpDecoder ip;
  private final IpDefragmenter defrag;

  /** A decoder reassembling IP fragments within {@link IpDefragmenter.Limits#DEFAULT}. */
  public PacketDecoder(Counters counters) {
    this(counters, IpDefragmenter.Limits.DEFAULT);
  }

  public PacketDecoder(Counters counters, IpDefragmenter.Limits fragmentLimits) {
    this.counters = counters;
    this.defrag = new IpDefragmenter(counters, fragmentLimits);
    this.ip = new IpDecoder(counters, defrag);
    TunnelDecoder tunnels = new TunnelDecoder(counters, this, ip);
    ip.setTunnels(tunnels);
  }

  /** The fragment table (pending datagrams, bytes held). */
  public IpDefragmenter defragmenter() {
    return defrag;
  }

  /**
   * Decodes one frame captured at {@code tsNanos} (the clock of fragment timeouts).
   *
   * @return true when {@code out} now describes a TCP segment; false when the frame is not TCP
   *     over IP (counted in {@link Counters#otherPackets}) or is malformed (counted as an anomaly).
   *     When false, the fields of {@code out} are unspecified.
   */
  public boolean decode(
      int linkType, long tsNanos, byte[] buf, int off, int len, DecodedPacket out) {
    ip.now = tsNanos;
    out.payload = buf;
    out.tunnelDepth = 0;
    if (buf == null || off < 0 || len <= 0 || off > buf.length - len) {
      return fail(Anomaly.LINK_TRUNCATED);
    }
    int end = off + len;
    switch (linkType) {
      case LinkType.ETHERNET:
        return ethernet(buf, off, end, true, 0, out);
      case LinkType.RAW:
      case LinkType.RAW_ALT_12:
      case LinkType.RAW_ALT_14:
        return ip.byVersion(buf, off, end, true, 0, out);
      case LinkType.IPV4:
        return ip.ipv4(buf, off, end, true, 0, out);
      case LinkType.IPV6:
        return ip.ipv6(buf, off, end, true, 0, out);
      case LinkType.NULL:
      case LinkType.LOOP:
        return loopback(buf, off, end, out);
      case LinkType.PPP:
        return ppp(buf, off, end, out);
      case LinkType.LINUX_SLL:
        if (len < SLL_HEADER) {
          return fail(Anomaly.LINK_TRUNCATED);
        }
        return etherType(u16(buf, off + 14), buf, off + SLL_HEADER, end, true, 0, out);
      case LinkType.LINUX_SLL2:
        if (len < SLL2_HEADER) {
          return fail(Anomaly.LINK_TRUNCATED);
        }
        return etherType(u16(buf, off), buf, off + SLL2_HEADER, end, true, 0, out);
      default:
        return fail(Anomaly.LINKTYPE_UNSUPPORTED);
    }
  }

  /** An Ethernet II (or 802.3 with LLC/SNAP) frame starting at {@code p}. */
  boolean ethernet(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < ETHERNET_HEADER) {
      return fail(Anomaly.LINK_TRUNCATED);
    }
    int type = u16(b, p + 12);
    int q = p + ETHERNET_HEADER;
    if (type <= 1500) {
      // 802.3 length field: only an LLC/SNAP header can name an EtherType.
      if (end - q < 8 || !isSnap(b, q)) {
        return other();
      }
      type = u16(b, q + 6);
      q += 8;
    }
    return etherType(type, b, q, end, cut, depth, out);
  }

  /** The payload of a link header that named EtherType {@code type}: VLAN tags first. */
  boolean etherType(int type, byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    int tags = 0;
    while (type == ETHERTYPE_VLAN
        || type == ETHERTYPE_QINQ
        || type == ETHERTYPE_QINQ_OLD1
        || type == ETHERTYPE_QINQ_OLD2) {
      if (++tags > MAX_VLAN_TAGS) {
        return fail(Anomaly.LINK_TOO_MANY_LABELS);
      }
      if (end - p < 4) {
        return fail(Anomaly.LINK_TRUNCATED);
      }
      type = u16(b, p + 2);
      p += 4;
    }
    switch (type) {
      case ETHERTYPE_IPV4:
        return ip.ipv4(b, p, end, cut, depth, out);
      case ETHERTYPE_IPV6:
        return ip.ipv6(b, p, end, cut, depth, out);
      case ETHERTYPE_MPLS:
      case ETHERTYPE_MPLS_MCAST:
        return mpls(b, p, end, cut, depth, out);
      case ETHERTYPE_PPPOE_SESSION:
        return pppoe(b, p, end, cut, depth, out);
      default:
        return other();
    }
  }

  /**
   * An MPLS label stack: labels are popped up to bottom-of-stack, then the first nibble tells
   * IPv4 (4), IPv6 (6) or a pseudowire control word (0, RFC 4385) followed by Ethernet; the
   * latter counts as one tunnel layer.
   */
  private boolean mpls(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    int labels = 0;
    boolean bottom = false;
    while (!bottom) {
      if (++labels > MAX_MPLS_LABELS) {
        return fail(Anomaly.LINK_TOO_MANY_LABELS);
      }
      if (end - p < 4) {
        return fail(Anomaly.LINK_TRUNCATED);
      }
      bottom = (b[p + 2] & 0x01) != 0;
      p += 4;
    }
    if (end - p < 1) {
      return fail(Anomaly.LINK_TRUNCATED);
    }
    switch ((b[p] >>> 4) & 0x0f) {
      case 4:
        return ip.ipv4(b, p, end, cut, depth, out);
      case 6:
        return ip.ipv6(b, p, end, cut, depth, out);
      case 0:
        if (depth >= MAX_TUNNEL_DEPTH) {
          return fail(Anomaly.TUNNEL_TOO_DEEP);
        }
        if (end - p < 4) {
          return fail(Anomaly.LINK_TRUNCATED);
        }
        return ethernet(b, p + 4, end, cut, depth + 1, out);
      default:
        return other();
    }
  }

  /** PPPoE session stage (RFC 2516): 6-byte header, then a PPP protocol number. */
  private boolean pppoe(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < 8) {
      return fail(Anomaly.LINK_TRUNCATED);
    }
    if (b[p] != 0x11 || b[p + 1] != 0) {
      return other(); // not version 1 / type 1 session data
    }
    int pppLen = u16(b, p + 4);
    if (pppLen < 2) {
      return fail(Anomaly.LINK_TRUNCATED);
    }
    if (pppLen <= end - p - 6) {
      end = p + 6 + pppLen;
    }
    return pppProtocol(u16(b, p + 6), b, p + 8, end, cut, depth, out);
  }

  /** LINKTYPE_PPP: optional FF 03 address/control, then a 1- or 2-byte protocol number. */
  private boolean ppp(byte[] b, int p, int end, DecodedPacket out) {
    if (end - p >= 2 && b[p] == (byte) 0xff && b[p + 1] == 0x03) {
      p += 2;
    }
    if (end - p < 1) {
      return fail(Anomaly.LINK_TRUNCATED);
    }
    int protocol;
    if ((b[p] & 0x01) != 0) {
      protocol = b[p] & 0xff; // protocol field compression (RFC 1661 section 6.5)
      p += 1;
    } else {
      if (end - p < 2) {
        return fail(Anomaly.LINK_TRUNCATED);
      }
      protocol = u16(b, p);
      p += 2;
    }
    return pppProtocol(protocol, b, p, end, true, 0, out);
  }

  private boolean pppProtocol(
      int protocol, byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    switch (protocol) {
      case PPP_IPV4:
        return ip.ipv4(b, p, end, cut, depth, out);
      case PPP_IPV6:
        return ip.ipv6(b, p, end, cut, depth, out);
      default:
        return other();
    }
  }

  /**
   * LINKTYPE_NULL and LINKTYPE_LOOP: a 4-byte address family, in the writer's byte order for
   * NULL and network order for LOOP; both orders are accepted for both. 2 is IPv4; 24, 28 and 30
   * are IPv6 on NetBSD/OpenBSD, FreeBSD and macOS.
   */
  private boolean loopback(byte[] b, int p, int end, DecodedPacket out) {
    if (end - p < 4) {
      return fail(Anomaly.LINK_TRUNCATED);
    }
    int family = (b[p] == 0 && b[p + 1] == 0)
        ? u16(b, p + 2) // big-endian, value in the low bytes
        : (b[p] & 0xff) | ((b[p + 1] & 0xff) << 8); // little-endian
    switch (family) {
      case 2:
        return ip.ipv4(b, p + 4, end, true, 0, out);
      case 24:
      case 28:
      case 30:
        return ip.ipv6(b, p + 4, end, true, 0, out);
      default:
        return other();
    }
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
