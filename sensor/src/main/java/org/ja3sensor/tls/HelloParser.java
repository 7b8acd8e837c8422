package org.ja3sensor.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses ClientHello and ServerHello message bodies (the bytes after the 4-byte handshake
 * header). Pure functions: every read is bounds-checked; a body that does not parse yields null
 * (the caller counts the anomaly).
 *
 * <p>Strict framing, tolerant contents: the fields that locate the extensions (session id, cipher
 * suites, compression methods, the extensions block and each extension's header) must fit in the
 * body, otherwise the hello is malformed and null is returned. Defects that tshark 4.0 also
 * tolerates while still computing a JA3 are accepted and noted in the {@link Report}: an odd byte
 * at the end of a vector, bytes after the extensions block, 1 to 3 stray bytes at the end of the
 * block, a malformed body of one of the extensions read here (the field then comes out empty), a
 * duplicate extension (the last one wins, as in the salesforce/ja3 reference script). See
 * docs/ja3.md for each decision.
 *
 * <p>Buffers: {@code b} is only read during the call; the returned record owns fresh arrays.
 */
public final class HelloParser {
  private HelloParser() {}

  /**
   * What one parse found wrong: why it returned null, or which tolerated defects the hello had.
   * Mutable and reusable; owned by the caller, who passes it to one parse at a time.
   */
  public static final class Report {
    private String error;
    private int irregularities;
    private String firstIrregularity;

    /** Clears the report for the next parse (the parse methods call it themselves). */
    public void reset() {
      error = null;
      irregularities = 0;
      firstIrregularity = null;
    }

    /** Why the last parse returned null (field, value seen, value expected); null otherwise. */
    public String error() {
      return error;
    }

    /** Number of tolerated defects in the last parsed hello. */
    public int irregularities() {
      return irregularities;
    }

    /** The first tolerated defect, described; null when there was none. */
    public String firstIrregularity() {
      return firstIrregularity;
    }

    void fail(String message) {
      if (error == null) {
        error = message;
      }
    }

    void irregular(String message) {
      if (irregularities++ == 0) {
        firstIrregularity = message;
      }
    }
  }

  static final int EXT_SERVER_NAME = 0;
  static final int EXT_SUPPORTED_GROUPS = 10;
  static final int EXT_EC_POINT_FORMATS = 11;
  static final int EXT_SIGNATURE_ALGORITHMS = 13;
  static final int EXT_ALPN = 16;
  static final int EXT_SUPPORTED_VERSIONS = 43;

  /** Smallest ClientHello body: version, random, empty session id, one suite, one method. */
  public static final int MIN_CLIENT_HELLO = 2 + 32 + 1 + 2 + 2 + 1 + 1;
  /** Smallest ServerHello body: version, random, empty session id, suite, method. */
  public static final int MIN_SERVER_HELLO = 2 + 32 + 1 + 2 + 1;

  /**
   * SHA-256("HelloRetryRequest"): the ServerHello.random of a HelloRetryRequest (RFC 8446
   * section 4.1.3).
   */
  private static final byte[] HRR_RANDOM = {
    (byte) 0xcf, 0x21, (byte) 0xad, 0x74, (byte) 0xe5, (byte) 0x9a, 0x61, 0x11,
    (byte) 0xbe, 0x1d, (byte) 0x8c, 0x02, 0x1e, 0x65, (byte) 0xb8, (byte) 0x91,
    (byte) 0xc2, (byte) 0xa2, 0x11, 0x16, 0x7a, (byte) 0xbb, (byte) 0x8c, 0x5e,
    0x07, (byte) 0x9e, 0x09, (byte) 0xe2, (byte) 0xc8, (byte) 0xa8, 0x33, (byte) 0x9c
  };

  private static final int[] NONE = new int[0];

  /** A copy of the HelloRetryRequest magic random (for tests and documentation). */
  public static byte[] helloRetryRequestRandom() {
    return HRR_RANDOM.clone();
  }

  /** @return the hello, or null when the body is malformed */
  public static ClientHello parseClientHello(byte[] b, int off, int len) {
    return parseClientHello(b, off, len, null);
  }

  /** @return the hello, or null when the body is malformed */
  public static ServerHello parseServerHello(byte[] b, int off, int len) {
    return parseServerHello(b, off, len, null);
  }

  /**
   * Parses a ClientHello body.
   *
   * @param report receives the reason for a null result and the tolerated defects; may be null
   * @return the hello, or null when the body is malformed
   */
  public static ClientHello parseClientHello(byte[] b, int off, int len, Report report) {
    if (report != null) {
      report.reset();
    }
    if (b == null || off < 0 || len < 0 || len > b.length - off) {
      return fail(report, "client_hello: buffer slice off=" + off + " len=" + len + " is invalid");
    }
    final int end = off + len;
    int p = off;
    if (end - p < 34) {
      return fail(report, "client_hello: body of " + len + " bytes, expected at least 34 for"
          + " version and random");
    }
    int version = u16(b, p);
    p += 34;

    // session_id<0..32>
    if (end - p < 1) {
      return fail(report, "client_hello.session_id length: missing at offset " + (p - off));
    }
    int sidLen = u8(b, p++);
    if (sidLen > end - p) {
      return fail(report, "client_hello.session_id length " + sidLen + " exceeds the "
          + (end - p) + " bytes left");
    }
    if (sidLen > 32) {
      irregular(report, "client_hello.session_id length " + sidLen + ", expected at most 32");
    }
    p += sidLen;

    // cipher_suites<2..2^16-2>
    if (end - p < 2) {
      return fail(report, "client_hello.cipher_suites length: missing at offset " + (p - off));
    }
    int csLen = u16(b, p);
    p += 2;
    if (csLen > end - p) {
      return fail(report, "client_hello.cipher_suites length " + csLen + " exceeds the "
          + (end - p) + " bytes left");
    }
    if ((csLen & 1) != 0 || csLen == 0) {
      irregular(report, "client_hello.cipher_suites length " + csLen
          + ", expected an even number of at least 2");
    }
    int[] ciphers = u16s(b, p, csLen >>> 1);
    p += csLen;

    // compression_methods<1..2^8-1>
    if (end - p < 1) {
      return fail(report, "client_hello.compression_methods length: missing at offset "
          + (p - off));
    }
    int cmLen = u8(b, p++);
    if (cmLen > end - p) {
      return fail(report, "client_hello.compression_methods length " + cmLen + " exceeds the "
          + (end - p) + " bytes left");
    }
    if (cmLen == 0) {
      irregular(report, "client_hello.compression_methods length 0, expected at least 1");
    }
    int[] compression = u8s(b, p, cmLen);
    p += cmLen;

    if (p == end) {
      return new ClientHello(version, ciphers, compression, NONE, NONE, NONE, null, List.of(),
          NONE, NONE, false);
    }
    final int extEnd =
        extensionsEnd(b, p, end, "client_hello", " after compression methods", report);
    if (extEnd < 0) {
      return null;
    }
    p += 2;
    int count = countExtensions(b, p, extEnd, "client_hello", report);
    if (count < 0) {
      return null;
    }

    int[] extensions = new int[count];
    int[] groups = NONE;
    int[] pointFormats = NONE;
    int[] versions = NONE;
    int[] sigAlgs = NONE;
    String serverName = null;
    List<String> alpn = List.of();
    long seen = 0; // bit per extension type below 64, to spot duplicates of the ones we read
    for (int i = 0; i < count; i++) {
      int type = u16(b, p);
      int l = u16(b, p + 2);
      int d = p + 4;
      extensions[i] = type;
      p = d + l;
      if (type < 64) {
        if ((seen & (1L << type)) != 0 && isReadHere(type)) {
          irregular(report, "client_hello: duplicate extension " + type + ", the last one is used");
        }
        seen |= 1L << type;
      }
      switch (type) {
        case EXT_SERVER_NAME -> serverName = serverName(b, d, l, report);
        case EXT_SUPPORTED_GROUPS -> groups = u16Vector(b, d, l, 2, "supported_groups", report);
        case EXT_EC_POINT_FORMATS -> pointFormats = u8Vector(b, d, l, report);
        case EXT_SIGNATURE_ALGORITHMS ->
            sigAlgs = u16Vector(b, d, l, 2, "signature_algorithms", report);
        case EXT_ALPN -> alpn = alpnList(b, d, l, report);
        case EXT_SUPPORTED_VERSIONS ->
            versions = u16Vector(b, d, l, 1, "supported_versions", report);
        default -> {
          // not read: only its type goes into the fingerprint
        }
      }
    }
    return new ClientHello(version, ciphers, compression, extensions, groups, pointFormats,
        serverName, alpn, versions, sigAlgs, true);
  }

  /**
   * Parses a ServerHello (or HelloRetryRequest) body. TLS 1.3 drafts before draft-22
   * (ServerHello.version 0x7f00 to 0x7f15) had neither session id nor compression method; such a
   * body is read in that shape.
   *
   * @param report receives the reason for a null result and the tolerated defects; may be null
   * @return the hello, or null when the body is malformed
   */
  public static ServerHello parseServerHello(byte[] b, int off, int len, Report report) {
    if (report != null) {
      report.reset();
    }
    if (b == null || off < 0 || len < 0 || len > b.length - off) {
      return fail(report, "server_hello: buffer slice off=" + off + " len=" + len + " is invalid");
    }
    final int end = off + len;
    int p = off;
    if (end - p < 34) {
      return fail(report, "server_hello: body of " + len + " bytes, expected at least 34 for"
          + " version and random");
    }
    int version = u16(b, p);
    boolean hrr = equalsAt(b, p + 2, HRR_RANDOM);
    p += 34;
    boolean earlyDraft = (version & 0xff00) == 0x7f00 && (version & 0xff) < 22;
    if (!earlyDraft) {
      if (end - p < 1) {
        return fail(report, "server_hello.session_id length: missing at offset " + (p - off));
      }
      int sidLen = u8(b, p++);
      if (sidLen > end - p) {
        return fail(report, "server_hello.session_id length " + sidLen + " exceeds the "
            + (end - p) + " bytes left");
      }
      if (sidLen > 32) {
        irregular(report, "server_hello.session_id length " + sidLen + ", expected at most 32");
      }
      p += sidLen;
    }
    int need = earlyDraft ? 2 : 3;
    if (end - p < need) {
      return fail(report, "server_hello: " + (end - p) + " bytes left for cipher suite"
          + (earlyDraft ? "" : " and compression method") + ", expected " + need);
    }
    int cipher = u16(b, p);
    p += 2;
    int compression = 0;
    if (!earlyDraft) {
      compression = u8(b, p++);
    }
    if (p == end) {
      return new ServerHello(version, cipher, compression, NONE, 0, null, hrr);
    }
    final int extEnd = extensionsEnd(b, p, end, "server_hello", "", report);
    if (extEnd < 0) {
      return null;
    }
    p += 2;
    int count = countExtensions(b, p, extEnd, "server_hello", report);
    if (count < 0) {
      return null;
    }
    int[] extensions = new int[count];
    int selectedVersion = 0;
    String alpn = null;
    for (int i = 0; i < count; i++) {
      int type = u16(b, p);
      int l = u16(b, p + 2);
      int d = p + 4;
      extensions[i] = type;
      p = d + l;
      if (type == EXT_SUPPORTED_VERSIONS) {
        if (l == 2) {
          selectedVersion = u16(b, d);
        } else {
          irregular(report, "server_hello.supported_versions length " + l + ", expected 2");
        }
      } else if (type == EXT_ALPN) {
        List<String> names = alpnList(b, d, l, report);
        if (names.size() == 1) {
          alpn = names.get(0);
        } else {
          irregular(report, "server_hello.alpn: " + names.size() + " protocols, expected 1");
        }
      }
    }
    return new ServerHello(version, cipher, compression, extensions, selectedVersion, alpn, hrr);
  }

  /**
   * Checks the framing of an extensions block and counts its extensions.
   *
   * @return the number of extensions, or -1 when an extension overruns the block
   */
  /**
   * The end of the extensions block whose 2-byte length is at {@code p}, the last field of a hello
   * that ends at {@code end}; or -1 after reporting why the block cannot be read. Bytes after the
   * block are reported as irregular.
   *
   * @param msg the message name in reports ("client_hello", "server_hello")
   * @param where what precedes the length field, for the report of a lone byte there
   */
  private static int extensionsEnd(
      byte[] b, int p, int end, String msg, String where, Report report) {
    if (end - p < 2) {
      fail(report, msg + ".extensions length: 1 byte left" + where + ", expected 0 or at least 2");
      return -1;
    }
    int extLen = u16(b, p);
    p += 2;
    if (extLen > end - p) {
      fail(report, msg + ".extensions length " + extLen + " exceeds the " + (end - p)
          + " bytes left");
      return -1;
    }
    int extEnd = p + extLen;
    if (extEnd < end) {
      irregular(report, msg + ": " + (end - extEnd) + " bytes after the extensions block");
    }
    return extEnd;
  }

  private static int countExtensions(byte[] b, int p, int end, String msg, Report report) {
    int count = 0;
    while (end - p >= 4) {
      int type = u16(b, p);
      int l = u16(b, p + 2);
      if (l > end - p - 4) {
        fail(report, msg + ": extension " + type + " length " + l + " exceeds the "
            + (end - p - 4) + " bytes left in the extensions block");
        return -1;
      }
      count++;
      p += 4 + l;
    }
    if (p != end) {
      irregular(report, msg + ": " + (end - p) + " stray bytes at the end of the extensions"
          + " block, expected a 4-byte extension header");
    }
    return count;
  }

  /** Whether the ClientHello parser reads this extension's body (duplicates of it matter). */
  private static boolean isReadHere(int type) {
    return type == EXT_SERVER_NAME
        || type == EXT_SUPPORTED_GROUPS
        || type == EXT_EC_POINT_FORMATS
        || type == EXT_SIGNATURE_ALGORITHMS
        || type == EXT_ALPN
        || type == EXT_SUPPORTED_VERSIONS;
  }

  /**
   * A vector of 16-bit values with a {@code prefix}-byte length, filling an extension body.
   * A length beyond the body gives an empty result; an odd byte or bytes after the vector are
   * ignored. Each of these is noted as irregular.
   */
  private static int[] u16Vector(byte[] b, int d, int l, int prefix, String field, Report r) {
    if (l < prefix) {
      irregular(r, field + ": body of " + l + " bytes, expected at least " + prefix);
      return NONE;
    }
    int vl = prefix == 1 ? u8(b, d) : u16(b, d);
    if (vl > l - prefix) {
      irregular(r, field + " length " + vl + " exceeds the " + (l - prefix)
          + " bytes of the extension");
      return NONE;
    }
    if ((vl & 1) != 0 || vl == 0) {
      irregular(r, field + " length " + vl + ", expected an even number of at least 2");
    }
    if (vl != l - prefix) {
      irregular(r, field + ": " + (l - prefix - vl) + " bytes after the list");
    }
    return u16s(b, d + prefix, vl >>> 1);
  }

  /** ec_point_formats: a vector of 8-bit values with a 1-byte length (same tolerance). */
  private static int[] u8Vector(byte[] b, int d, int l, Report r) {
    if (l < 1) {
      irregular(r, "ec_point_formats: empty extension body, expected a length byte");
      return NONE;
    }
    int vl = u8(b, d);
    if (vl > l - 1) {
      irregular(r, "ec_point_formats length " + vl + " exceeds the " + (l - 1)
          + " bytes of the extension");
      return NONE;
    }
    if (vl == 0) {
      irregular(r, "ec_point_formats length 0, expected at least 1");
    }
    if (vl != l - 1) {
      irregular(r, "ec_point_formats: " + (l - 1 - vl) + " bytes after the list");
    }
    return u8s(b, d + 1, vl);
  }

  /** The first host_name of a server_name body, or null (noted) when it does not parse. */
  private static String serverName(byte[] b, int d, int l, Report r) {
    if (l == 0) {
      // A ServerHello echoes an empty server_name; in a ClientHello it is odd but harmless.
      return null;
    }
    if (l < 2 || u16(b, d) != l - 2) {
      irregular(r, "server_name list length " + (l < 2 ? "missing" : u16(b, d))
          + ", expected " + (l - 2));
      return null;
    }
    int p = d + 2;
    int end = d + l;
    while (end - p >= 3) {
      int type = u8(b, p);
      int nl = u16(b, p + 1);
      p += 3;
      if (nl > end - p) {
        irregular(r, "server_name entry length " + nl + " exceeds the " + (end - p)
            + " bytes left");
        return null;
      }
      if (type == 0) {
        if (nl == 0) {
          irregular(r, "server_name host_name of length 0, expected at least 1");
          return null;
        }
        return new String(b, p, nl, StandardCharsets.ISO_8859_1);
      }
      p += nl;
    }
    if (p != end) {
      irregular(r, "server_name: " + (end - p) + " stray bytes after the entries");
    }
    return null;
  }

  /** ALPN protocol names (ISO-8859-1); an empty list (noted) when the body does not parse. */
  private static List<String> alpnList(byte[] b, int d, int l, Report r) {
    if (l < 2 || u16(b, d) != l - 2) {
      irregular(r, "alpn list length " + (l < 2 ? "missing" : u16(b, d))
          + ", expected " + (l - 2));
      return List.of();
    }
    for (int i = 0; i < COMMON_ALPN_WIRE.length; i++) {
      byte[] w = COMMON_ALPN_WIRE[i];
      if (w.length == l - 2 && Arrays.equals(b, d + 2, d + l, w, 0, w.length)) {
        return COMMON_ALPN_LISTS.get(i); // nothing to build
      }
    }
    int p = d + 2;
    int end = d + l;
    List<String> names = new ArrayList<>(4);
    while (p < end) {
      int nl = u8(b, p++);
      if (nl > end - p) {
        irregular(r, "alpn protocol name length " + nl + " exceeds the " + (end - p)
            + " bytes left");
        return List.of();
      }
      if (nl == 0) {
        irregular(r, "alpn protocol name of length 0, expected at least 1 (kept as \"\")");
      }
      names.add(alpnName(b, p, nl));
      p += nl;
    }
    return List.copyOf(names); // not a common list: those were found from their bytes above
  }

  /**
   * Protocol names most hellos offer (RFC 7301's IANA registry, the ones browsers and libraries
   * send): one shared String each instead of a copy per hello, since a hello may wait in its flow
   * for a long time (see {@link ClientHello}).
   */
  private static final String[] COMMON_ALPN_NAMES = {
    "h2", "http/1.1", "h3", "http/1.0", "spdy/3.1", "h2c", "acme-tls/1", "dot", "doq", "stun.turn"
  };

  /** ALPN lists most hellos send, shared in the same way. */
  private static final List<List<String>> COMMON_ALPN_LISTS =
      List.of(
          List.of("h2", "http/1.1"),
          List.of("http/1.1"),
          List.of("h2"),
          List.of("h3"),
          List.of("http/1.1", "h2"),
          List.of("h2", "http/1.1", "http/1.0"),
          List.of("http/1.0", "http/1.1"));

  /**
   * {@link #COMMON_ALPN_LISTS} as they travel (the protocol_name_list's contents, without its
   * length), compared with the hello's bytes before anything is built.
   */
  private static final byte[][] COMMON_ALPN_WIRE = COMMON_ALPN_LISTS.stream()
      .map(list -> {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (String name : list) {
          o.write(name.length());
          o.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
        }
        return o.toByteArray();
      })
      .toArray(byte[][]::new);

  private static String alpnName(byte[] b, int p, int nl) {
    for (String known : COMMON_ALPN_NAMES) {
      if (known.length() == nl && sameLatin1(known, b, p)) {
        return known;
      }
    }
    return new String(b, p, nl, StandardCharsets.ISO_8859_1);
  }

  /** Whether the bytes at {@code p} are {@code s}'s characters (all below 0x80). */
  private static boolean sameLatin1(String s, byte[] b, int p) {
    for (int i = 0; i < s.length(); i++) {
      if (b[p + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int[] u16s(byte[] b, int p, int n) {
    if (n == 0) {
      return NONE;
    }
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = u16(b, p + 2 * i);
    }
    return v;
  }

  private static int[] u8s(byte[] b, int p, int n) {
    if (n == 0) {
      return NONE;
    }
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = u8(b, p + i);
    }
    return v;
  }

  private static boolean equalsAt(byte[] b, int p, byte[] pattern) {
    for (int i = 0; i < pattern.length; i++) {
      if (b[p + i] != pattern[i]) {
        return false;
      }
    }
    return true;
  }

  static int u8(byte[] b, int p) {
    return b[p] & 0xff;
  }

  static int u16(byte[] b, int p) {
    return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
  }

  static int u24(byte[] b, int p) {
    return ((b[p] & 0xff) << 16) | ((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff);
  }

  private static <T> T fail(Report report, String message) {
    if (report != null) {
      report.fail(message);
    }
    return null;
  }

  private static void irregular(Report report, String message) {
    if (report != null) {
      report.irregular(message);
    }
  }
}
