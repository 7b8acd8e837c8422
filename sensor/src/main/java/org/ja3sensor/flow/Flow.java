package org.ja3sensor.flow;

import org.ja3sensor.decode.DecodedPacket;

/**
 * One TCP connection in the {@link FlowTable}: its {@link FlowKey} (what the table hashes), the
 * table's bookkeeping, the connection's TCP state (the two {@link TcpStream}s, who sent the SYN,
 * whether it closed) and the state the layer above keeps per connection ({@link #session}, e.g.
 * the TLS handshake: hellos, roles). Once both streams are released the flow holds no buffers
 * and costs a few hundred bytes until it is evicted.
 *
 * <p>Objects per flow are what a young collection copies while the flow waits for its end or its
 * idle timeout (a flood of new flows keeps tens of thousands alive): the flow is its own {@link
 * FlowKey}, and a direction's {@link TcpStream} is made when that direction first sends, so a
 * one-sided flow (a scan, a flood, half of an asymmetric route) and a UDP flow have none for the
 * side that never spoke.
 *
 * @param <S> the session type of the layer above
 */
public final class Flow<S> extends FlowKey {
  // --- table bookkeeping ---
  Flow<S> lruPrev;
  Flow<S> lruNext;
  public long lastSeenNanos;

  // --- TCP connection state (owned by the TcpTracker) ---
  /** Stream from A to B, and from B to A: null until that direction sends (see {@link #stream}). */
  private TcpStream fromA;

  private TcpStream fromB;

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

  Flow(DecodedPacket p, int hash) {
    super(p, hash);
    this.tunnelDepth = p.tunnelDepth;
  }

  /** The stream sent by side 0 (A) or 1 (B), made (IDLE) when the side has none yet. */
  public TcpStream stream(int side) {
    if (side == 0) {
      TcpStream s = fromA;
      return s != null ? s : (fromA = new TcpStream());
    }
    TcpStream s = fromB;
    return s != null ? s : (fromB = new TcpStream());
  }

  /** The stream sent by side 0 (A) or 1 (B), or null while that side has sent nothing. */
  public TcpStream streamIfAny(int side) {
    return side == 0 ? fromA : fromB;
  }

  /** Forgets the connection (4-tuple reused by a new one); keeps key and table links. */
  void resetConnection() {
    if (fromA != null) {
      fromA.reset();
    }
    if (fromB != null) {
      fromB.reset();
    }
    initiatorSide = -1;
    closed = false;
  }
}
