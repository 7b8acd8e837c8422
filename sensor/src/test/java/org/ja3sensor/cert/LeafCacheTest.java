package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LeafCache}: same bytes give the same analysed leaf, counts stay per use, bounds hold. */
class LeafCacheTest {
  @TempDir static Path dir;
  static OpenSsl.TestCerts certs;

  @BeforeAll
  static void make() throws IOException {
    OpenSsl.assumeAvailable();
    certs = new OpenSsl.TestCerts(dir);
  }

  @Test
  void aCertificateSeenAgainIsNotAnalysedAgainAndGivesTheSameFields() throws IOException {
    LeafCache cache = new LeafCache();
    byte[] der = OpenSsl.der(certs.leaf);
    // The same certificate at another offset of another buffer (as two chains hold it).
    byte[] other = new byte[der.length + 7];
    System.arraycopy(der, 0, other, 7, der.length);
    Counters c = new Counters();
    LeafCertificate first = cache.leaf(der, 0, der.length, c);
    LeafCertificate again = cache.leaf(other, 7, der.length, c);
    assertSame(first, again);
    assertEquals(1, cache.misses());
    assertEquals(1, cache.hits());
    LeafCertificate fresh = LeafCertificate.of(der, new Counters());
    assertEquals(fresh.sha1(), again.sha1());
    assertEquals(fresh.sha256(), again.sha256());
    assertEquals(fresh.md5(), again.md5());
    assertEquals(fresh.fields().subject.distinguishedName, again.fields().subject.distinguishedName);
    assertEquals(fresh.selfSigned(), again.selfSigned());
    // Changing the caller's buffer afterwards changes nothing cached (the cache keeps a copy).
    Arrays.fill(other, (byte) 0);
    assertEquals(fresh.sha1(), cache.leaf(der, 0, der.length, c).sha1());
    assertEquals(0, c.totalAnomalies());
  }

  @Test
  void oneByteOfDifferenceIsAnotherCertificate() throws IOException {
    LeafCache cache = new LeafCache();
    byte[] der = OpenSsl.der(certs.leaf);
    byte[] changed = der.clone();
    changed[changed.length - 1] ^= 1; // a bit of the signature
    Counters c = new Counters();
    LeafCertificate a = cache.leaf(der, 0, der.length, c);
    LeafCertificate b = cache.leaf(changed, 0, changed.length, c);
    assertNotSame(a, b);
    assertFalse(a.sha1().equals(b.sha1()));
    assertEquals(2, cache.misses());
  }

  @Test
  void anUnparseableCertificateIsCountedOnEveryUseAsWithoutTheCache() {
    LeafCache cache = new LeafCache();
    byte[] garbage = new byte[300];
    garbage[0] = 0x30;
    Arrays.fill(garbage, 1, garbage.length, (byte) 0x41);
    Counters c = new Counters();
    for (int i = 0; i < 3; i++) {
      LeafCertificate l = cache.leaf(garbage, 0, garbage.length, c);
      assertFalse(l.parsed());
      assertEquals(40, l.sha1().length()); // the hashes are still there
    }
    assertEquals(3, c.get(Anomaly.X509_UNPARSEABLE));
    assertEquals(2, cache.hits());
  }

  @Test
  void boundedByEntriesAndBytesWhateverTheTraffic() {
    LeafCache cache = new LeafCache();
    Counters c = new Counters();
    // Distinct unparseable "certificates" of 8 KB each: the byte bound (1 MiB) holds first.
    for (int i = 0; i < 1000; i++) {
      byte[] b = new byte[8192];
      b[0] = 0x30;
      b[1] = (byte) i;
      b[2] = (byte) (i >> 8);
      cache.leaf(b, 0, b.length, c);
      assertTrue(cache.bytes() <= LeafCache.MAX_BYTES, "bytes " + cache.bytes());
      assertTrue(cache.size() <= LeafCache.MAX_ENTRIES);
    }
    assertEquals(LeafCache.MAX_BYTES / 8192, cache.size());
    // Small ones: the entry bound holds.
    for (int i = 0; i < 1000; i++) {
      byte[] b = {0x30, (byte) i, (byte) (i >> 8), 1};
      cache.leaf(b, 0, b.length, c);
    }
    assertEquals(LeafCache.MAX_ENTRIES, cache.size());
    // Larger than a certificate can usefully be: analysed, never kept.
    long before = cache.bytes();
    byte[] huge = new byte[LeafCache.MAX_CERT_BYTES + 1];
    huge[0] = 0x30;
    cache.leaf(huge, 0, huge.length, c);
    cache.leaf(huge, 0, huge.length, c);
    assertEquals(before, cache.bytes());
    assertEquals(0, cache.hits());
  }
}
