package org.ja3sensor.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.HelloParser;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientFingerprints}: hit or miss, the values are those of {@link Ja3} and {@link Ja4}
 * computed directly; hellos that differ in anything a fingerprint reads, or in transport, never
 * share an entry; hellos that differ only in server name do; large hellos are not kept.
 */
class ClientFingerprintsTest {

  private static final char[] TRANSPORTS = {Ja4.TCP, Ja4.QUIC, Ja4.DTLS};

  /** The six values computed by the pure functions, without the memo. */
  static ClientFingerprints direct(ClientHello ch, char transport) {
    String ja3 = Ja3.ja3String(ch);
    String ja3n = Ja3.ja3nString(ch);
    return new ClientFingerprints(
        ja3,
        md5(ja3),
        ja3n,
        md5(ja3n),
        Ja4.ja4(ch, transport),
        Ja4.sorted(ch, transport).raw());
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("MD5")
                  .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static ClientHello hello(int version, int[] ciphers, int[] exts, String sni,
      List<String> alpn, int[] versions, boolean block) {
    return new ClientHello(version, ciphers, new int[] {0}, exts, new int[] {0x0a0a, 29, 23},
        new int[] {0}, sni, alpn, versions, new int[] {0x0403, 0x0804}, block);
  }

  private static ClientHello base(String sni) {
    return hello(0x0303, new int[] {0x1a1a, 0x1301, 0x1302, 0xc02b},
        new int[] {0x2a2a, 0, 23, 10, 11, 13, 16, 43, 51}, sni, List.of("h2", "http/1.1"),
        new int[] {0x3a3a, 0x0304, 0x0303}, true);
  }

  @Test
  void aHitGivesTheDirectValuesAndTheSameObject() {
    ClientFingerprints.Memo m = new ClientFingerprints.Memo();
    ClientHello ch = base("a.example");
    ClientFingerprints first = m.get(ch, Ja4.TCP);
    assertEquals(direct(ch, Ja4.TCP), first);
    assertTrue(m.holds(ch, Ja4.TCP));
    ClientHello again = base("a.example");
    ClientFingerprints second = m.get(again, Ja4.TCP);
    assertSame(first, second);
    assertEquals(direct(again, Ja4.TCP), second);
    assertEquals(direct(ch, Ja4.TCP), ClientFingerprints.of(ch, Ja4.TCP));
    assertSame(ClientFingerprints.of(ch, Ja4.TCP), ClientFingerprints.of(again, Ja4.TCP));
  }

  /** The memo's key of a hello's content: only once the thread has kept that content. */
  @Test
  void aHelloSharesTheContentTheMemoKeeps() {
    int[] ciphers = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0x00ff, 0x7a7a}; // this test's own
    ClientHello first = hello(0x0303, ciphers, new int[] {0, 10, 13, 43}, "one.example",
        List.of("h2"), new int[] {0x0304}, true);
    ClientHello later = hello(0x0303, ciphers, new int[] {0, 10, 13, 43}, "two.example",
        List.of("h2"), new int[] {0x0304}, true);
    assertNull(ClientFingerprints.keptContent(later, Ja4.TCP)); // not kept yet
    ClientFingerprints.of(first, Ja4.TCP);
    ClientHello key = ClientFingerprints.keptContent(later, Ja4.TCP);
    assertNotNull(key);
    assertNull(key.serverName(), "a key holds no server name");
    assertTrue(key.sameContent(later));
    ClientHello again = key.withServerName(later.serverName());
    assertNotSame(later, again);
    assertEquals(later.toString(), again.toString());
    assertEquals("two.example", again.serverName());
    assertSame(ClientFingerprints.of(later, Ja4.TCP), ClientFingerprints.of(again, Ja4.TCP));
    assertNull(ClientFingerprints.keptContent(later, Ja4.QUIC)); // another key
  }

