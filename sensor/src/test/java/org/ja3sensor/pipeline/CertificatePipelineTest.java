package org.ja3sensor.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.event.TlsEvent;
import org.junit.jupiter.api.Test;

/**
 * When a TLS 1.2 handshake's event goes out and what certificate it carries (CLARIFICATIONS,
 * "Server certificates"): at the complete Certificate message, else at ServerHelloDone,
 * ChangeCipherSpec, the byte cap or FIN; hostile Certificate messages through the whole pipeline.
 */
class CertificatePipelineTest {
  static final long SEC = 1_000_000_000L;
  static final int CPORT = 41000;
  static final int CISN = 1000;
  static final int SISN = 5000;

  final List<TlsEvent> events = new ArrayList<>();
  final Counters counters = new Counters();
  Pipeline pipeline = new Pipeline(PipelineConfig.defaults(), counters, events::add);
  int serverSeq = SISN + 1;

  private void send(boolean fromClient, int seq, int flags, byte[] data, long ts) {
    pipeline.onSegment(PipelineTest.seg(fromClient, CPORT, seq, flags, data, 0,
        data == null ? 0 : data.length), ts, 0);
  }

  /** SYN, SYN-ACK, ClientHello. */
  private void open() {
    send(true, CISN, DecodedPacket.SYN, null, SEC);
    send(false, SISN, DecodedPacket.SYN | DecodedPacket.ACK, null, SEC);
    send(true, CISN + 1, DecodedPacket.ACK | DecodedPacket.PSH,
        Hellos.clientHelloRecord("leaf.example.test", 10), SEC + 1000);
  }

  /** Server bytes, in segments of at most 1448 bytes. */
  private void server(byte[] data, long ts) {
    for (int off = 0; off < data.length; off += 1448) {
      byte[] part = Arrays.copyOfRange(data, off, Math.min(data.length, off + 1448));
      send(false, serverSeq, DecodedPacket.ACK | DecodedPacket.PSH, part, ts);
      serverSeq += part.length;
    }
  }

  static byte[] record(int type, byte[] body) {
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.write(type);
    r.write(3);
    r.write(3);
    r.write(body.length >>> 8);
    r.write(body.length);
    r.writeBytes(body);
    return r.toByteArray();
  }

