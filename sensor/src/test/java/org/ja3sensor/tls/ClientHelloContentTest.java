package org.ja3sensor.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientHello#contentHash()}, {@link ClientHello#sameContent} and {@link
 * ClientHello#contentKey()}: everything a fingerprint reads is compared, the server name is not.
 */
class ClientHelloContentTest {

  /** The lists of a hello, as its constructor takes them, to make variants of. */
  private static final class Spec {
    int version = 0x0303;
    int[][] lists = {
      {0x0a0a, 0x1301, 0xc02b}, // ciphers
      {0}, // compression
      {0, 10, 11, 13, 16, 43}, // extensions
      {0x001d, 0x0017}, // groups
      {0}, // point formats
      {0x0304, 0x0303}, // supported versions
      {0x0403, 0x0804} // signature algorithms
    };
    String sni = "a.example";
    List<String> alpn = List.of("h2", "http/1.1");
    boolean extensionsBlock = true;

    ClientHello build() {
      return new ClientHello(version, lists[0], lists[1], lists[2], lists[3], lists[4], sni, alpn,
          lists[5], lists[6], extensionsBlock);
    }

    Spec copy() {
      Spec s = new Spec();
      s.version = version;
      for (int i = 0; i < lists.length; i++) {
        s.lists[i] = lists[i].clone();
      }
      s.sni = sni;
      s.alpn = alpn;
      s.extensionsBlock = extensionsBlock;
      return s;
    }
  }

  /** One variant per field: each must not have the same content as the base hello. */
  static List<ClientHello> variants() {
    List<ClientHello> out = new ArrayList<>();
    Spec base = new Spec();
    for (int l = 0; l < base.lists.length; l++) {
      for (int i = 0; i < base.lists[l].length; i++) {
        Spec s = base.copy();
        s.lists[l][i] ^= 0x0100; // one value of one list
        out.add(s.build());
      }
      Spec s = base.copy(); // one list one value longer
      int[] longer = java.util.Arrays.copyOf(s.lists[l], s.lists[l].length + 1);
      longer[longer.length - 1] = 0x00ff;
      s.lists[l] = longer;
      out.add(s.build());
    }
    for (int l = 0; l + 1 < base.lists.length; l++) {
      // The same packed values, the boundary between two neighbouring lists moved by one.
      Spec s = base.copy();
      int[] a = s.lists[l];
      int[] b = s.lists[l + 1];
      if (a.length > 0) {
        int[] b2 = new int[b.length + 1];
        b2[0] = a[a.length - 1];
        System.arraycopy(b, 0, b2, 1, b.length);
        s.lists[l] = java.util.Arrays.copyOf(a, a.length - 1);
        s.lists[l + 1] = b2;
        out.add(s.build());
      }
    }
    Spec v = base.copy();
    v.version = 0x0301;
    out.add(v.build());
    Spec a1 = base.copy();
    a1.alpn = List.of("http/1.1", "h2");
    out.add(a1.build());
    Spec a2 = base.copy();
    a2.alpn = List.of("h2");
    out.add(a2.build());
    Spec a3 = base.copy();
    a3.alpn = List.of();
    out.add(a3.build());
    Spec e = base.copy();
    e.extensionsBlock = false;
    out.add(e.build());
    return out;
  }

  @Test
  void theSameContentWithAnotherServerNameIsTheSame() {
    Spec s = new Spec();
    ClientHello a = s.build();
    s.sni = "b.other.example";
    ClientHello b = s.build();
    s.sni = null;
    ClientHello c = s.build();
    for (ClientHello x : List.of(b, c)) {
      assertTrue(a.sameContent(x));
      assertTrue(x.sameContent(a));
      assertEquals(a.contentHash(), x.contentHash());
    }
  }

  @Test
  void everyOtherFieldCounts() {
    ClientHello base = new Spec().build();
    List<ClientHello> variants = variants();
    for (ClientHello v : variants) {
      assertFalse(base.sameContent(v), v::toString);
      assertFalse(v.sameContent(base), v::toString);
    }
    for (int i = 0; i < variants.size(); i++) {
      for (int j = 0; j < variants.size(); j++) {
        assertEquals(i == j, variants.get(i).sameContent(variants.get(j)), i + " " + j);
      }
    }
  }

  @Test
  void theHashIsMadeOnceAndIsTheSameForTheSameContent() {
    ClientHello a = new Spec().build();
    int h = a.contentHash();
    assertEquals(h, a.contentHash());
    assertEquals(h, new Spec().build().contentHash());
    assertEquals(17, a.valueCount());
  }

  @Test
  void theKeyHasTheContentAndNoServerName() {
    ClientHello a = new Spec().build();
    a.cipherSuites(); // unpacked: the key does not keep the unpacked lists
    ClientHello k = a.contentKey();
    assertTrue(k.sameContent(a));
    assertEquals(a.contentHash(), k.contentHash());
    assertNull(k.serverName());
    assertArrayEquals(a.extensions(), k.extensions());
    assertEquals(a.alpn(), k.alpn());
    assertEquals(a.legacyVersion(), k.legacyVersion());
    assertEquals(a.hasExtensionsBlock(), k.hasExtensionsBlock());
  }

  /** A hello made from a key holds the key's arrays and its own server name. */
  @Test
  void aHelloMadeFromAKeySharesItsArrays() {
    Spec spec = new Spec();
    ClientHello first = spec.build();
    spec.sni = "b.example";
    ClientHello later = spec.build();
    ClientHello shared = first.contentKey().withServerName(later.serverName());
    org.junit.jupiter.api.Assertions.assertNotSame(later, shared);
    org.junit.jupiter.api.Assertions.assertTrue(shared.sharesValuesWith(first));
    org.junit.jupiter.api.Assertions.assertFalse(later.sharesValuesWith(first));
    org.junit.jupiter.api.Assertions.assertEquals("b.example", shared.serverName());
    org.junit.jupiter.api.Assertions.assertEquals(later.toString(), shared.toString());
    org.junit.jupiter.api.Assertions.assertTrue(shared.sameContent(later));
    org.junit.jupiter.api.Assertions.assertEquals(later.contentHash(), shared.contentHash());
    org.junit.jupiter.api.Assertions.assertNull(first.contentKey().withServerName(null).serverName());
  }

  /** Hellos made from one key share its unpacked lists: unpacked once, not per hello. */
  @Test
  void hellosOfOneKeyShareItsUnpackedLists() {
    Spec spec = new Spec();
    ClientHello key = spec.build().contentKey();
    ClientHello one = key.withServerName("b.example");
    ClientHello two = key.withServerName("c.example");
    assertTrue(one.sharesListsWith(key));
    assertTrue(two.sharesListsWith(key));
    assertTrue(one.cipherSuites() == two.cipherSuites(), "one array for both");
    assertTrue(one.supportedVersions() == key.supportedVersions());
    spec.sni = "c.example";
    ClientHello alone = spec.build();
    assertArrayEquals(alone.cipherSuites(), one.cipherSuites());
    assertArrayEquals(alone.signatureAlgorithms(), two.signatureAlgorithms());
    assertEquals(alone.toString(), two.toString());
    assertTrue(!alone.sharesListsWith(key), "a hello that does not share unpacks its own");
  }
}