  @Test
  void helloDifferingOnlyInServerNameShareTheEntry() {
    ClientFingerprints.Memo m = new ClientFingerprints.Memo();
    ClientHello a = base("a.example");
    ClientHello b = base("some.other.host.example");
    ClientFingerprints fa = m.get(a, Ja4.TCP);
    ClientFingerprints fb = m.get(b, Ja4.TCP);
    assertSame(fa, fb);
    assertEquals(direct(a, Ja4.TCP), fa);
    assertEquals(direct(b, Ja4.TCP), fb);
  }

  @Test
  void helloDifferingInAnythingReadDoNotShare() {
    ClientHello base = base("a.example");
    List<ClientHello> others = new ArrayList<>();
    // one cipher, one extension (SNI gone: JA4 'i'), one supported version, the legacy version,
    // ALPN, the extensions block
    others.add(hello(0x0303, new int[] {0x1a1a, 0x1301, 0x1303, 0xc02b},
        new int[] {0x2a2a, 0, 23, 10, 11, 13, 16, 43, 51}, "a.example", List.of("h2", "http/1.1"),
        new int[] {0x3a3a, 0x0304, 0x0303}, true));
    others.add(hello(0x0303, new int[] {0x1a1a, 0x1301, 0x1302, 0xc02b},
        new int[] {0x2a2a, 5, 23, 10, 11, 13, 16, 43, 51}, "a.example", List.of("h2", "http/1.1"),
        new int[] {0x3a3a, 0x0304, 0x0303}, true));
    others.add(hello(0x0303, new int[] {0x1a1a, 0x1301, 0x1302, 0xc02b},
        new int[] {0x2a2a, 0, 23, 10, 11, 13, 16, 43, 51}, "a.example", List.of("h2", "http/1.1"),
        new int[] {0x3a3a, 0x0303}, true));
    others.add(hello(0x0301, new int[] {0x1a1a, 0x1301, 0x1302, 0xc02b},
        new int[] {0x2a2a, 0, 23, 10, 11, 13, 16, 43, 51}, "a.example", List.of("h2", "http/1.1"),
        new int[] {}, true));
    others.add(hello(0x0302, new int[] {0x1a1a, 0x1301, 0x1302, 0xc02b},
        new int[] {0x2a2a, 0, 23, 10, 11, 13, 16, 43, 51}, "a.example", List.of("h2", "http/1.1"),
        new int[] {}, true));
    others.add(hello(0x0303, new int[] {0x1a1a, 0x1301, 0x1302, 0xc02b},
        new int[] {0x2a2a, 0, 23, 10, 11, 13, 16, 43, 51}, "a.example", List.of("http/1.1"),
        new int[] {0x3a3a, 0x0304, 0x0303}, true));
    others.add(hello(0x0303, new int[] {0x1a1a, 0x1301, 0x1302, 0xc02b},
        new int[] {0x2a2a, 0, 23, 10, 11, 13, 16, 43, 51}, "a.example", List.of(),
        new int[] {0x3a3a, 0x0304, 0x0303}, true));
    others.add(hello(0x0303, new int[] {0x1a1a, 0x1301, 0x1302, 0xc02b},
        new int[] {0x2a2a, 0, 23, 10, 11, 13, 16, 43, 51}, "a.example", List.of("h2", "http/1.1"),
        new int[] {0x3a3a, 0x0304, 0x0303}, false));
    // a value changed in every single position of the seven lists
    for (ClientHello v : singleValueVariants(base)) {
      others.add(v);
    }
    for (ClientHello other : others) {
      ClientFingerprints.Memo m = new ClientFingerprints.Memo();
      for (int round = 0; round < 2; round++) {
        assertEquals(direct(base, Ja4.TCP), m.get(base, Ja4.TCP));
        assertEquals(direct(other, Ja4.TCP), m.get(other, Ja4.TCP), other::toString);
      }
      assertNotSame(m.get(base, Ja4.TCP), m.get(other, Ja4.TCP), other::toString);
    }
  }

