package org.ja3sensor.flow;

import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * One TCP connection (both directions) in the flow table. Endpoint A is the lower of the two
 * (address, port) pairs so that both directions find the same flow. Holds the handshake state and
 * the two {@link TcpStream}s; once both hellos are parsed the streams hold no buffers and the flow
 * costs a few hundred bytes until it is evicted.
 */
public final class Flow {
  // --- key ---
  long aHi;
  long aLo;
  long bHi;
  long bLo;
  int aPort;
  int bPort;
  int hash;
  public boolean ipv6;

  // --- table bookkeeping ---
  Flow lruPrev;
  Flow lruNext;
  public long lastSeenNanos;

  /** Stream from A to B, and from B to A. */
  public final TcpStream fromA = new TcpStream();

  public final TcpStream fromB = new TcpStream();

  // --- handshake state (owned by the pipeline) ---
  /** 0 when A is the client, 1 when B is, -1 while unknown. */
  public int clientSide = -1;
  /** Side that sent a SYN without ACK (the initiator), -1 when not seen. */
  public int initiatorSide = -1;

  public ClientHello clientHello;
  public long clientHelloNanos;
  public boolean sslv2ClientHello;
  public ServerHello serverHello;
  public long serverHelloNanos;
  /** The event of the current handshake was emitted. */
  public boolean emitted;
  /** FIN or RST seen. */
  public boolean closed;
  public int tunnelDepth;
  public int ifIndex;
  /** Input the flow's first hello was seen in (read), or null. */
  public String inputName;

  public long aHi() {
    return aHi;
  }

  public long aLo() {
    return aLo;
  }

  public long bHi() {
    return bHi;
  }

  public long bLo() {
    return bLo;
  }

  public int aPort() {
    return aPort;
  }

  public int bPort() {
    return bPort;
  }

  /** The stream sent by side 0 (A) or 1 (B). */
  public TcpStream stream(int side) {
    return side == 0 ? fromA : fromB;
  }

  /** True when something was seen that deserves an event not yet emitted. */
  public boolean hasPendingEvent() {
    return !emitted && (clientHello != null || serverHello != null || sslv2ClientHello);
  }

  /** Forgets the handshake (4-tuple reused by a new connection); keeps key and table links. */
  public void resetHandshake() {
    fromA.reset();
    fromB.reset();
    clientSide = -1;
    initiatorSide = -1;
    clientHello = null;
    serverHello = null;
    sslv2ClientHello = false;
    clientHelloNanos = 0;
    serverHelloNanos = 0;
    emitted = false;
    closed = false;
    inputName = null;
  }
}
