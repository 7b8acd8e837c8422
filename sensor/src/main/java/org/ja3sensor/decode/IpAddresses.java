package org.ja3sensor.decode;

/**
 * Text and byte forms of the addresses held in {@link DecodedPacket} as two longs (the big-endian
 * halves of a 16-byte IPv6 address; IPv4 stored IPv4-mapped, {@code ::ffff:a.b.c.d}). These
 * allocate: meant for events and logs, not for the per-packet path.
 */
public final class IpAddresses {
  private static final long MAPPED_PREFIX = 0x0000ffffL;

  private IpAddresses() {}

  /** True when the address is IPv4-mapped ({@code ::ffff:0:0/96}), i.e. holds an IPv4 address. */
  public static boolean isIpv4Mapped(long hi, long lo) {
    return hi == 0 && (lo >>> 32) == MAPPED_PREFIX;
  }

  /** The IPv4-mapped form of a 32-bit IPv4 address: the {@code lo} half ({@code hi} is 0). */
  public static long mapIpv4(int ipv4) {
    return (MAPPED_PREFIX << 32) | (ipv4 & 0xffffffffL);
  }

  /**
   * Dotted quad for an IPv4-mapped address, otherwise the RFC 5952 text form of the IPv6 address
   * (lower-case hex, no leading zeros, the longest run of two or more zero groups, the first one
   * on a tie, written as {@code ::}).
   */
  public static String format(long hi, long lo) {
    if (isIpv4Mapped(hi, lo)) {
      return formatIpv4((int) lo);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
      groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
    }
    int bestStart = -1;
    int bestLen = 1; // a single zero group is never shortened
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  /**
   * As {@link #format(long, long)}, for an address taken from a packet of the given IP version: an
   * IPv4-mapped address in an IPv6 packet is written {@code ::ffff:a.b.c.d} (RFC 5952 section 5),
   * as Wireshark writes it, not as the IPv4 address of an IPv4 packet.
   */
  public static String format(long hi, long lo, boolean fromIpv6Packet) {
    if (fromIpv6Packet && isIpv4Mapped(hi, lo)) {
      return "::ffff:" + formatIpv4((int) lo);
    }
    return format(hi, lo);
  }

  /** Dotted quad of a 32-bit IPv4 address (big-endian int). */
  public static String formatIpv4(int ipv4) {
    return ((ipv4 >>> 24) & 0xff)
        + "."
        + ((ipv4 >>> 16) & 0xff)
        + "."
        + ((ipv4 >>> 8) & 0xff)
        + "."
        + (ipv4 & 0xff);
  }

  /**
   * Network-order bytes: 4 bytes (the low 32 bits of {@code lo}) when {@code ipv4}, else the 16
   * bytes of the IPv6 address.
   */
  public static byte[] toBytes(long hi, long lo, boolean ipv4) {
    byte[] a = new byte[ipv4 ? 4 : 16];
    toBytes(hi, lo, ipv4, a);
    return a;
  }

  /** As {@link #toBytes(long, long, boolean)}, into {@code to[0, 4 or 16)}; returns how many. */
  public static int toBytes(long hi, long lo, boolean ipv4, byte[] to) {
    if (ipv4) {
      for (int i = 0; i < 4; i++) {
        to[i] = (byte) (lo >>> (24 - 8 * i));
      }
      return 4;
    }
    for (int i = 0; i < 8; i++) {
      to[i] = (byte) (hi >>> (56 - 8 * i));
      to[i + 8] = (byte) (lo >>> (56 - 8 * i));
    }
    return 16;
  }
}
