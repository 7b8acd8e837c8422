package org.ja3sensor.quic;

/**
 * The QUIC versions whose Initial packets the sensor can decrypt, with their Initial salts and
 * label sets, and the mapping of long-header packet type bits per version. Sources: RFC 9001
 * section 5.2 (v1), RFC 9369 section 3.3 (v2: its own salt, "quicv2 " labels and rotated packet
 * types), the draft-ietf-quic-tls documents (drafts 22 to 34) and Facebook's mvfst (0xfaceb001,
 * 0xfaceb002), as tabled in Wireshark's and Suricata's QUIC dissectors, and Google's T050 and T051
 * (TLS over gQUIC framing, salts from nDPI and Wireshark). gQUIC Q050 is left out: it carries
 * Google's QUIC crypto handshake, no TLS hello. Pure static functions; no state.
 */
public final class QuicVersions {
  /** QUIC version 1 (RFC 9000). */
  public static final int V1 = 0x00000001;
  /** QUIC version 2 (RFC 9369). */
  public static final int V2 = 0x6b3343cf;

  /** Packet types, normalised to v1's numbering (RFC 9000 section 17.2). */
  public static final int TYPE_INITIAL = 0;
  public static final int TYPE_0RTT = 1;
  public static final int TYPE_HANDSHAKE = 2;
  public static final int TYPE_RETRY = 3;

  private static final byte[] SALT_V1 = hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
  private static final byte[] SALT_V2 = hex("0dede3def700a6db819381be6e269dcbf9bd2ed9");
  private static final byte[] SALT_DRAFT29 = hex("afbfec289993d24c9e9786f19c6111e04390a899");
  private static final byte[] SALT_DRAFT23 = hex("c3eef712c72ebb5a11a7d2432bb46365bef9f502");
  private static final byte[] SALT_DRAFT22 = hex("7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a");
  /** Google QUIC with TLS, T050 and T051 (salts as nDPI and Wireshark table them). */
  private static final byte[] SALT_T050 = hex("7ff579e5acd072915580304c43a2367c60488310");
  private static final byte[] SALT_T051 = hex("7a4edef4e7ccee5fa4506c19124fc8ccda6e033d");

  /** Google QUIC T050 and T051: IETF long headers and TLS, but gQUIC frame types. */
  public static final int T050 = 0x54303530;
  public static final int T051 = 0x54303531;

  private QuicVersions() {}

  /**
   * The Initial salt of {@code version}, or null when the version is not one the sensor knows
   * (the caller must not change the returned array).
   */
  static byte[] salt(int version) {
    if (version == V1) {
      return SALT_V1;
    }
    if (version == V2) {
      return SALT_V2;
    }
    if ((version & 0xffffff00) == 0xff000000) {
      int draft = version & 0xff;
      if (draft == 33 || draft == 34) {
        return SALT_V1; // drafts 33 and 34 already use the RFC salt
      }
      if (draft >= 29 && draft <= 32) {
        return SALT_DRAFT29;
      }
      if (draft >= 23 && draft <= 28) {
        return SALT_DRAFT23;
      }
      if (draft == 22) {
        return SALT_DRAFT22;
      }
      return null;
    }
    switch (version) {
      case 0xfaceb001:
        return SALT_DRAFT22;
      case 0xfaceb002:
        return SALT_DRAFT23;
      case T050:
        return SALT_T050;
      case T051:
        return SALT_T051;
      default:
        return null;
    }
  }

  /** True when Initial packets of {@code version} can be decrypted. */
  public static boolean isKnown(int version) {
    return salt(version) != null;
  }

  /** True for Google's T05x: CRYPTO data travels in gQUIC frames (type 0x08). */
  static boolean isGoogle(int version) {
    return version == T050 || version == T051;
  }

  /** True for QUIC v2: "quicv2 " labels and rotated packet types. */
  static boolean isV2(int version) {
    return version == V2;
  }

  /**
   * The packet type of a long header's first byte, normalised to v1's numbering ({@link
   * #TYPE_INITIAL} ...). RFC 9369 section 3.2: in v2, 0b01 is Initial, 0b10 0-RTT, 0b11
   * Handshake and 0b00 Retry.
   */
  public static int packetType(int version, int firstByte) {
    int bits = (firstByte >>> 4) & 3;
    return isV2(version) ? (bits + 3) & 3 : bits;
  }

  /** The version as written to events: 8 lower-case hex digits, "0x" first (e.g. 0x00000001). */
  public static String hexString(int version) {
    String h = Integer.toHexString(version);
    return "0x" + "00000000".substring(h.length()) + h;
  }

  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
