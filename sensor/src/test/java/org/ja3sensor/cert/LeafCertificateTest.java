package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every field and check of {@link LeafCertificate} against what {@code openssl x509} reports. */
class LeafCertificateTest {
  @TempDir static Path dir;
  static OpenSsl.TestCerts certs;

  /** openssl's signature algorithm names to Go's (the names ECS recommends). */
  private static final Map<String, String> GO_NAMES =
      Map.of(
          "sha1WithRSAEncryption", "SHA1-RSA",
          "sha256WithRSAEncryption", "SHA256-RSA",
          "sha384WithRSAEncryption", "SHA384-RSA",
          "ecdsa-with-SHA256", "ECDSA-SHA256");

  @BeforeAll
  static void make() throws IOException {
    OpenSsl.assumeAvailable();
    certs = new OpenSsl.TestCerts(dir);
  }

  private static LeafCertificate leaf(Path pem, Counters c) throws IOException {
    return LeafCertificate.of(OpenSsl.der(pem), c);
  }

  @Test
  void everyFieldAsOpensslReportsIt() throws IOException {
    for (Path pem : List.of(certs.weakSelfSigned, certs.ca, certs.leaf)) {
      Counters c = new Counters();
      LeafCertificate l = leaf(pem, c);
      String what = pem.getFileName().toString();
      assertEquals(fingerprint(pem, "-sha1"), l.sha1(), what);
      assertEquals(fingerprint(pem, "-sha256"), l.sha256(), what);
      assertEquals(fingerprint(pem, "-md5"), l.md5(), what);
      assertTrue(l.parsed(), what);
      LeafCertificate.Fields f = l.fields();
      assertEquals(OpenSsl.field(dir, pem, "serial", "-serial"), f.serialNumber, what);
      assertEquals(
          OpenSsl.field(dir, pem, "subject", "-subject", "-nameopt", "RFC2253"),
          f.subject.distinguishedName, what);
      assertEquals(
          OpenSsl.field(dir, pem, "issuer", "-issuer", "-nameopt", "RFC2253"),
          f.issuer.distinguishedName, what);
      assertEquals(isoDate(pem, "notBefore", "-startdate"), Instant.ofEpochMilli(f.notBeforeMillis));
      assertEquals(isoDate(pem, "notAfter", "-enddate"), Instant.ofEpochMilli(f.notAfterMillis));
      String text = OpenSsl.run(dir, "openssl", "x509", "-in", pem.toString(), "-noout", "-text");
      assertEquals(group(text, "Version: (\\d+)"), String.valueOf(f.version), what);
      assertEquals(group(text, "Public-Key: \\((\\d+) bit\\)"), String.valueOf(f.publicKeySize), what);
      String keyAlg = group(text, "Public Key Algorithm: (\\S+)");
      assertEquals(keyAlg.equals("rsaEncryption") ? "RSA" : "ECDSA", f.publicKeyAlgorithm, what);
      if (keyAlg.equals("rsaEncryption")) {
        assertEquals(group(text, "Exponent: (\\d+)"), String.valueOf(f.publicKeyExponent), what);
      } else {
        assertEquals(group(text, "NIST CURVE: P-(\\d+)"), f.publicKeyCurve.substring(5), what);
      }
      assertEquals(GO_NAMES.get(group(text, "Signature Algorithm: (\\S+)")), f.signatureAlgorithm,
          what);
      assertEquals(sans(pem), f.alternativeNames, what);
      assertEquals(0, c.totalAnomalies(), what);
    }
  }

  @Test
  void subjectAndIssuerParts() throws IOException {
    LeafCertificate.Fields w = leaf(certs.weakSelfSigned, new Counters()).fields();
    assertEquals(List.of("www.example.test"), w.subject.commonName);
    assertEquals(List.of("DE"), w.subject.country);
    assertEquals(List.of("Berlin"), w.subject.stateOrProvince);
    assertEquals(List.of("Berlin"), w.subject.locality);
    assertEquals(List.of("Example Org"), w.subject.organization);
    assertEquals(List.of("Sensors"), w.subject.organizationalUnit);
    LeafCertificate.Fields l = leaf(certs.leaf, new Counters()).fields();
    assertEquals(List.of("Test Root CA"), l.issuer.commonName);
    assertEquals(List.of("Test CA Inc"), l.issuer.organization);
    assertEquals(List.of("Roots"), l.issuer.organizationalUnit);
    assertEquals(List.of("US"), l.issuer.country);
    assertEquals(List.of(), l.issuer.locality);
    assertEquals(List.of("Leaf Org"), l.subject.organization);
  }

