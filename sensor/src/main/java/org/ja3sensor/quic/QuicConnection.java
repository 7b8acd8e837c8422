package org.ja3sensor.quic;

import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * One QUIC connection as the sensor follows it: the session of a UDP {@link
 * org.ja3sensor.flow.Flow} in the {@link QuicTracker}'s table. Holds the client's Destination
 * Connection ID (of its first Initial, or the one a Retry gave), the Initial keys derived from it,
 * the CRYPTO stream of each direction, and the hellos found. Owned by the pipeline thread; the
 * hellos are handed to the event, everything else is dropped with the flow.
 */
public final class QuicConnection {
  /** 0 when side A of the flow is the client (sent the first Initial), 1 when B is. */
  public int clientSide = -1;
  /** The version of the client's first Initial, then of the server's Initial (negotiated). */
  public int version;
  /** Retry packets seen on this connection. */
  public int retries;

  /** The hellos, until the connection's event is emitted (then null, and {@link #emitted}). */
  public ClientHello clientHello;
  public long clientHelloNanos;
  public ServerHello serverHello;
  public long serverHelloNanos;
  /** The event of this connection was emitted. */
  public boolean emitted;
  /** Input the first hello was seen in (read), or null. */
  public String inputName;

  /** The DCID the Initial keys derive from. */
  byte[] dcid;
  InitialKeys clientKeys;
  InitialKeys serverKeys;
  CryptoStream fromClient;
  CryptoStream fromServer;

  /** Buffered bytes last counted against the tracker's memory cap. */
  int held;

  /** Bytes the CRYPTO streams and their assemblers hold right now. */
  int heldNow() {
    int n = 0;
    for (CryptoStream s : new CryptoStream[] {fromClient, fromServer}) {
      if (s != null) {
        n += s.bufferedBytes() + s.assembler().bufferedBytes();
      }
    }
    return n;
  }

  /** True when a hello was seen and its event not emitted yet. */
  public boolean hasPendingEvent() {
    return !emitted && (clientHello != null || serverHello != null);
  }

  /** Drops the keys and CRYPTO buffers (the connection's event is out, or it is evicted). */
  void release() {
    clientKeys = null;
    serverKeys = null;
    if (fromClient != null) {
      fromClient.release();
    }
    if (fromServer != null) {
      fromServer.release();
    }
  }
}
