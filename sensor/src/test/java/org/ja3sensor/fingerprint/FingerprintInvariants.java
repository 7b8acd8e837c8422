package org.ja3sensor.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * What every fingerprint of any parsed hello must satisfy, checked by the fuzz targets on every
 * hello the parsers accept: the shapes of JA3, JA3S, JA3N and the four JA4 forms, no GREASE in
 * JA3, JA3N's extensions sorted, JA4's counts and hashes consistent with its raw form and with the
 * hello (counted here independently of {@link Ja4}). Also a canonical text of a hello, to compare
 * two parses field by field.
 */
public final class FingerprintInvariants {
  private FingerprintInvariants() {}

  private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern JA4 =
      Pattern.compile("[tqd](13|12|11|10|s3|s2|d1|d2|d3|00)[di]\\d{4}[0-9A-Za-z]{2}"
          + "_[0-9a-f]{12}_[0-9a-f]{12}");

  /** Checks every fingerprint of {@code ch}; throws AssertionError naming the broken rule. */
  public static void checkClientHello(ClientHello ch) {
    String ja3 = Ja3.ja3String(ch);
    assertTrue(isJa3(ja3), "JA3 shape: " + ja3);
    assertTrue(MD5.matcher(Ja3.md5Hex(ja3)).matches(), "JA3 MD5 of " + ja3);
    String[] f = ja3.split(",", -1);
    assertEquals(5, f.length, ja3);
    for (int i = 1; i <= 3; i++) {
      for (int v : values(f[i])) {
        assertTrue(!isGrease(v), "GREASE " + v + " in JA3 field " + i + ": " + ja3);
      }
    }
    String ja3n = Ja3.ja3nString(ch);
    assertTrue(isJa3(ja3n), "JA3N shape: " + ja3n);
    String[] n = ja3n.split(",", -1);
    int[] ext = values(n[2]);
    int[] sorted = ext.clone();
    Arrays.sort(sorted);
    assertTrue(Arrays.equals(ext, sorted), "JA3N extensions not sorted: " + ja3n);
    int[] wireExt = values(f[2]);
    Arrays.sort(wireExt);
    assertTrue(Arrays.equals(sorted, wireExt), "JA3N extensions differ from JA3's: " + ja3n);
    assertEquals(f[0] + f[1] + f[3] + f[4], n[0] + n[1] + n[3] + n[4], "JA3N other fields");

    for (char t : new char[] {Ja4.TCP, Ja4.QUIC, Ja4.DTLS}) {
      checkJa4(ch, t, Ja4.sorted(ch, t));
      checkJa4(ch, t, Ja4.original(ch, t));
      assertEquals(Ja4.sorted(ch, t).fingerprint(), Ja4.ja4(ch, t));
    }
  }

  private static void checkJa4(ClientHello ch, char transport, Ja4.Result r) {
    String fp = r.fingerprint();
    assertTrue(JA4.matcher(fp).matches(), "JA4 shape: " + fp);
    assertEquals(transport, fp.charAt(0), fp);
    String[] parts = fp.split("_");
    String[] raw = r.raw().split("_", 3);
    assertEquals(parts[0], raw[0], "JA4 part a differs from JA4_r's: " + fp + " / " + r.raw());
    assertEquals(
        String.format("%02d", Math.min(99, countNonGrease(ch.cipherSuites()))),
        fp.substring(4, 6), "JA4 cipher count: " + fp);
    assertEquals(
        String.format("%02d", Math.min(99, countNonGrease(ch.extensions()))),
        fp.substring(6, 8), "JA4 extension count: " + fp);
    boolean sni = false;
    for (int e : ch.extensions()) {
      sni |= e == 0;
    }
    assertEquals(sni ? 'd' : 'i', fp.charAt(3), "JA4 SNI letter: " + fp);
    assertEquals(raw[1].isEmpty() ? Ja4.EMPTY_HASH : sha12(raw[1]), parts[1],
        "JA4 part b is not the hash of JA4_r's cipher list: " + fp + " / " + r.raw());
    assertEquals(countNonGrease(ch.cipherSuites()) == 0, raw[1].isEmpty(), r.raw());
  }

  /** Checks the JA3S of {@code sh}. */
  public static void checkServerHello(ServerHello sh) {
    String ja3s = Ja3.ja3sString(sh);
    String[] f = ja3s.split(",", -1);
    assertTrue(f.length == 3 && isNumber(f[0]) && isNumber(f[1]) && isList(f[2]),
        "JA3S shape: " + ja3s);
    assertTrue(MD5.matcher(Ja3.md5Hex(ja3s)).matches(), "JA3S MD5 of " + ja3s);
  }

  /** Every field of a ClientHello as text (records compare their arrays by identity). */
  public static String describe(ClientHello c) {
    if (c == null) {
      return "null";
    }
    return c.legacyVersion() + "|" + Arrays.toString(c.cipherSuites()) + "|"
        + Arrays.toString(c.compressionMethods()) + "|" + Arrays.toString(c.extensions()) + "|"
        + Arrays.toString(c.supportedGroups()) + "|" + Arrays.toString(c.ecPointFormats()) + "|"
        + c.serverName() + "|" + c.alpn() + "|" + Arrays.toString(c.supportedVersions()) + "|"
        + Arrays.toString(c.signatureAlgorithms()) + "|" + c.hasExtensionsBlock();
  }

  /** Every field of a ServerHello as text. */
  public static String describe(ServerHello s) {
    if (s == null) {
      return "null";
    }
    return s.legacyVersion() + "|" + s.cipherSuite() + "|" + s.compressionMethod() + "|"
        + Arrays.toString(s.extensions()) + "|" + s.selectedVersion() + "|" + s.alpn() + "|"
        + s.helloRetryRequest();
  }

  /** version,list,list,list,list (written out: a regular expression recurses per value). */
  private static boolean isJa3(String s) {
    String[] f = s.split(",", -1);
    return f.length == 5 && isNumber(f[0]) && isList(f[1]) && isList(f[2]) && isList(f[3])
        && isList(f[4]);
  }

  /** Empty, or decimal numbers joined by single dashes. */
  private static boolean isList(String s) {
    if (s.isEmpty()) {
      return true;
    }
    for (String v : s.split("-", -1)) {
      if (!isNumber(v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty() || s.length() > 10) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** RFC 8701 GREASE: 0x?a?a with both bytes equal (written here, not taken from Ja3). */
  static boolean isGrease(int v) {
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
  }

  private static int countNonGrease(int[] values) {
    int n = 0;
    for (int v : values) {
      n += isGrease(v) ? 0 : 1;
    }
    return n;
  }

  private static int[] values(String field) {
    if (field.isEmpty()) {
      return new int[0];
    }
    return Arrays.stream(field.split("-")).mapToInt(Integer::parseInt).toArray();
  }

  private static String sha12(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
