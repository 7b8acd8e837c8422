package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Test;

/** The server's messages after its ServerHello, in chunks of every size. */
class CertificateAssemblerTest {
  private static byte[] message(int type, byte[] body) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(type);
    o.write(body.length >>> 16);
    o.write(body.length >>> 8);
    o.write(body.length);
    o.writeBytes(body);
    return o.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  private static final byte[] LEAF = filled(1, 1200);
  private static final byte[] CA = filled(2, 900);
  private static final byte[] FLIGHT =
      concat(message(0, new byte[0]), message(11, CertificateMessageTest.body(LEAF, CA)),
          message(12, new byte[300]), message(14, new byte[0]));

  private static byte[] filled(int v, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }

  @Test
  void everyChunkSizeGivesTheSameChain() {
    for (int chunk = 1; chunk <= FLIGHT.length; chunk += chunk < 16 ? 1 : 97) {
      Counters c = new Counters();
      CertificateAssembler a = new CertificateAssembler(c, 128 * 1024);
      int status = CertificateAssembler.NEED_MORE;
      for (int off = 0; off < FLIGHT.length && status == CertificateAssembler.NEED_MORE;
          off += chunk) {
        status = a.accept(FLIGHT, off, Math.min(chunk, FLIGHT.length - off));
      }
      assertEquals(CertificateAssembler.DONE, status, "chunk " + chunk);
      ServerCertificates s = a.certificates();
      assertNotNull(s, "chunk " + chunk);
      assertEquals(2, s.chainLength());
      assertArrayEquals(LEAF, s.der(0));
      assertArrayEquals(CA, s.der(1));
      assertEquals(0, a.bufferedBytes());
      assertEquals(0, c.totalAnomalies());
    }
  }

  @Test
  void serverHelloDoneFirstMeansNoCertificate() {
    Counters c = new Counters();
    CertificateAssembler a = new CertificateAssembler(c, 1024);
    byte[] m = concat(message(12, new byte[40]), message(14, new byte[0]));
    assertEquals(CertificateAssembler.DONE, a.accept(m, 0, m.length));
    assertNull(a.certificates());
    assertEquals(0, c.totalAnomalies());
  }

  @Test
  void aCertificateAboveTheCapIsIncompleteAndNotBuffered() {
    Counters c = new Counters();
    CertificateAssembler a = new CertificateAssembler(c, 1024);
    byte[] m = message(11, CertificateMessageTest.body(filled(3, 5000)));
    assertEquals(CertificateAssembler.DONE, a.accept(m, 0, 10));
    assertNull(a.certificates());
    assertEquals(0, a.bufferedBytes());
    assertEquals(1, c.get(Anomaly.TLS_CERTIFICATE_INCOMPLETE));
  }

  @Test
  void interruptedMidCertificateIsCountedOnce() {
    Counters c = new Counters();
    CertificateAssembler a = new CertificateAssembler(c, 128 * 1024);
    byte[] m = message(11, CertificateMessageTest.body(LEAF));
    assertEquals(CertificateAssembler.NEED_MORE, a.accept(m, 0, 600));
    assertEquals(true, a.inCertificate());
    a.interrupted();
    a.interrupted();
    assertNull(a.certificates());
    assertEquals(1, c.get(Anomaly.TLS_CERTIFICATE_INCOMPLETE));
    // Interrupted before any Certificate byte: nothing to count.
    CertificateAssembler b = new CertificateAssembler(c, 1024);
    b.interrupted();
    assertEquals(1, c.get(Anomaly.TLS_CERTIFICATE_INCOMPLETE));
  }

  @Test
  void emptyCertificateMessageIsMalformed() {
    Counters c = new Counters();
    CertificateAssembler a = new CertificateAssembler(c, 1024);
    byte[] m = message(11, new byte[0]);
    assertEquals(CertificateAssembler.DONE, a.accept(m, 0, m.length));
    assertEquals(1, c.get(Anomaly.TLS_CERTIFICATE_MALFORMED));
  }
}
