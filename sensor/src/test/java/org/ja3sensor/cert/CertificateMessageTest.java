package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Test;

/** Framing of the Certificate message, well-formed and hostile: counted, bounded, no throw. */
class CertificateMessageTest {

  /** A Certificate message body: certificate_list with each certificate's 3-byte length. */
  static byte[] body(byte[]... certs) {
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    for (byte[] c : certs) {
      u24(list, c.length);
      list.writeBytes(c);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    u24(out, list.size());
    out.writeBytes(list.toByteArray());
    return out.toByteArray();
  }

  private static void u24(ByteArrayOutputStream o, int v) {
    o.write(v >>> 16);
    o.write(v >>> 8);
    o.write(v);
  }

  private static byte[] cert(int n, int len) {
    byte[] b = new byte[len];
    Arrays.fill(b, (byte) n);
    b[0] = 0x30;
    return b;
  }

  @Test
  void chainLeafFirst() {
    byte[] a = cert(1, 700);
    byte[] b = cert(2, 900);
    byte[] m = body(a, b);
    Counters c = new Counters();
    for (boolean owned : new boolean[] {false, true}) {
      byte[] padded = new byte[m.length + 10];
      System.arraycopy(m, 0, padded, 5, m.length);
      ServerCertificates s = CertificateMessage.split(padded, 5, m.length, owned, c);
      assertEquals(2, s.chainLength());
      assertEquals(2, s.kept());
      assertArrayEquals(a, s.der(0));
      assertArrayEquals(b, s.der(1));
      assertEquals(LeafCertificate.of(a, c).sha1(), s.leaf().sha1());
    }
    // leaf() analyses the leaf at once (LeafCache): these made-up certificates do not parse,
    // counted once per chain whose leaf was asked for, and nothing else.
    assertEquals(2, c.get(org.ja3sensor.core.Anomaly.X509_UNPARSEABLE));
    assertEquals(2, c.totalAnomalies());
  }

  @Test
  void emptyListIsNoLeaf() {
    Counters c = new Counters();
    ServerCertificates s = CertificateMessage.split(new byte[3], 0, 3, false, c);
    assertEquals(0, s.chainLength());
    assertNull(s.leaf());
    assertEquals(0, c.totalAnomalies());
  }

  @Test
  void hundredCertificatesKeepSixteenCountAll() {
    byte[][] certs = new byte[100][];
    for (int i = 0; i < 100; i++) {
      certs[i] = cert(i, 50);
    }
    Counters c = new Counters();
    ServerCertificates s = CertificateMessage.split(body(certs), 0, body(certs).length, true, c);
    assertEquals(100, s.chainLength());
    assertEquals(CertificateMessage.MAX_KEPT, s.kept());
    assertArrayEquals(certs[15], s.der(15));
    assertEquals(1, c.get(Anomaly.TLS_CERTIFICATE_CHAIN_TOO_LONG));
  }

  @Test
  void listLengthThatLies() {
    byte[] a = cert(1, 100);
    byte[] m = body(a, cert(2, 100));
    Counters c = new Counters();
    // Claims more than the body holds: frame what is there.
    byte[] longer = m.clone();
    longer[0] = 0x7f;
    ServerCertificates s = CertificateMessage.split(longer, 0, longer.length, false, c);
    assertEquals(2, s.chainLength());
    assertEquals(1, c.get(Anomaly.TLS_CERTIFICATE_MALFORMED));
    // Claims less: only the first certificate fits in the claimed list.
    byte[] shorter = m.clone();
    shorter[2] = (byte) (103 + 50);
    shorter[1] = 0;
    s = CertificateMessage.split(shorter, 0, shorter.length, false, c);
    assertEquals(1, s.chainLength());
    assertArrayEquals(a, s.der(0));
    assertEquals(2, c.get(Anomaly.TLS_CERTIFICATE_MALFORMED));
  }

  @Test
  void certificateLengthThatLies() {
    byte[] a = cert(1, 100);
    byte[] m = body(a, cert(2, 100));
    m[3 + 3 + 100] = 0x40; // second certificate claims 4 MB
    Counters c = new Counters();
    ServerCertificates s = CertificateMessage.split(m, 0, m.length, false, c);
    assertEquals(1, s.chainLength());
    assertArrayEquals(a, s.der(0));
    assertEquals(1, c.get(Anomaly.TLS_CERTIFICATE_MALFORMED));
  }

  @Test
  void truncatedAndEmptyCertificates() {
    Counters c = new Counters();
    byte[] m = body(cert(1, 100), cert(2, 100));
    for (int cut = 0; cut < m.length; cut++) {
      ServerCertificates s = CertificateMessage.split(m, 0, cut, false, c);
      if (cut < 3) {
        assertNull(s);
      } else {
        assertNotNull(s);
        int expected = cut >= 3 + 103 ? 1 : 0;
        assertEquals(expected, s.chainLength(), "cut at " + cut);
      }
    }
    assertEquals(m.length, c.get(Anomaly.TLS_CERTIFICATE_MALFORMED));
    byte[] empty = body(new byte[0]);
    assertEquals(0, CertificateMessage.split(empty, 0, empty.length, false, c).chainLength());
  }

  @Test
  void garbageCertificateOf64KiB() {
    byte[] g = new byte[65536];
    new Random(7).nextBytes(g);
    byte[] m = body(g);
    Counters c = new Counters();
    ServerCertificates s = CertificateMessage.split(m, 0, m.length, true, c);
    assertEquals(1, s.chainLength());
    assertEquals(64, s.leaf().sha256().length());
    assertNull(s.leaf().fields());
    assertEquals(1, c.get(Anomaly.X509_UNPARSEABLE));
  }

  @Test
  void randomBytesNeverThrow() {
    Random r = new Random(1);
    Counters c = new Counters();
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[r.nextInt(64)];
      r.nextBytes(b);
      if (b.length >= 3 && r.nextBoolean()) {
        b[0] = 0;
        b[1] = 0;
        b[2] = (byte) (b.length - 3);
      }
      ServerCertificates s = CertificateMessage.split(b, 0, b.length, r.nextBoolean(), c);
      if (s != null && s.leaf() != null) {
        s.leaf().sha1();
        s.leaf().fields();
      }
    }
  }
}
