package org.ja3sensor.tls;

import static org.ja3sensor.tls.Hellos.bytes;
import static org.ja3sensor.tls.Hellos.clientHello;
import static org.ja3sensor.tls.Hellos.clientHelloExtLen;
import static org.ja3sensor.tls.Hellos.ext;
import static org.ja3sensor.tls.Hellos.goodExtensions;
import static org.ja3sensor.tls.Hellos.groups;
import static org.ja3sensor.tls.Hellos.pointFormats;
import static org.ja3sensor.tls.Hellos.sni;
import static org.ja3sensor.tls.Hellos.u16;
import static org.ja3sensor.tls.Hellos.u8;
import static org.ja3sensor.tls.TlsVectors.concat;
import static org.ja3sensor.tls.TlsVectors.tsharkList;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;
import org.ja3sensor.fingerprint.Ja3;
import org.ja3sensor.tls.CorpusFacts.Fact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HelloParser on real hellos of the conformance corpus (fields asserted against tshark 4.0.17's
 * dissection of the same frame, fingerprints against tshark's rows in expected.tsv), then on
 * synthetic malformations.
 */
class HelloParserTest {

  static Stream<Fact> facts() {
    return CorpusFacts.FACTS.stream();
  }

  @ParameterizedTest
  @MethodSource("facts")
  void fingerprintOfEveryVectorEqualsTshark(Fact fact) {
    TlsVectors.Vector v = TlsVectors.load(fact.vector());
    byte[] message = v.helloMessage();
    byte[] body = v.helloBody();
    HelloParser.Report report = new HelloParser.Report();
    String s;
    if (fact.serverHello()) {
      assertEquals(2, message[0], "handshake type of " + fact.row());
      ServerHello sh = HelloParser.parseServerHello(body, 0, body.length, report);
      assertNotNull(sh, () -> fact.row() + ": " + report.error());
      s = Ja3.ja3sString(sh);
    } else {
      assertEquals(1, message[0], "handshake type of " + fact.row());
      ClientHello ch = HelloParser.parseClientHello(body, 0, body.length, report);
      assertNotNull(ch, () -> fact.row() + ": " + report.error());
      s = Ja3.ja3String(ch);
    }
    assertEquals(fact.string(), s, fact.row());
    assertEquals(fact.hash(), Ja3.md5Hex(s), fact.row());
  }

  @ParameterizedTest
  @MethodSource("facts")
  void bodyAtAnOffsetInALargerBufferParsesTheSame(Fact fact) {
    byte[] body = TlsVectors.load(fact.vector()).helloBody();
    byte[] padded = concat(bytes(0xde, 0xad, 0xbe), body, bytes(0xef, 0xef));
    String whole = fingerprint(fact, body, 0, body.length);
    assertEquals(whole, fingerprint(fact, padded, 3, body.length));
  }

  private static String fingerprint(Fact fact, byte[] b, int off, int len) {
    return fact.serverHello()
        ? Ja3.ja3sString(HelloParser.parseServerHello(b, off, len))
        : Ja3.ja3String(HelloParser.parseClientHello(b, off, len));
  }

  // --- every field, against tshark -T fields on the same frame ---

  /** ndpi/chrome.pcap frame 4 (Chrome, GREASE in suites, extensions, groups, versions). */
  @Test
  void chromeClientHelloFields() {
    ClientHello ch = parseClient("chrome_ch");
    assertEquals(0x0303, ch.legacyVersion()); // tls.handshake.version
    assertArrayEquals(
        tsharkList("0x9a9a,0x1303,0x1301,0x1302,0xcca9,0xcca8,0xc02b,0xc02f,0xc02c,0xc030,"
            + "0xc013,0xc014,0x009c,0x009d,0x002f,0x0035"),
        ch.cipherSuites()); // tls.handshake.ciphersuite
    assertArrayEquals(new int[] {0}, ch.compressionMethods()); // tls.handshake.comp_method
    assertArrayEquals(
        tsharkList("19018,0,23,65281,10,11,35,16,5,13,18,51,45,43,27,17513,27242,21"),
        ch.extensions()); // tls.handshake.extension.type
    assertArrayEquals(tsharkList("0x6a6a,0x001d,0x0017,0x0018"), ch.supportedGroups());
    assertArrayEquals(new int[] {0}, ch.ecPointFormats());
    assertEquals("www.iit.cnr.it", ch.serverName());
    assertEquals(List.of("h2", "http/1.1"), ch.alpn());
    assertArrayEquals(tsharkList("0x6a6a,0x0304,0x0303,0x0302,0x0301"), ch.supportedVersions());
    assertArrayEquals(
        tsharkList("0x0403,0x0804,0x0401,0x0503,0x0805,0x0501,0x0806,0x0601"),
        ch.signatureAlgorithms()); // tls.handshake.sig_hash_alg
    assertTrue(ch.hasExtensionsBlock());
  }

  /** ndpi/chrome.pcap frame 6. */
  @Test
  void chromeServerHelloFields() {
    ServerHello sh = parseServer("chrome_sh");
    assertEquals(0x0303, sh.legacyVersion());
    assertEquals(0x1302, sh.cipherSuite());
    assertEquals(0, sh.compressionMethod());
    assertArrayEquals(new int[] {43, 51}, sh.extensions());
    assertEquals(0x0304, sh.selectedVersion());
    assertEquals(0x0304, sh.negotiatedVersion());
    assertNull(sh.alpn());
    assertFalse(sh.helloRetryRequest());
  }

  /** zeek/tls__hrr.pcap frame 6: tshark shows random cf21ad74...8a8339c, the RFC 8446 magic. */
  @Test
  void helloRetryRequestIsRecognisedByItsRandom() {
    ServerHello sh = parseServer("hrr_sh");
    assertTrue(sh.helloRetryRequest());
    assertEquals(0x1302, sh.cipherSuite());
    assertArrayEquals(new int[] {43, 51}, sh.extensions());
    assertEquals(0x0304, sh.selectedVersion());
  }

  @Test
  void helloRetryRequestMagicIsSha256OfItsName() throws Exception {
    byte[] sha = MessageDigest.getInstance("SHA-256")
        .digest("HelloRetryRequest".getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(sha, HelloParser.helloRetryRequestRandom());
  }

  /** suricata-verify/tls__tls13-draft18.pcap frame 10: version 0x7f12, no session id. */
  @Test
  void tls13Draft18ServerHelloHasNoSessionIdNorCompression() {
    ServerHello sh = parseServer("draft18_sh");
    assertEquals(0x7f12, sh.legacyVersion());
    assertEquals(0x1301, sh.cipherSuite());
    assertArrayEquals(new int[] {40}, sh.extensions());
    assertEquals(0, sh.selectedVersion());
    assertEquals(0x7f12, sh.negotiatedVersion());
    assertFalse(sh.helloRetryRequest());
  }

  /** s2n-tls/fragmented_ch.pcap frame 9: a 16 KB hello in three records. */
  @Test
  void fragmentedClientHelloFields() {
    ClientHello ch = parseClient("fragmented_ch");
    assertArrayEquals(
        tsharkList("0x1301,0x1302,0x1303,0xc02b,0xc02f,0xc02c,0xc030,0xcca9,0xcca8,0xc009,"
            + "0xc013,0xc023,0xc027,0xc00a,0xc014,0x009c,0x003c,0x002f,0x00ff"),
        ch.cipherSuites());
    assertArrayEquals(tsharkList("43,10,51,13,0,35,11,45,23,2569"), ch.extensions());
    assertEquals("localhost", ch.serverName());
    assertArrayEquals(tsharkList("0x0304,0x0303,0x0302,0x0301"), ch.supportedVersions());
    assertArrayEquals(
        tsharkList("0x0809,0x080a,0x080b,0x0804,0x0805,0x0806,0x0401,0x0501,0x0601,0x0301,"
            + "0x0403,0x0503,0x0603,0x0303,0x0201,0x0203"),
        ch.signatureAlgorithms());
    assertEquals(List.of(), ch.alpn());
    assertEquals(16258, TlsVectors.load("fragmented_ch").helloBody().length);
  }

  /** ndpi/tls_with_huge_ch.pcapng frame 27: no server_name, ALPN h2 and http/1.1. */
  @Test
  void hugeClientHelloFields() {
    ClientHello ch = parseClient("huge_ch");
    assertNull(ch.serverName());
    assertEquals(List.of("h2", "http/1.1"), ch.alpn());
    assertArrayEquals(tsharkList("45,13,35,10,51,43,11,16,65281,23,21"), ch.extensions());
    assertArrayEquals(
        tsharkList("0x0603,0x0201,0x0806,0x0401,0x0501,0x0403,0x0601,0x0805,0x0804,0x0503"),
        ch.signatureAlgorithms());
    assertTrue(TlsVectors.load("huge_ch").helloBody().length > 10_000);
  }

  /**
   * ndpi/tls-esni-fuzzed.pcap frame 3: tshark reports "Vector length 45203 is too large" inside
   * encrypted_server_name (65486) and still gives a JA3; the ESNI body is not read here, so the
   * hello is regular.
   */
  @Test
  void fuzzedEsniBodyDoesNotMatter() {
    byte[] body = TlsVectors.load("esni_fuzzed_ch").helloBody();
    HelloParser.Report report = new HelloParser.Report();
    ClientHello ch = HelloParser.parseClientHello(body, 0, body.length, report);
    assertNotNull(ch);
    assertEquals(0, report.irregularities(), report.firstIrregularity());
    assertArrayEquals(tsharkList("0x001d,0x0017,0x0018,0x0019,0x0100,0x0101"),
        ch.supportedGroups());
    assertArrayEquals(tsharkList("23,65281,10,11,35,16,5,51,43,13,45,65486,28"),
        ch.extensions());
  }

  /** s2n-tls/no_extensions.pcap frame 4: an extensions block of length 0. */
  @Test
  void emptyExtensionsBlock() {
    ClientHello ch = parseClient("no_extensions_ch");
    assertTrue(ch.hasExtensionsBlock());
    assertEquals(0, ch.extensions().length);
    assertEquals(26, ch.cipherSuites().length);
  }

  /** suricata-verify/tls__tls-certs-alert.pcap frame 6: the ServerHello selects ALPN h2. */
  @Test
  void serverHelloAlpn() {
    ServerHello sh = parseServer("alpn_sh");
    assertEquals("h2", sh.alpn());
    assertEquals(0xc02f, sh.cipherSuite());
    assertArrayEquals(tsharkList("65281,0,11,16,23"), sh.extensions());
    assertEquals(0, sh.selectedVersion());
    assertEquals(0x0303, sh.negotiatedVersion());
  }

  // --- synthetic malformations ---

  @Test
  void helloEndingAfterCompressionHasNoExtensionsBlock() {
    ClientHello ch = HelloParser.parseClientHello(clientHello(null), 0, 45);
    assertNotNull(ch);
    assertFalse(ch.hasExtensionsBlock());
    assertEquals("771,4865-49195,,,", Ja3.ja3String(ch));
  }

  @Test
  void sessionIdLengthBeyondBody() {
    byte[] b = clientHello(goodExtensions());
    b[34] = (byte) 0xff;
    assertMalformedClient(b, "client_hello.session_id length 255 exceeds");
  }

  @Test
  void cipherSuitesLengthBeyondBody() {
    byte[] b = clientHello(goodExtensions());
    b[35] = (byte) 200;
    assertMalformedClient(b, "client_hello.cipher_suites length 51206 exceeds");
  }

  @Test
  void compressionLengthBeyondBody() {
    byte[] b = clientHello(null);
    b[43] = 9;
    assertMalformedClient(b, "client_hello.compression_methods length 9 exceeds the 1 bytes");
  }

  @Test
  void extensionsLengthBeyondBody() {
    byte[] exts = goodExtensions();
    assertMalformedClient(clientHelloExtLen(exts, exts.length + 10),
        "client_hello.extensions length " + (exts.length + 10) + " exceeds the " + exts.length);
  }

  @Test
  void extensionLengthBeyondBlock() {
    byte[] exts = concat(sni("a.test"), ext(23, new byte[0]), groups(0x1a1a, 29, 23),
        u16(11), u16(10), bytes(1, 0));
    assertMalformedClient(clientHello(exts),
        "client_hello: extension 11 length 10 exceeds the 2 bytes left");
  }

  @Test
  void singleByteWhereTheExtensionsLengthBelongs() {
    byte[] b = concat(clientHello(null), bytes(0));
    assertMalformedClient(b, "client_hello.extensions length: 1 byte left");
  }

  @Test
  void bodyShorterThanVersionAndRandom() {
    assertMalformedClient(new byte[33], "expected at least 34");
    assertNull(HelloParser.parseServerHello(new byte[33], 0, 33));
  }

  @Test
  void oddCipherVectorIsToleratedAndNoted() {
    byte[] b = Hellos.clientHello(new byte[0],
        Hellos.cipherVector(bytes(0x13, 1, 0xc0, 0x2b, 0x0a)), bytes(1, 0), goodExtensions(), -1,
        new byte[0]);
    HelloParser.Report r = new HelloParser.Report();
    ClientHello ch = HelloParser.parseClientHello(b, 0, b.length, r);
    assertArrayEquals(new int[] {0x1301, 0xc02b}, ch.cipherSuites());
    assertEquals(1, r.irregularities());
    assertTrue(r.firstIrregularity().contains("cipher_suites length 5"), r.firstIrregularity());
  }

  @Test
  void groupsLengthBeyondExtensionGivesEmptyGroups() {
    byte[] exts = concat(sni("a.test"), ext(10, concat(u16(8), u16(29), u16(23))),
        pointFormats(0));
    HelloParser.Report r = new HelloParser.Report();
    ClientHello ch = HelloParser.parseClientHello(clientHello(exts), 0,
        clientHello(exts).length, r);
    assertEquals(0, ch.supportedGroups().length);
    assertArrayEquals(new int[] {0, 10, 11}, ch.extensions());
    assertTrue(r.firstIrregularity().startsWith("supported_groups length 8 exceeds the 4"),
        r.firstIrregularity());
  }

  @Test
  void duplicateExtensionLastOneWins() {
    byte[] exts = concat(groups(29, 23), groups(24), pointFormats(0));
    HelloParser.Report r = new HelloParser.Report();
    byte[] b = clientHello(exts);
    ClientHello ch = HelloParser.parseClientHello(b, 0, b.length, r);
    assertArrayEquals(new int[] {24}, ch.supportedGroups());
    assertArrayEquals(new int[] {10, 10, 11}, ch.extensions());
    assertTrue(r.firstIrregularity().contains("duplicate extension 10"));
  }

  @Test
  void malformedServerNameAndAlpnAreDroppedNotFatal() {
    byte[] badSni = ext(0, concat(u16(50), u8(0), u16(6), "a.test".getBytes()));
    byte[] badAlpn = ext(16, concat(u16(13), u8(2), "h2".getBytes(), u8(8),
        "http/1.1".getBytes()));
    byte[] b = clientHello(concat(badSni, badAlpn, groups(29)));
    HelloParser.Report r = new HelloParser.Report();
    ClientHello ch = HelloParser.parseClientHello(b, 0, b.length, r);
    assertNull(ch.serverName());
    assertEquals(List.of(), ch.alpn());
    assertArrayEquals(new int[] {29}, ch.supportedGroups());
    assertEquals(2, r.irregularities());
  }

  @Test
  void serverHelloExtensionsLengthBeyondBody() {
    byte[] b = Hellos.serverHello(0x0303, Hellos.RANDOM, 0x1301, ext(43, u16(0x0304)));
    HelloParser.Report r = new HelloParser.Report();
    assertNull(HelloParser.parseServerHello(b, 0, b.length - 1, r));
    assertTrue(r.error().startsWith("server_hello.extensions length 6 exceeds the 5"),
        r.error());
  }

  @Test
  void serverHelloWithoutExtensions() {
    byte[] b = Hellos.serverHello(0x0301, Hellos.RANDOM, 0x0039, null);
    ServerHello sh = HelloParser.parseServerHello(b, 0, b.length);
    assertEquals("769,57,", Ja3.ja3sString(sh));
    assertEquals(0x0301, sh.negotiatedVersion());
  }

  /** Every prefix of every vector's body parses to a hello or to null, never throws. */
  @Test
  void everyTruncationOfEveryVectorIsHandled() {
    for (Fact f : CorpusFacts.FACTS) {
      byte[] body = TlsVectors.load(f.vector()).helloBody();
      int step = body.length > 2000 ? 97 : 1;
      for (int n = 0; n <= body.length; n += step) {
        if (f.serverHello()) {
          HelloParser.parseServerHello(body, 0, n, new HelloParser.Report());
        } else {
          HelloParser.parseClientHello(body, 0, n, new HelloParser.Report());
        }
      }
    }
  }

  @Test
  void invalidSliceIsMalformedNotAnException() {
    byte[] b = new byte[50];
    assertNull(HelloParser.parseClientHello(b, 40, 20));
    assertNull(HelloParser.parseClientHello(b, -1, 10));
    assertNull(HelloParser.parseServerHello(null, 0, 0));
  }

  private static void assertMalformedClient(byte[] body, String expectedError) {
    HelloParser.Report r = new HelloParser.Report();
    assertNull(HelloParser.parseClientHello(body, 0, body.length, r));
    assertNotNull(r.error());
    assertTrue(r.error().startsWith(expectedError) || r.error().contains(expectedError),
        () -> "error was: " + r.error());
  }

  private static ClientHello parseClient(String vector) {
    byte[] body = TlsVectors.load(vector).helloBody();
    ClientHello ch = HelloParser.parseClientHello(body, 0, body.length);
    assertNotNull(ch, vector);
    return ch;
  }

  private static ServerHello parseServer(String vector) {
    byte[] body = TlsVectors.load(vector).helloBody();
    ServerHello sh = HelloParser.parseServerHello(body, 0, body.length);
    assertNotNull(sh, vector);
    return sh;
  }
}