  /** The hello with one value of one of its seven lists changed, for every value. */
  private static List<ClientHello> singleValueVariants(ClientHello h) {
    int[][] lists = {
      h.cipherSuites(), h.compressionMethods(), h.extensions(), h.supportedGroups(),
      h.ecPointFormats(), h.supportedVersions(), h.signatureAlgorithms()
    };
    List<ClientHello> out = new ArrayList<>();
    for (int l = 0; l < lists.length; l++) {
      for (int i = 0; i < lists[l].length; i++) {
        int[][] c = new int[lists.length][];
        for (int k = 0; k < lists.length; k++) {
          c[k] = lists[k].clone();
        }
        c[l][i] = c[l][i] == 0x0304 ? 0x0302 : c[l][i] ^ 0x0001;
        out.add(new ClientHello(h.legacyVersion(), c[0], c[1], c[2], c[3], c[4], h.serverName(),
            h.alpn(), c[5], c[6], h.hasExtensionsBlock()));
      }
    }
    return out;
  }

  @Test
  void theTransportIsPartOfTheKey() {
    ClientFingerprints.Memo m = new ClientFingerprints.Memo();
    ClientHello ch = base("a.example");
    for (int round = 0; round < 2; round++) {
      for (char t : TRANSPORTS) {
        ClientFingerprints f = m.get(ch, t);
        assertEquals(direct(ch, t), f);
        assertEquals(t, f.ja4().charAt(0));
      }
    }
    assertNotSame(m.get(ch, Ja4.TCP), m.get(ch, Ja4.QUIC));
    assertThrows(IllegalArgumentException.class, () -> m.get(ch, 'x'));
    assertFalse(m.holds(ch, 'x'));
  }

  @Test
  void aLargeHelloIsComputedButNotKept() {
    int[] many = new int[ClientFingerprints.MAX_VALUES + 1];
    for (int i = 0; i < many.length; i++) {
      many[i] = 0x1000 + i;
    }
    ClientHello big = hello(0x0303, many, new int[] {0, 10, 11}, "a", List.of(), new int[0], true);
    ClientFingerprints.Memo m = new ClientFingerprints.Memo();
    for (int round = 0; round < 2; round++) {
      assertEquals(direct(big, Ja4.TCP), m.get(big, Ja4.TCP));
      assertFalse(m.holds(big, Ja4.TCP));
    }
    // tens of thousands of values, as a hostile hello may hold
    int[] huge = new int[30_000];
    for (int i = 0; i < huge.length; i++) {
      huge[i] = i * 2;
    }
    ClientHello hostile = hello(0x0303, huge, huge, null, List.of(), new int[0], true);
    assertEquals(direct(hostile, Ja4.QUIC), m.get(hostile, Ja4.QUIC));
    assertFalse(m.holds(hostile, Ja4.QUIC));
  }

  @Test
  void aLargeAlpnListIsComputedButNotKept() {
    ClientFingerprints.Memo m = new ClientFingerprints.Memo();
    List<String> manyNames = Collections.nCopies(ClientFingerprints.MAX_ALPN_NAMES + 1, "h2");
    List<String> longName = List.of("x".repeat(ClientFingerprints.MAX_ALPN_CHARS + 1));
    List<String> fits = List.of("x".repeat(ClientFingerprints.MAX_ALPN_CHARS));
    for (List<String> alpn : List.of(manyNames, longName, fits)) {
      ClientHello ch = hello(0x0303, new int[] {0x1301}, new int[] {0, 16}, "a", alpn,
          new int[0], true);
      assertEquals(direct(ch, Ja4.TCP), m.get(ch, Ja4.TCP));
      assertEquals(alpn == fits, m.holds(ch, Ja4.TCP));
    }
  }

