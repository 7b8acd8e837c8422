package org.ja3sensor.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.HelloParser;
import org.junit.jupiter.api.Test;

/**
 * JA4, JA4_r, JA4_o and JA4_ro, one test per rule of FoxIO-LLC/ja4 {@code technical_details/JA4.md}
 * (commit 0e54bc8), with the specification's own example values, its ALPN byte examples, and the
 * known-value vector of aws/s2n-tls {@code tests/unit/s2n_fingerprint_ja4_test.c} (commit 8cbf81a:
 * the hello of FoxIO's pcap/tls12.pcap, bytes as published there). Expected hashes not published
 * are SHA-256 of the spelled-out list, computed in the test by the JDK.
 */
class Ja4Test {

  // The specification's example hello (sections "Example" and "Raw Output"), in wire order.
  static final int[] SPEC_CIPHERS =
      hex("1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035");
  static final int[] SPEC_EXTS =
      hex("001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015");
  static final int[] SPEC_SIGS = hex("0403,0804,0401,0503,0805,0501,0806,0601");

  static int[] hex(String s) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] p = s.split(",");
    int[] v = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      v[i] = Integer.parseInt(p[i], 16);
    }
    return v;
  }

  static ClientHello hello(
      int legacy, int[] ciphers, int[] exts, List<String> alpn, int[] versions, int[] sigs) {
    return new ClientHello(legacy, ciphers, new int[] {0}, exts, new int[0], new int[0], null,
        alpn, versions, sigs, exts.length > 0);
  }

  static ClientHello spec() {
    return hello(0x0303, SPEC_CIPHERS, SPEC_EXTS, List.of("h2", "http/1.1"),
        new int[] {0x0304, 0x0303}, SPEC_SIGS);
  }

  /** The same hello with GREASE values put into every list (as Chrome sends them). */
  static ClientHello specWithGrease() {
    return hello(0x0303, prepend(0x2a2a, SPEC_CIPHERS), append(prepend(0x8a8a, SPEC_EXTS), 0xfafa),
        List.of("h2", "http/1.1"), new int[] {0xdada, 0x0304, 0x0303},
        prepend(0x1a1a, SPEC_SIGS));
  }

  static int[] prepend(int v, int[] a) {
    int[] r = new int[a.length + 1];
    r[0] = v;
    System.arraycopy(a, 0, r, 1, a.length);
    return r;
  }

  static int[] append(int[] a, int v) {
    int[] r = Arrays.copyOf(a, a.length + 1);
    r[a.length] = v;
    return r;
  }

  /** One ALPN name as the parser gives it: each byte one ISO-8859-1 char. */
  static List<String> alpnBytes(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return List.of(new String(b, StandardCharsets.ISO_8859_1));
  }

  static String alpnPart(List<String> alpn) {
    ClientHello c =
        hello(0x0303, new int[] {0x1301}, new int[] {0x0010}, alpn, new int[0], new int[0]);
    return Ja4.partA(c, Ja4.TCP).substring(8);
  }

  static String sha12(String s) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void specExampleAllFourForms() {
    Ja4.Result s = Ja4.sorted(spec(), Ja4.TCP);
    assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", s.fingerprint());
    assertEquals("t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,"
        + "cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,"
        + "0401,0503,0805,0501,0806,0601", s.raw());
    Ja4.Result o = Ja4.original(spec(), Ja4.TCP);
    assertEquals("t13d1516h2_acb858a92679_18f69afefd3d", o.fingerprint());
    assertEquals("t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,"
        + "002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,"
        + "0015_0403,0804,0401,0503,0805,0501,0806,0601", o.raw());
    assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", Ja4.ja4(spec(), Ja4.TCP));
  }

  @Test
  void greaseIsIgnoredEverywhere() {
    // GREASE in ciphers, extensions, supported_versions (0xdada > 0x0304) and signature
    // algorithms: not counted, not listed, not taken as the version.
    assertEquals(Ja4.sorted(spec(), Ja4.TCP), Ja4.sorted(specWithGrease(), Ja4.TCP));
    assertEquals(Ja4.original(spec(), Ja4.TCP), Ja4.original(specWithGrease(), Ja4.TCP));
    List<Integer> grease = new ArrayList<>();
    for (int v = 0; v <= 0xffff; v++) {
      if (Ja3.isGrease(v)) {
        grease.add(v);
      }
    }
    assertEquals(16, grease.size());
    int[] all = grease.stream().mapToInt(Integer::intValue).toArray();
    ClientHello onlyGrease = hello(0x0303, all, all, List.of(), all, all);
    assertEquals("t12i000000_000000000000_000000000000", Ja4.ja4(onlyGrease, Ja4.TCP));
  }

  @Test
  void noSignatureAlgorithmsNoTrailingUnderscore() {
    ClientHello c =
        hello(0x0303, SPEC_CIPHERS, SPEC_EXTS, List.of("h2"), new int[] {0x0304}, new int[0]);
    Ja4.Result r = Ja4.sorted(c, Ja4.TCP);
    // The specification: "0005,...,4469,ff01 = 6d807ffa2a79".
    assertEquals("t13d1516h2_8daaf6152771_6d807ffa2a79", r.fingerprint());
    assertTrue(r.raw().endsWith(
        "_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"), r.raw());
    // Only GREASE signature algorithms: none.
    ClientHello g = hello(0x0303, SPEC_CIPHERS, SPEC_EXTS, List.of("h2"), new int[] {0x0304},
        new int[] {0x0a0a});
    assertEquals("t13d1516h2_8daaf6152771_6d807ffa2a79", Ja4.ja4(g, Ja4.TCP));
  }

  @Test
  void emptyListsGiveTwelveZerosNotTheHashOfNothing() {
    ClientHello none = new ClientHello(0x0303, new int[0], new int[] {0}, new int[0], new int[0],
        new int[0], null, List.of(), new int[0], new int[0], false);
    Ja4.Result r = Ja4.sorted(none, Ja4.TCP);
    assertEquals("t12i000000_000000000000_000000000000", r.fingerprint());
    assertEquals("t12i000000__", r.raw());
    assertEquals("t12i000000_000000000000_000000000000", Ja4.original(none, Ja4.TCP).fingerprint());
    // Only SNI and ALPN: the sorted extension list is empty, the original-order one is not.
    ClientHello sniAlpn = new ClientHello(0x0303, new int[] {0x1301}, new int[] {0},
        new int[] {0x0000, 0x0010}, new int[0], new int[0], "a.example", List.of("h2"),
        new int[0], new int[0], true);
    Ja4.Result s = Ja4.sorted(sniAlpn, Ja4.TCP);
    assertEquals("t12d0102h2_" + sha12("1301") + "_000000000000", s.fingerprint());
    assertEquals("t12d0102h2_1301_", s.raw());
    Ja4.Result o = Ja4.original(sniAlpn, Ja4.TCP);
    assertEquals("t12d0102h2_" + sha12("1301") + "_" + sha12("0000,0010"), o.fingerprint());
    assertEquals("t12d0102h2_1301_0000,0010", o.raw());
  }

  @Test
  void eachAlpnExampleOfTheSpecification() {
    assertEquals("ab", alpnPart(alpnBytes(0xAB)));
    assertEquals("20", alpnPart(alpnBytes(0x20)));
    assertEquals("ad", alpnPart(alpnBytes(0xAB, 0xCD)));
    assertEquals("21", alpnPart(alpnBytes(0x20, 0x61)));
    assertEquals("3b", alpnPart(alpnBytes(0x30, 0xAB)));
    assertEquals("60", alpnPart(alpnBytes(0x61, 0x20)));
    assertEquals("3d", alpnPart(alpnBytes(0x30, 0x31, 0xAB, 0xCD)));
    assertEquals("01", alpnPart(alpnBytes(0x30, 0xAB, 0xCD, 0x31)));
    // FoxIO pcap/tls-non-ascii-alpn.pcapng: BA AD gives "bd" (FoxIO's own code writes "99").
    assertEquals("bd", alpnPart(alpnBytes(0xBA, 0xAD)));
  }

  @Test
  void alpnTextRules() {
    assertEquals("h2", alpnPart(List.of("h2", "http/1.1")));
    assertEquals("h1", alpnPart(List.of("http/1.1", "h2")));
    assertEquals("h3", alpnPart(List.of("h3")));
    assertEquals("h9", alpnPart(List.of("h3-29")));
    assertEquals("H2", alpnPart(List.of("H2")));
    assertEquals("aa", alpnPart(List.of("a")));
    assertEquals("00", alpnPart(List.of()));
    assertEquals("00", alpnPart(List.of("", "h2")));
    // Only the two ends count (tshark 4.2 mishandles "-+" and "__", s2n-tls alpns.pcap).
    assertEquals("ab", alpnPart(List.of("a-+b")));
    assertEquals("2b", alpnPart(List.of("-+")));
    assertEquals("5f", alpnPart(List.of("__")));
  }

  @Test
  void countsAreCappedAt99AndIncludeSniAlpnAndScsv() {
    for (int n : new int[] {6, 12, 50, 99, 100, 255}) {
      int[] values = new int[n];
      for (int i = 0; i < n; i++) {
        values[i] = 0x0100 + i;
      }
      String expected = String.format("%02d", Math.min(n, 99));
      String a =
          Ja4.partA(hello(0x0303, values, values, List.of(), new int[0], new int[0]), Ja4.TCP);
      assertEquals(expected, a.substring(4, 6), "ciphers " + n);
      assertEquals(expected, a.substring(6, 8), "extensions " + n);
    }
    // SCSV and 0xfeXX values count; SNI and ALPN count; GREASE does not.
    ClientHello c = hello(0x0303, new int[] {0x00ff, 0x5600, 0xfe00, 0x1301},
        new int[] {0x0000, 0x0010, 0x0a0a}, List.of("h2"), new int[0], new int[0]);
    assertEquals("t12d0402h2", Ja4.partA(c, Ja4.TCP));
  }

  @Test
  void versionFromSupportedVersionsElseLegacy() {
    ClientHello tls12 =
        hello(0x0303, new int[] {0x1301}, new int[0], List.of(), new int[0], new int[0]);
    assertEquals("t12", Ja4.partA(tls12, Ja4.TCP).substring(0, 3));
    ClientHello sv = hello(0x0303, new int[] {0x1301}, new int[] {0x002b}, List.of(),
        new int[] {0x0a0a, 0x0302, 0x0304, 0x0303}, new int[0]);
    assertEquals("t13", Ja4.partA(sv, Ja4.TCP).substring(0, 3));
    String[][] table = {{"0304", "13"}, {"0303", "12"}, {"0302", "11"}, {"0301", "10"},
        {"0300", "s3"}, {"0002", "s2"}, {"feff", "d1"}, {"fefd", "d2"}, {"fefc", "d3"},
        {"0100", "00"}, {"0000", "00"}, {"00ff", "00"}, {"ffff", "00"}, {"7f12", "00"}};
    for (String[] row : table) {
      assertEquals(row[1], Ja4.versionCode(Integer.parseInt(row[0], 16)), row[0]);
    }
    // A TLS 1.3 draft client: 0x7f12 is the highest value, and unknown.
    ClientHello draft = hello(0x0303, new int[] {0x1301}, new int[] {0x002b}, List.of(),
        new int[] {0x7f12, 0x0303}, new int[0]);
    assertEquals("t00", Ja4.partA(draft, Ja4.TCP).substring(0, 3));
  }

  /**
   * DTLS versions count down (DTLS 1.3 = 0xfefc, 1.2 = 0xfefd): "the highest value" is read as the
   * newest version, whatever the order on the wire. Our decision; the specification does not say.
   */
  @Test
  void dtlsTakesTheNewestVersion() {
    ClientHello d = hello(0xfefd, new int[] {0x1301}, new int[] {0x002b}, List.of(),
        new int[] {0xfefd, 0xfefc, 0x2a2a}, new int[0]);
    assertEquals("dd3", Ja4.partA(d, Ja4.DTLS).substring(0, 3));
    ClientHello d2 = hello(0xfefd, new int[] {0x1301}, new int[] {0x002b}, List.of(),
        new int[] {0xfeff, 0xfefd}, new int[0]);
    assertEquals("dd2", Ja4.partA(d2, Ja4.DTLS).substring(0, 3));
    ClientHello legacy =
        hello(0xfeff, new int[] {0x1301}, new int[0], List.of(), new int[0], new int[0]);
    assertEquals("dd1", Ja4.partA(legacy, Ja4.DTLS).substring(0, 3));
  }

  @Test
  void sniFlagIsPresenceOfTheExtension() {
    // Extension 0 present without a host_name (serverName null) still means 'd'.
    ClientHello c =
        hello(0x0303, new int[] {0x1301}, new int[] {0x0000}, List.of(), new int[0], new int[0]);
    assertEquals('d', Ja4.partA(c, Ja4.TCP).charAt(3));
    // ESNI (0xffce) is not SNI (nDPI#2916 wrote 'd').
    ClientHello esni =
        hello(0x0303, new int[] {0x1301}, new int[] {0xffce}, List.of(), new int[0], new int[0]);
    assertEquals('i', Ja4.partA(esni, Ja4.TCP).charAt(3));
  }

  @Test
  void transportLetterIsTheCallers() {
    assertEquals("q13d1516h2_8daaf6152771_e5627efa2ab1", Ja4.ja4(spec(), Ja4.QUIC));
    assertEquals("d13d1516h2_8daaf6152771_e5627efa2ab1", Ja4.ja4(spec(), Ja4.DTLS));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Ja4.ja4(spec(), 'x'));
    assertEquals("transport 'x'; expected 't', 'q' or 'd'", e.getMessage());
  }

  /** s2n-tls: ciphers listed in any order give the one sorted list. */
  @Test
  void ciphersSortInHexOrder() {
    String sorted = "0001,0002,0003,000a,000b,000c,0100,0200,0300,0a00,0b00,0c00";
    for (String order : new String[] {sorted,
        "0c00,0b00,0a00,0300,0200,0100,000c,000b,000a,0003,0002,0001",
        "0100,000a,0a00,0002,0b00,000b,0001,0300,0c00,0003,000c,0200"}) {
      ClientHello c = hello(0x0303, hex(order), new int[0], List.of(), new int[0], new int[0]);
      Ja4.Result r = Ja4.sorted(c, Ja4.TCP);
      assertEquals("t12i120000_" + sorted + "_", r.raw());
      assertEquals("t12i120000_" + sha12(sorted) + "_000000000000", r.fingerprint());
    }
  }

  /** Signature algorithms are hashed in wire order; extension order does not matter. */
  @Test
  void signatureAlgorithmsKeepWireOrderExtensionsDoNot() {
    int[] reversed = new int[SPEC_SIGS.length];
    for (int i = 0; i < SPEC_SIGS.length; i++) {
      reversed[i] = SPEC_SIGS[SPEC_SIGS.length - 1 - i];
    }
    ClientHello r = hello(0x0303, SPEC_CIPHERS, SPEC_EXTS, List.of("h2"), new int[] {0x0304},
        reversed);
    assertEquals(sha12("0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_"
        + "0601,0806,0501,0805,0503,0401,0804,0403"), Ja4.ja4(r, Ja4.TCP).substring(24));
    int[] shuffled = new int[SPEC_EXTS.length];
    for (int i = 0; i < SPEC_EXTS.length; i++) {
      shuffled[i] = SPEC_EXTS[(i * 7) % SPEC_EXTS.length];
    }
    ClientHello s = hello(0x0303, SPEC_CIPHERS, shuffled, List.of("h2"), new int[] {0x0304},
        SPEC_SIGS);
    assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", Ja4.ja4(s, Ja4.TCP));
  }

  /** s2n-tls known value: the hello of FoxIO pcap/tls12.pcap, handshake message as published. */
  @Test
  void s2nKnownValue() {
    byte[] msg = HexFormat.of().parseHex(S2N_TLS12_HELLO);
    ClientHello c = HelloParser.parseClientHello(msg, 4, msg.length - 4);
    assertEquals("t13d1715h2_5b57614c22b0_3d5424432f57", Ja4.ja4(c, Ja4.TCP));
  }

  static final String S2N_TLS12_HELLO =
      "010001fc0303ecb2691addb2bf6c599c7aaae23de5f42561cc04eb41029acc6fc050a16ac1d22046f8617b58"
          + "0ac9358e2aa44e306d52466bcc989c87c8ca64309f5faf50ba7b4d0022130113031302c02bc02fcca9cca8c0"
          + "2cc030c00ac009c013c014009c009d002f00350100019100000021001f00001c636f6e74696c652e73657276"
          + "696365732e6d6f7a696c6c612e636f6d00170000ff01000100000a000e000c001d0017001800190100010100"
          + "0b00020100002300000010000e000c02683208687474702f312e310005000501000000000022000a00080403"
          + "0503060302030033006b0069001d00208909858fbeb6ed2f1248ba5b9e2978bead0e840110192c61daed0096"
          + "798b184400170041044d183d91f5eed35791fa982464e3b0214aaa5f5d1b78616d9b9fbebc22d11f535b2f94"
          + "c686143136aa795e6e5a875d6c08064ad5b76d44caad766e2483012748002b00050403040303000d00180016"
          + "04030503060308040805080604010501060102030201002d00020101001c000240010015007a000000000000"
          + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
          + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
          + "00000000000000000000000000000000000000000000000000000000";
}
