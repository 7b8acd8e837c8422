package org.ja3sensor.decode;

import static org.ja3sensor.decode.Bytes.isSnap;
import static org.ja3sensor.decode.Bytes.u16;
import static org.ja3sensor.decode.Bytes.u24;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * Encapsulations used to carry mirrored traffic, for {@link PacketDecoder}: GRE (with ERSPAN
 * types I, II and III, transparent Ethernet bridging, IP, MPLS), and over UDP: VXLAN (port 4789),
 * GENEVE (6081) and the CAPWAP data channel (5247, with IEEE 802.11 data frames inside). Each
 * opened tunnel adds one to the depth; deeper than {@link PacketDecoder#MAX_TUNNEL_DEPTH} is
 * {@link Anomaly#TUNNEL_TOO_DEEP}. Regions and the {@code cut} flag are as described in {@link
 * PacketDecoder}. Not thread-safe; the buffer is the caller's.
 */
final class TunnelDecoder {
  static final int PORT_VXLAN = 4789;
  static final int PORT_GENEVE = 6081;
  static final int PORT_CAPWAP_DATA = 5247;

  static final int GRE_CHECKSUM = 0x8000;
  static final int GRE_ROUTING = 0x4000;
  static final int GRE_KEY = 0x2000;
  static final int GRE_SEQUENCE = 0x1000;
  static final int GRE_VERSION_MASK = 0x0007;

  static final int ETHERTYPE_TEB = 0x6558; // transparent Ethernet bridging
  static final int ETHERTYPE_ERSPAN_1_2 = 0x88be;
  static final int ETHERTYPE_ERSPAN_3 = 0x22eb;

  private static final int UDP_HEADER = 8;
  private static final int ERSPAN2_HEADER = 8;
  private static final int ERSPAN3_HEADER = 12;
  private static final int ERSPAN3_PLATFORM_SUBHEADER = 8;
  private static final int VXLAN_HEADER = 8;
  private static final int GENEVE_HEADER = 8;
  private static final int CAPWAP_MIN_HEADER = 8;
  private static final int WLAN_DATA_HEADER = 24;
  private static final int LLC_SNAP = 8;

  private final Counters counters;
  private final PacketDecoder link;
  private final IpDecoder ip;

  TunnelDecoder(Counters counters, PacketDecoder link, IpDecoder ip) {
    this.counters = counters;
    this.link = link;
    this.ip = ip;
  }

  /** A GRE header (RFC 2784/2890) at {@code p}; the tunnel is one layer, ERSPAN included. */
  boolean gre(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (depth >= PacketDecoder.MAX_TUNNEL_DEPTH) {
      return fail(Anomaly.TUNNEL_TOO_DEEP);
    }
    if (end - p < 4) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    int flags = u16(b, p);
    int protocol = u16(b, p + 2);
    if ((flags & GRE_VERSION_MASK) != 0) {
      return other(); // version 1 is PPTP's enhanced GRE carrying PPP: not a mirror tunnel
    }
    if ((flags & GRE_ROUTING) != 0) {
      return fail(Anomaly.TUNNEL_INVALID); // RFC 1701 source routing: not followed
    }
    int headerLen = 4;
    if ((flags & GRE_CHECKSUM) != 0) {
      headerLen += 4;
    }
    if ((flags & GRE_KEY) != 0) {
      headerLen += 4;
    }
    if ((flags & GRE_SEQUENCE) != 0) {
      headerLen += 4;
    }
    if (headerLen > end - p) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    int q = p + headerLen;
    int inner = depth + 1;
    switch (protocol) {
      case ETHERTYPE_TEB:
        return link.ethernet(b, q, end, cut, inner, out);
      case ETHERTYPE_ERSPAN_1_2:
        if ((flags & GRE_SEQUENCE) == 0) {
          return link.ethernet(b, q, end, cut, inner, out); // type I: no ERSPAN header
        }
        return erspan2(b, q, end, cut, inner, out);
      case ETHERTYPE_ERSPAN_3:
        return erspan3(b, q, end, cut, inner, out);
      default:
        return link.etherType(protocol, b, q, end, cut, inner, out);
    }
  }

  /** ERSPAN type II: 8-byte header whose version nibble is 1, then the mirrored Ethernet frame. */
  private boolean erspan2(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < ERSPAN2_HEADER || (b[p] & 0xf0) != 0x10) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    return link.ethernet(b, p + ERSPAN2_HEADER, end, cut, depth, out);
  }

  /**
   * ERSPAN type III: 12-byte header whose version nibble is 2, an 8-byte platform-specific
   * subheader when the O bit (last bit of byte 11) is set, then the mirrored frame: Ethernet for
   * frame type 0, an IP packet for frame type 2.
   */
  private boolean erspan3(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < ERSPAN3_HEADER || (b[p] & 0xf0) != 0x20) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    int headerLen = ERSPAN3_HEADER;
    if ((b[p + 11] & 0x01) != 0) {
      headerLen += ERSPAN3_PLATFORM_SUBHEADER;
      if (end - p < headerLen) {
        return fail(Anomaly.TUNNEL_INVALID);
      }
    }
    int frameType = (b[p + 10] >>> 2) & 0x1f;
    switch (frameType) {
      case 0:
        return link.ethernet(b, p + headerLen, end, cut, depth, out);
      case 2:
        return ip.byVersion(b, p + headerLen, end, cut, depth, out);
      default:
        return other();
    }
  }

  /** A UDP header at {@code p}: only the tunnel ports are opened, other UDP is not ours. */
  boolean udp(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < UDP_HEADER) {
      return other();
    }
    int srcPort = u16(b, p);
    int dstPort = u16(b, p + 2);
    boolean vxlan = dstPort == PORT_VXLAN;
    boolean geneve = dstPort == PORT_GENEVE;
    boolean capwap = dstPort == PORT_CAPWAP_DATA || srcPort == PORT_CAPWAP_DATA;
    if (!vxlan && !geneve && !capwap) {
      return plainUdp(b, p, end, depth, out);
    }
    if (depth >= PacketDecoder.MAX_TUNNEL_DEPTH) {
      return fail(Anomaly.TUNNEL_TOO_DEEP);
    }
    int udpLen = u16(b, p + 4);
    if (udpLen < UDP_HEADER) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    if (udpLen <= end - p) {
      end = p + udpLen;
      cut = false;
    } else if (!cut) {
      return fail(Anomaly.TUNNEL_INVALID); // longer than the IP payload that carries it
    }
    int q = p + UDP_HEADER;
    if (vxlan) {
      return vxlan(b, q, end, cut, depth + 1, out);
    }
    if (geneve) {
      return geneve(b, q, end, cut, depth + 1, out);
    }
    return capwap(b, q, end, cut, depth + 1, out);
  }

  /**
   * A UDP datagram that is no tunnel: QUIC (a long header of a known version, on any port) is
   * handed on with {@link DecodedPacket#udp} set; anything else is not ours.
   */
  private boolean plainUdp(byte[] b, int p, int end, int depth, DecodedPacket out) {
    int udpLen = u16(b, p + 4);
    int q = p + UDP_HEADER;
    if (udpLen >= UDP_HEADER && udpLen <= end - p) {
      end = p + udpLen;
    }
    if (!QuicSniff.isQuicLongHeader(b, q, end)) {
      return other();
    }
    out.udp = true;
    out.srcPort = u16(b, p);
    out.dstPort = u16(b, p + 2);
    out.seq = 0;
    out.ack = 0;
    out.tcpFlags = 0;
    out.payload = b;
    out.payloadOff = q;
    out.payloadLen = end - q;
    out.payloadWireLen = end - q; // a cut datagram simply fails its tag
    out.tunnelDepth = depth;
    counters.quicPackets++;
    return true;
  }

  /** VXLAN (RFC 7348): 8-byte header with the I flag (0x08) set, then Ethernet. */
  private boolean vxlan(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < VXLAN_HEADER || (b[p] & 0x08) == 0) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    return link.ethernet(b, p + VXLAN_HEADER, end, cut, depth, out);
  }

  /** GENEVE (RFC 8926): version 0, 8 bytes plus options, then the protocol type's payload. */
  private boolean geneve(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < GENEVE_HEADER || (b[p] & 0xc0) != 0) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    int headerLen = GENEVE_HEADER + ((b[p] & 0x3f) << 2);
    if (headerLen > end - p) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    int protocol = u16(b, p + 2);
    if (protocol == ETHERTYPE_TEB) {
      return link.ethernet(b, p + headerLen, end, cut, depth, out);
    }
    return link.etherType(protocol, b, p + headerLen, end, cut, depth, out);
  }

  /**
   * CAPWAP data channel (RFC 5415 section 4.3): preamble (version 0, type 0; type 1 is DTLS and
   * opaque), then HLEN (header length in 4-byte words, preamble included), RID, WBID and the T
   * flag: T=0 carries an 802.3 frame, T=1 with WBID 1 an IEEE 802.11 frame (RFC 5416).
   * Fragments and keep-alives are not ours.
   */
  private boolean capwap(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < CAPWAP_MIN_HEADER) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    int preamble = b[p] & 0xff;
    if (preamble == 0x01) {
      return other(); // DTLS-protected data channel
    }
    if (preamble != 0x00) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    int bits = u24(b, p + 1);
    int headerLen = ((bits >>> 19) & 0x1f) << 2;
    int wbid = (bits >>> 9) & 0x1f;
    boolean nativeFrame = (bits & 0x100) != 0; // T
    boolean fragment = (bits & 0x80) != 0; // F
    boolean keepAlive = (bits & 0x08) != 0; // K
    if (headerLen < CAPWAP_MIN_HEADER || headerLen > end - p) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    if (fragment || keepAlive) {
      return other();
    }
    int q = p + headerLen;
    if (!nativeFrame) {
      return link.ethernet(b, q, end, cut, depth, out);
    }
    if (wbid == 1) {
      return wlanData(b, q, end, cut, depth, out);
    }
    return other();
  }

  /**
   * An IEEE 802.11 data frame carrying LLC/SNAP. Cisco access points send the frame control
   * field with its two bytes swapped (Wireshark's "Swap Frame Control" preference for CAPWAP), so
   * both orders are tried and the one followed by an LLC/SNAP header at the computed offset
   * wins. Management, control, null-data, protected and A-MSDU frames are not ours.
   */
  private boolean wlanData(byte[] b, int p, int end, boolean cut, int depth, DecodedPacket out) {
    if (end - p < WLAN_DATA_HEADER) {
      return fail(Anomaly.TUNNEL_INVALID);
    }
    for (int swapped = 0; swapped <= 1; swapped++) {
      int typeByte = b[p + swapped] & 0xff;
      int flags = b[p + 1 - swapped] & 0xff;
      if ((typeByte & 0x0f) != 0x08 || (flags & 0x40) != 0) {
        continue; // not protocol version 0 / type data, or protected
      }
      int headerLen = WLAN_DATA_HEADER;
      if ((flags & 0x03) == 0x03) {
        headerLen += 6; // to-DS and from-DS: fourth address
      }
      if ((typeByte & 0x80) != 0) {
        headerLen += 2; // QoS subtypes: QoS control
        if ((flags & 0x80) != 0) {
          headerLen += 4; // +HTC/order: HT control
        }
      }
      int llc = p + headerLen;
      if (end - llc >= LLC_SNAP && isSnap(b, llc)) {
        return link.etherType(u16(b, llc + 6), b, llc + LLC_SNAP, end, cut, depth, out);
      }
    }
    return other();
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