  @Test
  void collidingHellosTakeEachOthersSlotAndStayRight() {
    // Find two hellos of different content in the same slot, then alternate them.
    ClientFingerprints.Memo probe = new ClientFingerprints.Memo();
    ClientHello first = cipherHello(0);
    probe.get(first, Ja4.TCP);
    ClientHello second = null;
    for (int c = 1; second == null; c++) {
      ClientHello h = cipherHello(c);
      probe.get(h, Ja4.TCP);
      if (!probe.holds(first, Ja4.TCP)) {
        second = h;
      } else {
        probe = new ClientFingerprints.Memo();
        probe.get(first, Ja4.TCP);
      }
    }
    ClientFingerprints.Memo m = new ClientFingerprints.Memo();
    for (int round = 0; round < 3; round++) {
      assertEquals(direct(first, Ja4.TCP), m.get(first, Ja4.TCP));
      assertTrue(m.holds(first, Ja4.TCP));
      assertEquals(direct(second, Ja4.TCP), m.get(second, Ja4.TCP));
      assertTrue(m.holds(second, Ja4.TCP));
      assertFalse(m.holds(first, Ja4.TCP));
    }
  }

  private static ClientHello cipherHello(int c) {
    return hello(0x0303, new int[] {0x1301, c}, new int[] {0, 10, 11}, "h" + c, List.of("h2"),
        new int[0], true);
  }

  @Test
  void manyRandomHellosRepeatedAndReplacedStayRight() {
    Random r = new Random(11);
    ClientHello[] pool = new ClientHello[2000]; // more hellos than slots
    for (int i = 0; i < pool.length; i++) {
      pool[i] = hello(0x0300 + r.nextInt(5), randomList(r, 20), randomList(r, 15),
          r.nextBoolean() ? "x" + i : null, r.nextBoolean() ? List.of("h2") : List.of(),
          randomList(r, 3), r.nextInt(10) > 0);
    }
    ClientFingerprints.Memo m = new ClientFingerprints.Memo();
    for (int n = 0; n < 20_000; n++) {
      ClientHello h = pool[r.nextInt(n < 10_000 ? 40 : pool.length)];
      char t = TRANSPORTS[r.nextInt(n < 10_000 ? 1 : 3)];
      assertEquals(direct(h, t), m.get(h, t));
    }
  }

  private static int[] randomList(Random r, int max) {
    int[] v = new int[r.nextInt(max + 1)];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(8) == 0 ? 0x0a0a + 0x1010 * r.nextInt(16) : r.nextInt(65536);
    }
    return v;
  }

  // --- real hellos: the TLS vectors cut from the corpus pcaps ---

  private static final String[] REAL = {
    "chrome_ch", "draft16_chrome_ch", "draft18_ch", "draft22_ch", "esni_fuzzed_ch",
    "fragmented_ch", "hrr_ch", "http_connect_ch", "huge_ch", "ldap_starttls_ch", "mysql_tls_ch",
    "no_extensions_ch", "pop3_stls_ch", "smtp_starttls_ch", "socks5_ch", "ssl3_ch"
  };

  @Test
  void realHellosGiveTheDirectValuesHitOrMiss() {
    ClientFingerprints.Memo m = new ClientFingerprints.Memo();
    int kept = 0;
    for (int round = 0; round < 2; round++) {
      for (String name : REAL) {
        ClientHello ch = realHello(name);
        for (char t : TRANSPORTS) {
          assertEquals(direct(ch, t), m.get(ch, t), name);
          if (round == 1 && m.holds(ch, t)) {
            kept++;
          }
        }
      }
    }
    // all have 14 to 114 values: kept, but for those whose slot a later one took
    assertTrue(kept >= 3 * REAL.length / 2, "kept " + kept);
  }

  /** The first ClientHello of a vector (its plaintext prefix, if any, skipped). */
  static ClientHello realHello(String name) {
    byte[] body = org.ja3sensor.tls.TlsVectors.firstHelloBody(name);
    ClientHello ch = HelloParser.parseClientHello(body, 0, body.length);
    assertNotNull(ch, name);
    return ch;
  }
}
