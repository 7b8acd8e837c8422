package org.ja3sensor.db;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address or CIDR block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}). Parses
 * literals itself: never resolves names.
 */
public final class IpRange {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private IpRange(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * Parses an address or CIDR block.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static IpRange parse(String s) {
    String v = s.trim();
    int slash = v.indexOf('/');
    String addr = slash < 0 ? v : v.substring(0, slash);
    byte[] a = parseAddress(addr);
    if (a == null) {
      throw new IllegalArgumentException(
          "address \"" + s + "\": expected an IPv4 or IPv6 address or CIDR block");
    }
    int prefix = a.length * 8;
    if (slash >= 0) {
      String p = v.substring(slash + 1);
      try {
        prefix = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > a.length * 8) {
        throw new IllegalArgumentException(
            "address \"" + s + "\": prefix length \"" + p + "\", expected 0 to " + a.length * 8);
      }
    }
    byte[] net = Arrays.copyOf(a, a.length);
    mask(net, prefix);
    return new IpRange(net, prefix, v);
  }

  private static void mask(byte[] b, int prefix) {
    for (int i = 0; i < b.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      b[i] &= (byte) (0xff << (8 - bits));
    }
  }

  /** Whether an address literal lies in this range; false for anything unparsable. */
  public boolean contains(String address) {
    if (address == null) {
      return false;
    }
    byte[] a = parseAddress(address);
    return a != null && contains(a);
  }

  /** Whether the 4 or 16 bytes of an address lie in this range (the array is not changed). */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    byte[] a = Arrays.copyOf(address, address.length);
    mask(a, prefix);
    return Arrays.equals(a, network);
  }

  /** The 4 or 16 bytes of an IPv4 or IPv6 literal, or null. */
  public static byte[] parseAddress(String s) {
    if (s == null || s.isEmpty() || s.length() > 45) {
      return null;
    }
    return s.indexOf(':') >= 0 ? parseV6(s) : parseV4(s);
  }

  private static byte[] parseV4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (value > 255) {
          return null;
        }
      } else if (c == '.') {
        if (value < 0 || part == 4) {
          return null;
        }
        out[part++] = (byte) value;
        value = -1;
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }

  private static byte[] parseV6(String s) {
    int pct = s.indexOf('%'); // zone id
    if (pct >= 0) {
      s = s.substring(0, pct);
    }
    int dc = s.indexOf("::");
    if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
      return null;
    }
    String[] head = dc < 0 ? split(s) : split(s.substring(0, dc));
    String[] tail = dc < 0 ? new String[0] : split(s.substring(dc + 2));
    byte[] out = new byte[16];
    byte[] headBytes = groups(head, dc < 0);
    byte[] tailBytes = groups(tail, true);
    if (headBytes == null || tailBytes == null) {
      return null;
    }
    if (dc < 0) {
      return headBytes.length == 16 ? headBytes : null;
    }
    if (headBytes.length + tailBytes.length > 14) {
      return null;
    }
    System.arraycopy(headBytes, 0, out, 0, headBytes.length);
    System.arraycopy(tailBytes, 0, out, 16 - tailBytes.length, tailBytes.length);
    return out;
  }

  private static String[] split(String s) {
    return s.isEmpty() ? new String[0] : s.split(":", -1);
  }

  /** Bytes of hex groups; the last may be a dotted IPv4 address when {@code v4Allowed}. */
  private static byte[] groups(String[] g, boolean v4Allowed) {
    int n = g.length;
    boolean v4 = n > 0 && g[n - 1].indexOf('.') >= 0;
    byte[] out = new byte[(v4 ? n - 1 : n) * 2 + (v4 ? 4 : 0)];
    for (int i = 0; i < n; i++) {
      if (i == n - 1 && v4) {
        if (!v4Allowed) {
          return null;
        }
        byte[] b = parseV4(g[i]);
        if (b == null) {
          return null;
        }
        System.arraycopy(b, 0, out, i * 2, 4);
        continue;
      }
      String h = g[i];
      if (h.isEmpty() || h.length() > 4) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < h.length(); k++) {
        int d = Character.digit(h.charAt(k), 16);
        if (d < 0) {
          return null;
        }
        v = v * 16 + d;
      }
      out[i * 2] = (byte) (v >> 8);
      out[i * 2 + 1] = (byte) v;
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