  @Test
  void policyChecks() throws IOException {
    LeafCertificate weak = leaf(certs.weakSelfSigned, new Counters());
    LeafCertificate ca = leaf(certs.ca, new Counters());
    LeafCertificate signed = leaf(certs.leaf, new Counters());
    assertTrue(weak.selfSigned());
    assertTrue(ca.selfSigned());
    assertFalse(signed.selfSigned());
    assertTrue(weak.weakKey());
    assertTrue(weak.weakSignature());
    assertFalse(ca.weakKey());
    assertFalse(ca.weakSignature());
    assertFalse(signed.weakKey()); // EC P-256: the RSA rule does not apply
    assertFalse(signed.weakSignature());

    long nb = weak.fields().notBeforeMillis;
    long na = weak.fields().notAfterMillis;
    assertTrue(weak.notYetValidAt(nb - 1000));
    assertFalse(weak.notYetValidAt(nb));
    assertFalse(weak.expiredAt(na));
    assertTrue(weak.expiredAt(na + 1000));
    assertFalse(weak.expiredAt(nb + 1000));

    assertTrue(weak.covers("www.example.test"));
    assertTrue(weak.covers("WWW.Example.Test."));
    assertTrue(weak.covers("mail.example.test"));
    assertFalse(weak.covers("a.b.example.test"));
    assertFalse(weak.covers("example.test"));
    assertFalse(weak.covers("www.example.org"));
    assertTrue(weak.covers("192.0.2.1"));
    assertFalse(weak.covers("192.0.2.2"));
    assertTrue(signed.covers("alt.example.test"));
    // SANs present: the CN alone does not count (CA has no SAN and CN "Test Root CA").
    assertFalse(signed.covers("www.example.test"));
    // No SAN: the subject's CN is the name (RFC 6125 6.4.4).
    assertFalse(ca.covers("www.example.test"));
    assertTrue(leaf(certs.leaf, new Counters()).covers("leaf.example.test"));
  }

  @Test
  void garbageIsCountedOnceAndStillHashed() {
    byte[] garbage = new byte[65536];
    new java.util.Random(13).nextBytes(garbage);
    garbage[0] = 0x30;
    Counters c = new Counters();
    LeafCertificate l = LeafCertificate.of(garbage, c);
    assertEquals(40, l.sha1().length());
    assertFalse(l.parsed());
    assertNull(l.fields());
    assertFalse(l.selfSigned() || l.expiredAt(0) || l.notYetValidAt(0) || l.weakKey()
        || l.weakSignature());
    assertTrue(l.covers("anything.example")); // nothing to say: no mismatch flag
    assertEquals(1, c.get(Anomaly.X509_UNPARSEABLE));
    // PEM text in the DER slot is not parsed either.
    LeafCertificate pem = LeafCertificate.of("-----BEGIN CERTIFICATE-----".getBytes(), c);
    assertFalse(pem.parsed());
    assertEquals(2, c.get(Anomaly.X509_UNPARSEABLE));
  }

  @Test
  void truncatedAndBitFlippedCertificatesNeverThrow() throws IOException {
    byte[] der = OpenSsl.der(certs.leaf);
    java.util.Random r = new java.util.Random(42);
    for (int i = 0; i < 300; i++) {
      byte[] b = java.util.Arrays.copyOf(der, 1 + r.nextInt(der.length));
      if (r.nextBoolean() && b.length > 1) {
        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
      }
      LeafCertificate l = LeafCertificate.of(b, new Counters());
      l.sha256();
      if (l.fields() != null) {
        l.selfSigned();
        l.covers("leaf.example.test");
      }
    }
  }

  private static String fingerprint(Path pem, String alg) throws IOException {
    String out = OpenSsl.run(dir, "openssl", "x509", "-in", pem.toString(), "-noout",
        "-fingerprint", alg);
    return out.substring(out.indexOf('=') + 1).strip().replace(":", "");
  }

  private static Instant isoDate(Path pem, String key, String opt) throws IOException {
    String v = OpenSsl.field(dir, pem, key, opt, "-dateopt", "iso_8601");
    return Instant.parse(v.replace(' ', 'T'));
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " not in openssl's output");
    return m.group(1);
  }

  /** openssl's subjectAltName list as values (DNS:x, IP Address:y). */
  private static List<String> sans(Path pem) throws IOException {
    String text = OpenSsl.run(dir, "openssl", "x509", "-in", pem.toString(), "-noout", "-text");
    List<String> out = new ArrayList<>();
    int i = text.indexOf("X509v3 Subject Alternative Name:");
    if (i < 0) {
      return out;
    }
    String line = text.substring(i).split("\n")[1].strip();
    for (String part : line.split(", ")) {
      out.add(part.substring(part.indexOf(':') + 1));
    }
    assertNotNull(out);
    return out;
  }
}
