package org.ja3sensor.tls;

import static org.ja3sensor.tls.HandshakeAssembler.DONE;
import static org.ja3sensor.tls.HandshakeAssembler.GAVE_UP;
import static org.ja3sensor.tls.HandshakeAssembler.NEED_MORE;
import static org.ja3sensor.tls.TlsVectors.concat;
import static org.ja3sensor.tls.TlsVectors.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.fingerprint.Ja3;
import org.ja3sensor.tls.CorpusFacts.Fact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HandshakeAssembler fed plain handshake-protocol bytes, without any TLS record (as QUIC CRYPTO
 * frames will feed it): the corpus hellos whole, split in two at every offset and byte by byte,
 * must give the fingerprint tshark gave for them (CorpusFacts); then the message-level rules.
 */
class HandshakeAssemblerTest {
  static final int CAP = 128 * 1024;

  /** The handshake bytes of a corpus vector that starts with its records (no plaintext). */
  static Stream<Fact> facts() {
    return CorpusFacts.FACTS.stream()
        .filter(f -> TlsVectors.load(f.vector()).plaintextPrefix() == 0
            && !f.vector().equals("alert_then_sh"));
  }

  static byte[] handshake(Fact f) {
    return TlsVectors.handshakeBytes(TlsVectors.load(f.vector()).stream());
  }

  /** Feeds the bytes cut at the given ascending offsets; returns hello, status and anomalies. */
  static String feed(byte[] hs, int cap, int... cuts) {
    Counters c = new Counters();
    HandshakeAssembler a = new HandshakeAssembler(c, cap);
    int status = NEED_MORE;
    int from = 0;
    for (int i = 0; i <= cuts.length && status == NEED_MORE; i++) {
      int to = i < cuts.length ? cuts[i] : hs.length;
      status = a.accept(hs, from, to - from);
      from = to;
    }
    if (status != NEED_MORE) {
      assertEquals(0, a.bufferedBytes(), "buffers kept after the end");
    }
    StringBuilder s = new StringBuilder();
    if (a.clientHello() != null) {
      s.append("CH ").append(Ja3.ja3String(a.clientHello()));
    }
    if (a.serverHello() != null) {
      s.append("SH ").append(Ja3.ja3sString(a.serverHello()));
    }
    s.append(" status=").append(status);
    for (Anomaly an : Anomaly.values()) {
      if (c.get(an) > 0) {
        s.append(' ').append(an.label()).append('=').append(c.get(an));
      }
    }
    return s.toString();
  }

  static String expected(Fact f) {
    return (f.serverHello() ? "SH " : "CH ") + f.string() + " status=1";
  }

  @ParameterizedTest
  @MethodSource("facts")
  void splitAtEveryOffset(Fact f) {
    byte[] hs = handshake(f);
    String want = expected(f);
    assertEquals(want, feed(hs, CAP), f.row());
    for (int cut = 0; cut <= hs.length; cut++) {
      assertEquals(want, feed(hs, CAP, cut), f.row() + " cut at " + cut);
    }
    int[] cuts = new int[hs.length];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    assertEquals(want, feed(hs, CAP, cuts), f.row() + " byte by byte");
  }

  @Test
  void helloRequestsBeforeTheHelloAreSkipped() {
    Fact f = facts().filter(x -> !x.serverHello()).findFirst().orElseThrow();
    byte[] hs = concat(message(0, new byte[0]), message(0, new byte[0]), handshake(f));
    assertEquals(expected(f), feed(hs, CAP));
    assertEquals(expected(f), feed(hs, CAP, 3, 4, 9));
  }

  @Test
  void anotherFirstMessageIsUnexpected() {
    assertEquals(" status=2 tls_unexpected_handshake=1", feed(message(11, new byte[40]), CAP));
  }

  @Test
  void aMessageAboveTheCapIsRefusedBeforeItIsBuffered() {
    Fact f = facts().filter(x -> !x.serverHello()).findFirst().orElseThrow();
    byte[] hs = handshake(f);
    assertEquals(" status=2 tls_handshake_too_large=1", feed(hs, hs.length - 5, 10));
  }

  @Test
  void aHelloThatDoesNotParseIsMalformed() {
    assertEquals(" status=2 tls_client_hello_malformed=1", feed(message(1, new byte[10]), CAP));
    assertEquals(" status=2 tls_server_hello_malformed=1", feed(message(2, new byte[0]), CAP));
  }

  @Test
  void interruptedMidMessageCountsTheTruncatedHello() {
    Fact f = facts().filter(x -> !x.serverHello()).findFirst().orElseThrow();
    byte[] hs = handshake(f);
    Counters c = new Counters();
    HandshakeAssembler a = new HandshakeAssembler(c, CAP);
    assertEquals(NEED_MORE, a.accept(hs, 0, 100));
    assertTrue(a.inMessage());
    assertTrue(a.bufferedBytes() > 0);
    a.interrupted();
    assertEquals(GAVE_UP, a.status());
    assertEquals(0, a.bufferedBytes());
    assertEquals(1, c.get(Anomaly.TLS_CLIENT_HELLO_MALFORMED));
    assertEquals(GAVE_UP, a.accept(hs, 100, hs.length - 100));
    assertNull(a.clientHello());
  }

  @Test
  void feedingAfterTheHelloChangesNothing() {
    Fact f = facts().filter(x -> !x.serverHello()).findFirst().orElseThrow();
    byte[] hs = handshake(f);
    HandshakeAssembler a = new HandshakeAssembler(new Counters(), CAP);
    assertEquals(DONE, a.accept(hs, 0, hs.length));
    ClientHello first = a.clientHello();
    assertEquals(DONE, a.accept(hs, 0, hs.length));
    assertTrue(first == a.clientHello());
  }
}
