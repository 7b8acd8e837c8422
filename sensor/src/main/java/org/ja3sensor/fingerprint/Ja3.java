package org.ja3sensor.fingerprint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * JA3 and JA3S as the salesforce/ja3 README defines them. Pure functions.
 *
 * <p>JA3 = {@code legacy_version,ciphers,extensions,supported_groups,ec_point_formats}: decimal
 * values joined by '-', fields by ','; the GREASE values of RFC 8701 are left out of the cipher,
 * extension and group lists; an absent list leaves its field empty (its commas stay). JA3S =
 * {@code legacy_version,cipher,extensions} with the values as sent (the reference ja3s.py removes
 * no GREASE; servers must not send any). JA3N = the JA3 string with its extensions field sorted
 * (docs/ja4.md). The decisions where implementations disagree are in docs/ja3.md.
 */
public final class Ja3 {
  private Ja3() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static final ThreadLocal<DigestMemo> MD5_MEMO = ThreadLocal.withInitial(DigestMemo::new);

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("MD5 is required of every Java platform", e);
            }
          });

  /** The JA3 string: version,ciphers,extensions,groups,point formats (GREASE removed). */
  public static String ja3String(ClientHello ch) {
    StringBuilder sb =
        new StringBuilder(
            16 + 6 * (ch.cipherSuites().length + ch.extensions().length
                + ch.supportedGroups().length) + 4 * ch.ecPointFormats().length);
    sb.append(ch.legacyVersion()).append(',');
    appendList(sb, ch.cipherSuites(), true);
    sb.append(',');
    appendList(sb, ch.extensions(), true);
    sb.append(',');
    appendList(sb, ch.supportedGroups(), true);
    sb.append(',');
    appendList(sb, ch.ecPointFormats(), false);
    return sb.toString();
  }

  /**
   * The JA3N string: the JA3 string with its extensions field sorted numerically ascending, every
   * other field in wire order (the form browserleaks.com publishes as {@code ja3n_text}; a de-facto
   * convention, no specification).
   */
  public static String ja3nString(ClientHello ch) {
    int[] exts = new int[ch.extensions().length];
    int n = 0;
    for (int v : ch.extensions()) {
      if (!isGrease(v)) {
        exts[n++] = v;
      }
    }
    exts = Arrays.copyOf(exts, n);
    Arrays.sort(exts);
    StringBuilder sb =
        new StringBuilder(
            16 + 6 * (ch.cipherSuites().length + n + ch.supportedGroups().length)
                + 4 * ch.ecPointFormats().length);
    sb.append(ch.legacyVersion()).append(',');
    appendList(sb, ch.cipherSuites(), true);
    sb.append(',');
    appendList(sb, exts, false);
    sb.append(',');
    appendList(sb, ch.supportedGroups(), true);
    sb.append(',');
    appendList(sb, ch.ecPointFormats(), false);
    return sb.toString();
  }

  /** The JA3S string: version,cipher,extensions. */
  public static String ja3sString(ServerHello sh) {
    StringBuilder sb = new StringBuilder(16 + 6 * sh.extensions().length);
    sb.append(sh.legacyVersion()).append(',').append(sh.cipherSuite()).append(',');
    appendList(sb, sh.extensions(), false);
    return sb.toString();
  }

  /** Lower-case hex MD5 of the UTF-8/ASCII bytes of {@code s}. */
  public static String md5Hex(String s) {
    DigestMemo memo = MD5_MEMO.get();
    String known = memo.get(s);
    if (known != null) {
      return known;
    }
    String hex = md5HexOf(s);
    memo.put(s, hex);
    return hex;
  }

  private static String md5HexOf(String s) {
    MessageDigest md = MD5.get();
    byte[] d = md.digest(s.getBytes(StandardCharsets.UTF_8));
    char[] out = new char[d.length * 2];
    for (int i = 0; i < d.length; i++) {
      out[2 * i] = HEX[(d[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[d[i] & 0xf];
    }
    return new String(out);
  }

  /** True for the 16 GREASE values of RFC 8701 (0x0a0a, 0x1a1a, ..., 0xfafa). */
  public static boolean isGrease(int v) {
    return (v & 0x0f0f) == 0x0a0a && ((v >> 8) & 0xff) == (v & 0xff);
  }

  private static void appendList(StringBuilder sb, int[] values, boolean dropGrease) {
    boolean first = true;
    for (int v : values) {
      if (dropGrease && isGrease(v)) {
        continue;
      }
      if (!first) {
        sb.append('-');
      }
      sb.append(v);
      first = false;
    }
  }
}
