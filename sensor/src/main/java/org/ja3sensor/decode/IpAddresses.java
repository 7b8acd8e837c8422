package org.ja3sensor.decode;

/** Formatting of addresses held as two longs (see {@link DecodedPacket}). */
public final class IpAddresses {
  private IpAddresses() {}

  /** True for an IPv4-mapped address (::ffff:a.b.c.d). */
  public static boolean isV4Mapped(long hi, long lo) {
    return hi == 0 && (lo >>> 32) == 0xffffL;
  }

  /** Dotted IPv4 for mapped addresses, RFC 5952 compressed IPv6 otherwise. */
  public static String format(long hi, long lo) {
    if (isV4Mapped(hi, lo)) {
      return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "."
          + (lo & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xffff);
      g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xffff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] == 0) {
        int j = i;
        while (j < 8 && g[j] == 0) {
          j++;
        }
        if (j - i > bestLen && j - i >= 2) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
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
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  /** The address as 4 bytes (IPv4) or 16 bytes. */
  public static byte[] toBytes(long hi, long lo, boolean ipv4) {
    if (ipv4) {
      return new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
    }
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[i + 8] = (byte) (lo >>> (56 - 8 * i));
    }
    return b;
  }
}
