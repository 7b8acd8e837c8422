package org.ja3sensor.decode;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Builds test frames inside out from the field values the RFCs define (lengths computed here, so
 * each builder's output is a well-formed header unless a test breaks it on purpose). Written for
 * the tests from the protocol specifications, independent of the decoder's code.
 */
final class Frames {
  private Frames() {}

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static byte[] u16(int v) {
    return bytes(v >>> 8, v);
  }

  static byte[] u32(int v) {
    return bytes(v >>> 24, v >>> 16, v >>> 8, v);
  }

  static byte[] zeros(int n) {
    return new byte[n];
  }

  static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  static byte[] hex(String s) {
    String h = s.replaceAll("\\s+", "");
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  static byte[] addr(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress(); // literals only: no name lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** Upper half of the decoder's 128-bit address layout, computed from the JDK's parse. */
  static long hi(String literal) {
    byte[] a = addr(literal);
    return a.length == 4 ? 0 : java.nio.ByteBuffer.wrap(a).getLong(0);
  }

  /** Lower half: IPv4 as {@code ::ffff:a.b.c.d}. */
  static long lo(String literal) {
    byte[] a = addr(literal);
    if (a.length == 4) {
      return 0x0000ffff_00000000L | (java.nio.ByteBuffer.wrap(a).getInt(0) & 0xffffffffL);
    }
    return java.nio.ByteBuffer.wrap(a).getLong(8);
  }

  // ---- transport ----

  static byte[] tcp(int sport, int dport, int seq, int ack, int flags, byte[] payload) {
    return tcp(sport, dport, seq, ack, flags, new byte[0], payload);
  }

  /** TCP header (options padded by the caller to a multiple of 4) and payload. */
  static byte[] tcp(int sport, int dport, int seq, int ack, int flags, byte[] options,
      byte[] payload) {
    int words = 5 + options.length / 4;
    return cat(u16(sport), u16(dport), u32(seq), u32(ack), bytes(words << 4, flags),
        u16(65535), u16(0), u16(0), options, payload);
  }

  static byte[] udp(int sport, int dport, byte[] payload) {
    return cat(u16(sport), u16(dport), u16(8 + payload.length), u16(0), payload);
  }

  // ---- network ----

  static byte[] ipv4(String src, String dst, int proto, byte[] payload) {
    return ipv4(src, dst, proto, new byte[0], payload);
  }

  static byte[] ipv4(String src, String dst, int proto, byte[] options, byte[] payload) {
    int headerLen = 20 + options.length;
    return cat(bytes(0x40 | headerLen / 4, 0), u16(headerLen + payload.length), u16(0x1234),
        u16(0x4000) /* DF */, bytes(64, proto), u16(0), addr(src), addr(dst), options, payload);
  }

  static byte[] ipv6(String src, String dst, int next, byte[] payload) {
    return cat(bytes(0x60, 0, 0, 0), u16(payload.length), bytes(next, 64), addr(src), addr(dst),
        payload);
  }

  /** A generic IPv6 extension header of {@code 8 * (units + 1)} bytes. */
  static byte[] ext6(int next, int units) {
    byte[] h = new byte[8 * (units + 1)];
    h[0] = (byte) next;
    h[1] = (byte) units;
    return h;
  }

  /** An IPv6 authentication header with a 12-byte ICV: 24 bytes, payload length 4. */
  static byte[] ah(int next) {
    byte[] h = new byte[24];
    h[0] = (byte) next;
    h[1] = 4; // length in 4-byte units minus 2
    return h;
  }

  // ---- link ----

  static final byte[] MAC_A = bytes(0x02, 0, 0, 0, 0, 0x0a);
  static final byte[] MAC_B = bytes(0x02, 0, 0, 0, 0, 0x0b);

  static byte[] eth(int type, byte[] payload) {
    return cat(MAC_B, MAC_A, u16(type), payload);
  }

  /** A VLAN tag as it follows its TPID: TCI, then the next EtherType. */
  static byte[] tag(int tci, int nextType) {
    return cat(u16(tci), u16(nextType));
  }

  static byte[] mplsLabel(int label, boolean bottom) {
    return u32((label << 12) | (bottom ? 0x100 : 0) | 64);
  }

  static byte[] sll(int protocol, byte[] payload) {
    return cat(u16(0), u16(1), u16(6), MAC_A, u16(0), u16(protocol), payload);
  }

  static byte[] sll2(int protocol, byte[] payload) {
    return cat(u16(protocol), u16(0), u32(3), u16(1), bytes(4, 6), MAC_A, u16(0), payload);
  }

  // ---- tunnels ----

  /** GRE with optional checksum, key and sequence fields (values arbitrary but fixed). */
  static byte[] gre(boolean checksum, boolean key, boolean seq, int protocol, byte[] payload) {
    int flags = (checksum ? 0x8000 : 0) | (key ? 0x2000 : 0) | (seq ? 0x1000 : 0);
    return cat(u16(flags), u16(protocol), checksum ? u32(0xabcd0000) : new byte[0],
        key ? u32(0x01020304) : new byte[0], seq ? u32(77) : new byte[0], payload);
  }

  /** ERSPAN type II header: version 1, VLAN 10, session 5, index 7. */
  static byte[] erspan2(byte[] frame) {
    return cat(u16(0x1000 | 10), u16(5), u32(7), frame);
  }

  /** ERSPAN type III header, frame type 0 (Ethernet) or 2 (IP), with/without the subheader. */
  static byte[] erspan3(boolean platformSubheader, int frameType, byte[] frame) {
    byte[] h = cat(u16(0x2000 | 10), u16(5), u32(0x11223344), u16(0),
        bytes(frameType << 2, platformSubheader ? 0x01 : 0x00));
    byte[] platform = platformSubheader ? cat(u32(0x0c000000), u32(0x55667788)) : new byte[0];
    return cat(h, platform, frame);
  }

  static byte[] vxlan(int vni, byte[] frame) {
    return cat(bytes(0x08, 0, 0, 0), u32(vni << 8), frame);
  }

  static byte[] geneve(int protocol, byte[] options, byte[] payload) {
    return cat(bytes(options.length / 4, 0), u16(protocol), u32(42 << 8), options, payload);
  }

  /**
   * CAPWAP data header: preamble 0, HLEN covering the 8 fixed bytes plus {@code wireless}
   * (already padded to 4), WBID 1, T flag as given, W flag when wireless info is present.
   */
  static byte[] capwap(boolean nativeWlan, byte[] wireless, byte[] frame) {
    int hlen = (8 + wireless.length) / 4;
    int bits = (hlen << 19) | (1 << 9) | (nativeWlan ? 0x100 : 0) | (wireless.length > 0 ? 0x20 : 0);
    return cat(bytes(0, bits >>> 16, bits >>> 8, bits), u32(0), wireless, frame);
  }

  /**
   * An IEEE 802.11 data frame: frame control (type data, given subtype and flags; written
   * swapped when {@code swapped}), duration, three or four addresses, sequence control, QoS
   * control for QoS subtypes, then LLC/SNAP with the EtherType.
   */
  static byte[] wlanData(int subtype, int flags, boolean swapped, int etherType, byte[] payload) {
    int typeByte = (subtype << 4) | 0x08;
    byte[] fc = swapped ? bytes(flags, typeByte) : bytes(typeByte, flags);
    boolean fourAddr = (flags & 0x03) == 0x03;
    boolean qos = (subtype & 0x08) != 0;
    return cat(fc, u16(44), MAC_A, MAC_B, MAC_A, fourAddr ? MAC_B : new byte[0], u16(0x1230),
        qos ? u16(0) : new byte[0], bytes(0xaa, 0xaa, 0x03, 0, 0, 0), u16(etherType), payload);
  }
}