  static byte[] message(int type, byte[] body) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(type);
    o.write(body.length >>> 16);
    o.write(body.length >>> 8);
    o.write(body.length);
    o.writeBytes(body);
    return o.toByteArray();
  }

  /** Handshake records of at most 16384 bytes carrying these messages. */
  static byte[] handshakeRecords(byte[]... messages) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      all.writeBytes(m);
    }
    byte[] b = all.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int off = 0; off < b.length; off += 16384) {
      out.writeBytes(record(22, Arrays.copyOfRange(b, off, Math.min(b.length, off + 16384))));
    }
    return out.toByteArray();
  }

  /** A Certificate message body holding these certificates. */
  static byte[] certificateBody(byte[]... certs) {
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    for (byte[] c : certs) {
      list.write(c.length >>> 16);
      list.write(c.length >>> 8);
      list.write(c.length);
      list.writeBytes(c);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(list.size() >>> 16);
    out.write(list.size() >>> 8);
    out.write(list.size());
    out.writeBytes(list.toByteArray());
    return out.toByteArray();
  }

  static byte[] cert(int fill, int len) {
    byte[] c = new byte[len];
    Arrays.fill(c, (byte) fill);
    c[0] = 0x30;
    return c;
  }

  private static final byte[] SH = Hellos.serverHelloOnlyRecord();

  @Test
  void eventWaitsForTheCertificateInALaterSegment() {
    open();
    server(SH, 2 * SEC);
    assertEquals(0, events.size(), "a TLS 1.2 event waits for the certificate");
    byte[] leaf = cert(1, 1500);
    byte[] ca = cert(2, 1100);
    server(handshakeRecords(message(11, certificateBody(leaf, ca))), 2 * SEC + 5);
    assertEquals(1, events.size());
    TlsEvent e = events.get(0);
    assertEquals(TlsEvent.Trigger.SERVER_HELLO, e.trigger);
    assertEquals(Hellos.SERVER_JA3S, e.ja3sString == null ? deriveJa3s(e) : e.ja3sString);
    assertNotNull(e.serverCertificates);
    assertEquals(2, e.serverCertificates.chainLength());
    assertArrayEquals(leaf, e.serverCertificates.der(0));
    assertEquals(0, counters.totalAnomalies());
    send(false, serverSeq, DecodedPacket.FIN | DecodedPacket.ACK, null, 3 * SEC);
    pipeline.finish();
    assertEquals(1, events.size());
  }

  private static String deriveJa3s(TlsEvent e) {
    e.deriveFields();
    return e.ja3sString;
  }

  @Test
  void serverHelloCertificateAndDoneInOneSegment() {
    open();
    server(concat(SH, handshakeRecords(message(11, certificateBody(cert(3, 900))),
        message(12, new byte[100]), message(14, new byte[0]))), 2 * SEC);
    assertEquals(1, events.size());
    assertEquals(1, events.get(0).serverCertificates.chainLength());
  }

  @Test
  void changeCipherSpecAfterTheServerHelloMeansNoCertificate() {
    open();
    server(concat(SH, record(20, new byte[] {1})), 2 * SEC);
    assertEquals(1, events.size());
    assertNull(events.get(0).serverCertificates);
    assertEquals(0, counters.totalAnomalies());
  }

  @Test
  void finMidCertificateGivesAnEventWithoutCertificateAndACount() {
    open();
    byte[] flight = concat(SH, handshakeRecords(message(11, certificateBody(cert(4, 3000)))));
    server(Arrays.copyOf(flight, SH.length + 1200), 2 * SEC);
    assertEquals(0, events.size());
    send(false, serverSeq, DecodedPacket.FIN | DecodedPacket.ACK, null, 3 * SEC);
    assertEquals(1, events.size());
    // The server's own direction ended (its FIN): the trigger stays server_hello (a FIN from one
    // side no longer closes the flow; docs/events.md "Server certificates").
    assertEquals(TlsEvent.Trigger.SERVER_HELLO, events.get(0).trigger);
    assertNull(events.get(0).serverCertificates);
    assertEquals(1, counters.get(Anomaly.TLS_CERTIFICATE_INCOMPLETE));
  }

  @Test
  void capReachedByTheCertificate() {
    PipelineConfig d = PipelineConfig.defaults();
    pipeline = new Pipeline(new PipelineConfig(d.maxFlows(), d.idleTimeoutNanos(), 4096,
        d.reassemblyMemcap(), d.scanLimit(), d.maxOutOfOrderSegments()), counters, events::add);
    open();
    server(concat(SH, handshakeRecords(message(11, certificateBody(cert(5, 6000))))), 2 * SEC);
    assertEquals(1, events.size(), "the event goes out when the cap is reached");
    assertNull(events.get(0).serverCertificates);
    assertEquals(1, counters.get(Anomaly.TLS_CERTIFICATE_INCOMPLETE));
  }

  @Test
  void hundredCertificatesAndALyingLength() {
    open();
    byte[][] many = new byte[100][];
    for (int i = 0; i < 100; i++) {
      many[i] = cert(i, 60);
    }
    server(concat(SH, handshakeRecords(message(11, certificateBody(many)))), 2 * SEC);
    assertEquals(1, events.size());
    assertEquals(100, events.get(0).serverCertificates.chainLength());
    assertEquals(1, counters.get(Anomaly.TLS_CERTIFICATE_CHAIN_TOO_LONG));

    events.clear();
    pipeline.finish();
    events.clear();
    serverSeq = SISN + 1;
    open();
    byte[] body = certificateBody(cert(7, 500), cert(8, 500));
    body[3 + 3 + 500] = 0x7f; // the second certificate claims 8 MB
    server(concat(SH, handshakeRecords(message(11, body))), 2 * SEC);
    TlsEvent e = events.get(events.size() - 1);
    assertEquals(1, e.serverCertificates.chainLength());
    assertEquals(1, counters.get(Anomaly.TLS_CERTIFICATE_MALFORMED));
  }

  @Test
  void garbageCertificateOf64KiBIsHashedAndCountedUnparseable() {
    open();
    byte[] g = new byte[65536];
    new java.util.Random(5).nextBytes(g);
    server(concat(SH, handshakeRecords(message(11, certificateBody(g)))), 2 * SEC);
    assertEquals(1, events.size());
    TlsEvent e = events.get(0);
    assertEquals(40, e.serverCertificates.leaf().sha1().length());
    assertNull(e.serverCertificates.leaf().fields());
    assertEquals(1, counters.get(Anomaly.X509_UNPARSEABLE));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }
}
