package org.ja3sensor.db;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * JA4 values of database entries: an exact JA4, or one with {@code *} for one or two of its three
 * parts. A pattern's shape is the set of its wildcard parts (bit 0 part a, bit 1 part b, bit 2
 * part c; shape 0 is an exact value); a fingerprint is looked up once per shape the database uses,
 * under the key {@link #mask} makes of it, so matching stays one hash lookup per shape.
 */
public final class Ja4Pattern {
  private Ja4Pattern() {}

  private static final Pattern PART_A = Pattern.compile("[tqd][0-9a-z]{2}[di][0-9]{4}[0-9a-zA-Z]{2}");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{12}");
  /** The shape with every part a wildcard: matches everything, refused. */
  static final int ALL = 7;

  /**
   * The canonical form of a JA4 entry value (hash parts in lower case), or null when it is not a
   * JA4 or a JA4 with {@code *} parts, or when every part is {@code *}.
   *
   * @param allowWildcards false where only exact values are accepted (pairs)
   */
  public static String normalize(String raw, boolean allowWildcards) {
    String[] p = raw.trim().split("_", -1);
    if (p.length != 3) {
      return null;
    }
    p[1] = p[1].toLowerCase(Locale.ROOT);
    p[2] = p[2].toLowerCase(Locale.ROOT);
    int shape = 0;
    for (int i = 0; i < 3; i++) {
      if (p[i].equals("*")) {
        shape |= 1 << i;
      } else if (!(i == 0 ? PART_A : HASH).matcher(p[i]).matches()) {
        return null;
      }
    }
    if (shape == ALL || (shape != 0 && !allowWildcards)) {
      return null;
    }
    return p[0] + "_" + p[1] + "_" + p[2];
  }

  /** The shape of a normalized value: which parts are {@code *}. */
  public static int shape(String normalized) {
    String[] p = normalized.split("_", -1);
    int shape = 0;
    for (int i = 0; i < 3; i++) {
      if (p[i].equals("*")) {
        shape |= 1 << i;
      }
    }
    return shape;
  }

  /** The key a fingerprint is looked up under for one shape: its parts, {@code *} where masked. */
  public static String mask(String ja4, int shape) {
    if (shape == 0) {
      return ja4;
    }
    int u1 = ja4.indexOf('_');
    int u2 = ja4.indexOf('_', u1 + 1);
    if (u1 < 0 || u2 < 0) {
      return ja4;
    }
    return ((shape & 1) != 0 ? "*" : ja4.substring(0, u1)) + "_"
        + ((shape & 2) != 0 ? "*" : ja4.substring(u1 + 1, u2)) + "_"
        + ((shape & 4) != 0 ? "*" : ja4.substring(u2 + 1));
  }

  /**
   * Why an entry value can never equal a JA4 the sensor computes, or null when it can. Checks part
   * a (version code of the specification's table, counts against the hash parts and the SNI and
   * ALPN flags); wildcard parts are not checked.
   */
  public static String whyNeverMatches(String normalized) {
    String[] p = normalized.split("_", -1);
    if (p[0].equals("*")) {
      return null;
    }
    String a = p[0];
    String version = a.substring(1, 3);
    if (!version.matches("13|12|11|10|s3|s2|d1|d2|d3|00")) {
      return "version \"" + version + "\" is not in the JA4 table (13, 12, 11, 10, s3, s2, d1,"
          + " d2, d3, 00)";
    }
    int ciphers = Integer.parseInt(a.substring(4, 6));
    int exts = Integer.parseInt(a.substring(6, 8));
    boolean sni = a.charAt(3) == 'd';
    boolean alpn = !a.substring(8, 10).equals("00");
    String zeros = "000000000000";
    if (!p[1].equals("*") && (ciphers == 0) != p[1].equals(zeros)) {
      return ciphers == 0 ? "no ciphers but part b is not " + zeros
          : ciphers + " ciphers but part b is " + zeros + " (the empty list)";
    }
    if (exts < (sni ? 1 : 0) + (alpn ? 1 : 0)) {
      return exts + " extensions, fewer than SNI and ALPN flags need";
    }
    if (!p[2].equals("*") && exts == 0 && !p[2].equals(zeros)) {
      return "no extensions but part c is not " + zeros;
    }
    return null;
  }
}
