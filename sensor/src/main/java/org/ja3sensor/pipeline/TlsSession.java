package org.ja3sensor.pipeline;

import org.ja3sensor.cert.ServerCertificates;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * The TLS handshake of one TCP connection, as far as the pipeline follows it: the hellos seen,
 * when, and which side is the client. The session of a {@link org.ja3sensor.flow.Flow}; replaced
 * when the 4-tuple is reused by a new connection. Owned by the pipeline thread.
 */
final class TlsSession {
  /** 0 when A is the client, 1 when B is, -1 while unknown. */
  int clientSide = -1;

  /**
   * The ClientHello, until the event is emitted (then null: {@link #clientHelloSeen} stays); or,
   * for a content the thread's fingerprint memo keeps (a client seen before), the memo's key,
   * which has no server name: {@link #clientServerName} holds it. The flow then holds no hello
   * of its own while it waits (see {@link #clientHello()}).
   */
  ClientHello clientHello;
  /** The server name of the hello whose content {@link #clientHello} (a memo's key) holds. */
  String clientServerName;
  boolean clientHelloSeen;
  long clientHelloNanos;
  boolean sslv2ClientHello;
  /** The ServerHello, until the event is emitted (then null: {@link #serverHelloSeen} stays). */
  ServerHello serverHello;
  boolean serverHelloSeen;
  long serverHelloNanos;
  /**
   * The ServerHello (TLS 1.2 or older) was seen and its direction still reads the Certificate
   * message: the event waits for it (or for the flow's end).
   */
  boolean awaitingCertificate;
  /** The server's certificate chain, or null. */
  ServerCertificates serverCertificates;
  /** The event of this handshake was emitted. */
  boolean emitted;
  /** Input the first hello was seen in (read), or null. */
  String inputName;

  /** The ClientHello as seen (its content and its server name), or null. */
  ClientHello clientHello() {
    ClientHello h = clientHello;
    return h == null || clientServerName == null ? h : h.withServerName(clientServerName);
  }

  /** True when something was seen that deserves an event not yet emitted. */
  boolean hasPendingEvent() {
    return !emitted && (clientHelloSeen || serverHelloSeen || sslv2ClientHello);
  }

  boolean hasClientHello() {
    return clientHelloSeen || sslv2ClientHello;
  }

  /**
   * The event was emitted: it holds the hellos and the chain now, and the session lets go of
   * them, so that a connection that lasts (minutes, hours) after its handshake keeps only its
   * flags, not its parsed hellos and certificates.
   */
  void emitted() {
    emitted = true;
    clientHello = null;
    clientServerName = null;
    serverHello = null;
    serverCertificates = null;
  }
}
