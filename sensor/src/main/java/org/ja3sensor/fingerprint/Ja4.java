package org.ja3sensor.fingerprint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import org.ja3sensor.tls.ClientHello;

/**
 * JA4 (the client fingerprint of FoxIO's JA4+, BSD-3-Clause) as FoxIO-LLC/ja4
 * {@code technical_details/JA4.md} defines it, and its raw ({@code JA4_r}) and original-order
 * ({@code JA4_o}, {@code JA4_ro}) forms. Pure functions of the neutral {@link ClientHello}; the
 * transport ({@link #TCP}, {@link #QUIC}, {@link #DTLS}) is the caller's, since the hello does not
 * say what carried it.
 *
 * <p>{@code a_b_c}: a = transport, version (highest non-GREASE supported_versions value, else the
 * legacy version), {@code d}/{@code i} for SNI present/absent, cipher and extension counts (GREASE
 * left out, capped at 99), first and last character of the first ALPN value (hex digits when one of
 * them is not ASCII alphanumeric); b = first 12 hex digits of SHA-256 of the sorted cipher list;
 * c = the same of the sorted extension list (SNI and ALPN left out) followed by {@code _} and the
 * signature algorithms in wire order, without the {@code _} when there are none. An empty list gives
 * {@code 000000000000}, never the hash of the empty string. GREASE is ignored everywhere. The
 * decisions where implementations disagree are in docs/ja4.md.
 */
public final class Ja4 {
  private Ja4() {}

  /** Transport letter for TLS over TCP. */
  public static final char TCP = 't';
  /** Transport letter for TLS inside QUIC CRYPTO frames. */
  public static final char QUIC = 'q';
  /** Transport letter for DTLS. */
  public static final char DTLS = 'd';

  /** The value of part b or c when its list is empty. */
  public static final String EMPTY_HASH = "000000000000";

