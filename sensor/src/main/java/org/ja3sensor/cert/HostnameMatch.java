package org.ja3sensor.cert;

import java.util.List;
import java.util.Locale;

/**
 * Whether a certificate name covers a host name, after RFC 6125 section 6.4: case-insensitive
 * comparison of A-labels, one trailing dot ignored; a wildcard only as the whole left-most label
 * ({@code *.example.com}), matching exactly one label (not {@code example.com}, not {@code
 * a.b.example.com}), and only with at least two labels after it ({@code *.com} covers nothing).
 * Partial-label wildcards ({@code f*.example.com}), which RFC 6125 lets a client refuse and the
 * CA/Browser Forum forbids, cover nothing. IP addresses are matched against iPAddress names only.
 */
public final class HostnameMatch {
  private HostnameMatch() {}

  /** Whether {@code pattern} (a DNS name from a certificate) covers {@code host}. */
  public static boolean matches(String host, String pattern) {
    String h = normalize(host);
    String p = normalize(pattern);
    if (h.isEmpty() || p.isEmpty()) {
      return false;
    }
    if (!p.startsWith("*.")) {
      return p.indexOf('*') < 0 && p.equals(h);
    }
    String rest = p.substring(2);
    if (rest.indexOf('*') >= 0 || rest.indexOf('.') < 0) {
      return false;
    }
    int dot = h.indexOf('.');
    return dot > 0 && h.substring(dot + 1).equals(rest);
  }

  private static String normalize(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    return v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
  }

  /** A dotted IPv4 address or an IPv6 literal (contains a colon). */
  static boolean isIpLiteral(String s) {
    if (s.indexOf(':') >= 0) {
      return true;
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
          || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Whether an IP literal equals one of the certificate's iPAddress names (as the JDK writes them). */
  static boolean matchesIp(String ip, List<String> ipNames) {
    byte[] a = parseIp(ip);
    if (a == null) {
      return false;
    }
    for (String n : ipNames) {
      byte[] b = parseIp(n);
      if (b != null && java.util.Arrays.equals(a, b)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] parseIp(String s) {
    String v = s.trim();
    if (!isIpLiteral(v)) {
      return null;
    }
    try {
      // Literals only (checked above): no name lookup happens.
      return java.net.InetAddress.getByName(v.indexOf(':') >= 0 && !v.startsWith("[") ? "[" + v + "]" : v)
          .getAddress();
    } catch (java.net.UnknownHostException | RuntimeException e) {
      return null;
    }
  }
}
