package org.ja3sensor.flow;

/**
 * One TCP connection in the {@link FlowTable}: its {@link FlowKey} (what the table hashes), the
 * table's bookkeeping, the connection's TCP state (the two {@link TcpStream}s, who sent the SYN,
 * whether it closed) and the state the layer above keeps per connection ({@link #session}, e.g.
 * the TLS handshake: hellos, roles). Once both streams are released the flow holds no buffers
 * and costs a few hundred bytes until it is evicted.
 *
 * @param <S> the session type of the layer above
 */
public final class Flow<S> {
  public final FlowKey key;

  // --- table bookkeeping ---
  Flow<S> lruPrev;
  Flow<S> lruNext;
  public long lastSeenNanos;

  // --- TCP connection state (owned by the TcpTracker) ---
  /** Stream from A to B, and from B to A. */
  public final TcpStream fromA = new TcpStream();

  public final TcpStream fromB = new TcpStream();

  /** Side (0 = A, 1 = B) that sent a SYN without ACK (the initiator), -1 when not seen. */
  public int initiatorSide = -1;
  /** RST, or FIN from both sides, seen. */
  public boolean closed;
  /** Tunnel headers around the flow's first segment. */
  public final int tunnelDepth;
  /** Capture interface index of the flow's first segment (live capture), else 0. */
  public int ifIndex;

  /** The session of the layer above: made when the flow is inserted, replaced on reuse. */
  public S session;

  Flow(FlowKey key, int tunnelDepth) {
    this.key = key;
    this.tunnelDepth = tunnelDepth;
  }

  /** The stream sent by side 0 (A) or 1 (B). */
  public TcpStream stream(int side) {
    return side == 0 ? fromA : fromB;
  }

  /** Forgets the connection (4-tuple reused by a new one); keeps key and table links. */
  void resetConnection() {
    fromA.reset();
    fromB.reset();
    initiatorSide = -1;
    closed = false;
  }
}