  private static final int SNI = 0x0000;
  private static final int ALPN = 0x0010;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static final ThreadLocal<DigestMemo> SHA256_MEMO =
      ThreadLocal.withInitial(DigestMemo::new);

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is required of every Java platform", e);
            }
          });

  /**
   * One form of JA4: the fingerprint and its raw (pre-hash) text.
   *
   * @param fingerprint {@code a_b_c}
   * @param raw {@code a_<ciphers>_<extensions>[_<signature algorithms>]}
   */
  public record Result(String fingerprint, String raw) {}

  /** JA4 and JA4_r: ciphers and extensions sorted, SNI and ALPN left out of the extensions. */
  public static Result sorted(ClientHello ch, char transport) {
    return build(ch, transport, true);
  }

  /** JA4_o and JA4_ro: ciphers and extensions in wire order, SNI and ALPN kept. */
  public static Result original(ClientHello ch, char transport) {
    return build(ch, transport, false);
  }

  /** The JA4 fingerprint. */
  public static String ja4(ClientHello ch, char transport) {
    return sorted(ch, transport).fingerprint();
  }

  /** Part a of JA4 (10 characters), shared by all four forms. */
  public static String partA(ClientHello ch, char transport) {
    if (transport != TCP && transport != QUIC && transport != DTLS) {
      throw new IllegalArgumentException(
          "transport '" + transport + "'; expected 't', 'q' or 'd'");
    }
    StringBuilder a = new StringBuilder(10);
    a.append(transport);
    a.append(versionCode(version(ch, transport)));
    a.append(ch.hasExtension(SNI) ? 'd' : 'i');
    appendCount(a, countNonGrease(ch.cipherSuites()));
    appendCount(a, countNonGrease(ch.extensions()));
    appendAlpn(a, ch.alpn());
    return a.toString();
  }

  /**
   * The version JA4 reports: the newest non-GREASE supported_versions value, else the legacy
   * version. Newest is the numerically highest, except for DTLS, whose versions count down (DTLS
   * 1.3 = 0xfefc is newer than DTLS 1.2 = 0xfefd): over DTLS the lowest 0xfeXX value is taken.
   */
  static int version(ClientHello ch, char transport) {
    int best = -1;
    for (int v : ch.supportedVersions()) {
      if (!Ja3.isGrease(v) && (best < 0 || newness(v, transport) > newness(best, transport))) {
        best = v;
      }
    }
    return best < 0 ? ch.legacyVersion() : best;
  }

  /** Orders versions by age: the value itself, but over DTLS a 0xfeXX value counts down. */
  private static int newness(int v, char transport) {
    return transport == DTLS && isDtls(v) ? 0x10000 + (0xff - (v & 0xff)) : v;
  }

  private static boolean isDtls(int v) {
    return (v & 0xff00) == 0xfe00;
  }

  /** The two-character version code of the specification's table; {@code 00} when unknown. */
  static String versionCode(int v) {
    switch (v) {
      case 0x0304:
        return "13";
      case 0x0303:
        return "12";
      case 0x0302:
        return "11";
      case 0x0301:
        return "10";
      case 0x0300:
        return "s3";
      case 0x0002:
        return "s2";
      case 0xfeff:
        return "d1";
      case 0xfefd:
        return "d2";
      case 0xfefc:
        return "d3";
      default:
        return "00";
    }
  }

  /**
   * The ALPN characters: {@code 00} without a first value; its first and last character when both
   * are ASCII alphanumeric (case kept; a one-character value gives that character twice); else the
   * first hex digit of the first byte and the last hex digit of the last byte. The names are
   * ISO-8859-1 decoded, so each char is one wire byte.
   */
  static void appendAlpn(StringBuilder a, List<String> alpn) {
    if (alpn.isEmpty() || alpn.get(0).isEmpty()) {
      a.append("00");
      return;
    }
    String p = alpn.get(0);
    char first = p.charAt(0);
    char last = p.charAt(p.length() - 1);
    if (isAlnum(first) && isAlnum(last)) {
      a.append(first).append(last);
    } else {
      a.append(HEX[(first >> 4) & 0xf]).append(HEX[last & 0xf]);
    }
  }

  private static boolean isAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static Result build(ClientHello ch, char transport, boolean sorted) {
    String a = partA(ch, transport);
    int[] ciphers = nonGrease(ch.cipherSuites(), false);
    int[] exts = nonGrease(ch.extensions(), sorted);
    int[] sigs = nonGrease(ch.signatureAlgorithms(), false);
    if (sorted) {
      Arrays.sort(ciphers);
      Arrays.sort(exts);
    }
    String cipherList = hexList(ciphers);
    StringBuilder c = new StringBuilder(5 * (exts.length + sigs.length));
    appendHexList(c, exts);
    if (sigs.length > 0) {
      c.append('_');
      appendHexList(c, sigs);
    }
    String extList = c.toString();
    String fingerprint =
        a + '_' + hash12(cipherList, ciphers.length) + '_' + hash12(extList, exts.length);
    String raw = a + '_' + cipherList + '_' + extList;
    return new Result(fingerprint, raw);
  }

  /**
   * The values without GREASE; with {@code dropSniAlpn} also without 0x0000 and 0x0010 (the
   * extension list of the sorted forms).
   */
  private static int[] nonGrease(int[] values, boolean dropSniAlpn) {
    int[] out = new int[values.length];
    int n = 0;
    for (int v : values) {
      if (Ja3.isGrease(v) || (dropSniAlpn && (v == SNI || v == ALPN))) {
        continue;
      }
      out[n++] = v;
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static int countNonGrease(int[] values) {
    int n = 0;
    for (int v : values) {
      if (!Ja3.isGrease(v)) {
        n++;
      }
    }
    return n;
  }

  private static void appendCount(StringBuilder a, int n) {
    int c = Math.min(n, 99);
    a.append((char) ('0' + c / 10)).append((char) ('0' + c % 10));
  }

  private static String hexList(int[] values) {
    StringBuilder sb = new StringBuilder(5 * values.length);
    appendHexList(sb, values);
    return sb.toString();
  }

  private static void appendHexList(StringBuilder sb, int[] values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      int v = values[i];
      sb.append(HEX[(v >> 12) & 0xf])
          .append(HEX[(v >> 8) & 0xf])
          .append(HEX[(v >> 4) & 0xf])
          .append(HEX[v & 0xf]);
    }
  }

  /**
   * The first 12 lower-case hex digits of SHA-256 of {@code text}, or {@link #EMPTY_HASH} when the
   * list it was made of ({@code listSize} values) is empty.
   */
  static String hash12(String text, int listSize) {
    if (listSize == 0) {
      return EMPTY_HASH;
    }
    DigestMemo memo = SHA256_MEMO.get();
    String known = memo.get(text);
    if (known != null) {
      return known;
    }
    byte[] d = SHA256.get().digest(text.getBytes(StandardCharsets.ISO_8859_1));
    char[] out = new char[12];
    for (int i = 0; i < 6; i++) {
      out[2 * i] = HEX[(d[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[d[i] & 0xf];
    }
    String hex = new String(out);
    memo.put(text, hex);
    return hex;
  }
}
