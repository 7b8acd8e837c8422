package org.ja3sensor.flow;

import java.util.function.Consumer;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.source.PacketHandler;

/**
 * The TCP layer of one pipeline: the flow table and the rules of a TCP connection's life. Per
 * segment it finds (or inserts) the flow, applies SYN, FIN and RST, recognises a new connection on
 * a reused 4-tuple, feeds payload to the direction's {@link TcpStream} and so to the {@link
 * StreamConsumer} of the layer above, and keeps the bytes all streams buffer within the memory
 * cap. It knows nothing of TLS: the {@link Application} makes the consumers and the per-flow
 * sessions, and hears when a connection ends.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>A segment of an unknown flow without payload and without SYN, or with RST, is ignored;
 *       otherwise the flow is inserted (the table full: the least recently used flow is evicted,
 *       counted {@code FLOW_TABLE_FULL}).
 *   <li>A new connection on the same 4-tuple is recognised by a SYN with another initial sequence
 *       number (or, without an earlier SYN, outside the sequence range the direction already
 *       sent), or, when the capture missed the SYN, by payload on a finished direction that the
 *       application recognises as a connection start ({@link Application#startsConnection}) and
 *       that lies outside the sent range. The old connection ends ({@link End#REUSED}) and the
 *       flow starts afresh.
 *   <li>RST ends the connection ({@link End#CLOSED}) and releases both streams. A FIN releases
 *       the sender's stream only: after a half-close the other side can still answer (a client
 *       that sends its ClientHello and then FIN still gets its ServerHello), so the connection
 *       ends when both sides have sent a FIN ({@link End#CLOSED}), or at eviction or input end.
 *   <li>Bytes buffered by all streams (out-of-order queues and consumers) above {@code memcap}:
 *       the direction that grew is abandoned, counted {@code REASSEMBLY_MEMCAP}. A direction
 *       released with a hole is counted {@code REASSEMBLY_GAP}.
 *   <li>Flows idle for {@code idleTimeoutNanos} (capture time) are evicted ({@link End#EVICTED});
 *       {@link #finish()} ends every flow ({@link End#INPUT_END}).
 * </ul>
 *
 * <p>Single-threaded; owned by one pipeline.
 *
 * @param <S> the session type of the application
 */
public final class TcpTracker<S> {
  /** Why a connection ended. */
  public enum End {
    /** RST, or FIN from both sides. */
    CLOSED,
    /** Evicted: idle timeout or table full. */
    EVICTED,
    /** A new connection reused the 4-tuple. */
    REUSED,
    /** The input ended. */
    INPUT_END
  }

  /** The layer above TCP. */
  public interface Application<S> {
    /** A session for a new flow (or a new connection on a reused flow). */
    S newSession();

    /** The consumer of the bytes side {@code side} (0 = A, 1 = B) of the flow sends. */
    StreamConsumer openStream(Flow<S> flow, int side);

    /**
     * True when this payload, sent by {@code side} on a direction that wants no more bytes, starts
     * a new connection (the 4-tuple reused without a SYN in the capture). {@code b[off, off +
     * len)} is the payload's start only, at most {@link
     * org.ja3sensor.source.PacketHandler#PARTIAL_PEEK} bytes: the rest of a partly copied frame
     * is not copied for a direction that wants no more.
     */
    boolean startsConnection(Flow<S> flow, int side, byte[] b, int off, int len);

    /**
     * The flow's connection ends (its streams are released right after). For {@link End#REUSED}
     * a new session replaces the flow's session after the call.
     */
    void onEnd(Flow<S> flow, End why);

    /**
     * Idle flows that may end now without making the caller wait for the layer above (see {@link
     * IdleExpiry}); the default: any number.
     */
    default int evictionRoom() {
      return Integer.MAX_VALUE;
    }
  }

  private final Counters counters;
  private final Application<S> app;
  private final FlowTable<S> table;
  private final int maxBytesPerDirection;
  private final long memcap;
  private final int maxOutOfOrderSegments;

  /** Bytes buffered by all streams (out-of-order queues and consumers). */
  private long buffered;

  private final IdleExpiry expiry;
  /** {@link #evictIdle}, made once: handed to {@link #expiry} for every packet. */
  private final Consumer<Flow<S>> idleEnd = this::evictIdle;

  /**
   * @param maxFlows flows kept in the table
   * @param idleTimeoutNanos a flow with no packet for this long (capture time) is evicted
   * @param maxBytesPerDirection bytes one direction may buffer (out-of-order queue); segments
   *     further ahead are not kept
   * @param memcap bytes all streams together may buffer
   * @param maxOutOfOrderSegments separate runs of out-of-order bytes (holes) kept per direction
   */
  public TcpTracker(
      Counters counters,
      Application<S> app,
      int maxFlows,
      long idleTimeoutNanos,
      int maxBytesPerDirection,
      long memcap,
      int maxOutOfOrderSegments) {
    this.counters = counters;
    this.app = app;
    this.table = new FlowTable<>(maxFlows);
    this.expiry = new IdleExpiry(idleTimeoutNanos);
    this.maxBytesPerDirection = maxBytesPerDirection;
    this.memcap = memcap;
    this.maxOutOfOrderSegments = maxOutOfOrderSegments;
  }

  /** Bytes all streams buffer right now. */
  public long bufferedBytes() {
    return buffered;
  }

  /** Flows in the table right now. */
  public int activeFlows() {
    return table.size();
  }

  /** Processes one decoded TCP segment. */
  public void onSegment(DecodedPacket p, long tsNanos, int ifIndex) {
    if (expiry.passDue(tsNanos)) {
      expire(tsNanos);
    }
    int hash = FlowKey.hash(p);
    Flow<S> f = expiry.unlessOverdue(table.find(p, hash), idleEnd);
    if (f == null) {
      if ((p.payloadLen == 0 && !p.syn()) || p.rst()) {
        return; // a pure ACK, FIN or RST of a flow we do not know teaches nothing
      }
      if (table.isFull()) {
        counters.anomaly(Anomaly.FLOW_TABLE_FULL);
        evict(table.oldest(), End.EVICTED);
      }
      f = table.insert(p, hash, tsNanos);
      f.ifIndex = ifIndex;
      f.session = app.newSession();
      counters.flows++;
      counters.flowsActive = table.size();
    } else {
      table.touch(f, tsNanos);
    }
    int side = f.sideOf(p);
    TcpStream s = f.stream(side);

    if (p.syn()) {
      boolean newConnection =
          s.synSeen ? s.isn != p.seq : s.state != TcpStream.IDLE && s.isOutsideSentRange(p.seq);
      if (newConnection) {
        reuse(f);
      }
      if (!s.synSeen) {
        s.onSyn(p.seq);
      }
      if (!p.ackFlag()) {
        f.initiatorSide = side;
      }
    }
    if (p.payloadLen > 0) {
      payload(f, side, s, p, tsNanos);
    }
    if (p.rst()) {
      // the other side's stream is made if need be: DONE, it tells a reuse from a retransmission
      end(f, s, f.stream(1 - side));
    } else if (p.fin()) {
      s.finSeen = true;
      TcpStream other = f.streamIfAny(1 - side);
      if (other != null && other.finSeen) {
        end(f, s, other);
      } else {
        release(s); // half-closed: the other side can still answer
      }
    }
  }

  /** RST, or FIN from both sides: the connection is over. */
  private void end(Flow<S> f, TcpStream s, TcpStream other) {
    f.closed = true;
    app.onEnd(f, End.CLOSED);
    release(s);
    release(other);
  }

  private void payload(Flow<S> f, int side, TcpStream s, DecodedPacket p, long tsNanos) {
    if (s.state == TcpStream.DONE) {
      if (app.startsConnection(f, side, p.payload, p.payloadOff,
              Math.min(p.payloadLen, PacketHandler.PARTIAL_PEEK))
          && s.isOutsideSentRange(p.seq)) {
        // A new connection start outside what this side already sent: the 4-tuple was reused
        // without a SYN in the capture (busy clients reuse ports within seconds).
        reuse(f);
      } else {
        s.noteSegment(p.seq, p.payloadLen);
        return;
      }
    }
    if (s.consumer == null) {
      s.consumer = app.openStream(f, side);
    }
    p.completePayload(); // only a direction still reading needs more than a segment's start
    boolean more =
        s.accept(
            p.seq,
            p.payload,
            p.payloadOff,
            p.payloadLen,
            tsNanos,
            maxOutOfOrderSegments,
            maxBytesPerDirection,
            counters);
    if (!more) {
      release(s);
      return;
    }
    account(s);
    if (buffered > memcap) {
      counters.anomaly(Anomaly.REASSEMBLY_MEMCAP);
      release(s);
    }
  }

  /** The 4-tuple carries a new connection: end the old one, start afresh. */
  private void reuse(Flow<S> f) {
    app.onEnd(f, End.REUSED);
    releaseStreams(f);
    f.resetConnection();
    f.session = app.newSession();
    counters.flows++; // a new connection, though the same table entry
  }

  /** Releases the streams the flow has (a side that never sent has none). */
  private void releaseStreams(Flow<S> f) {
    for (int side = 0; side < 2; side++) {
      TcpStream s = f.streamIfAny(side);
      if (s != null) {
        release(s);
      }
    }
  }

  private void release(TcpStream s) {
    if (s.state != TcpStream.DONE && s.hasHole()) {
      counters.anomaly(Anomaly.REASSEMBLY_GAP);
    }
    s.release();
    account(s);
  }

  private void account(TcpStream s) {
    buffered += s.bufferedBytes() - s.accountedBytes();
    s.setAccountedBytes(s.bufferedBytes());
  }

  /**
   * Evicts flows idle since before {@code nowNanos - idleTimeout}, as many as {@link
   * Application#evictionRoom} allows (see {@link IdleExpiry}); call now and then.
   */
  public void expire(long nowNanos) {
    expiry.pass(table, nowNanos, app.evictionRoom(), idleEnd);
  }

  private void evictIdle(Flow<S> f) {
    counters.flowsIdleEvicted++;
    evict(f, End.EVICTED);
  }

  /** The input ended: ends every connection and empties the table. */
  public void finish() {
    expiry.finish(table, idleEnd, f -> evict(f, End.INPUT_END));
  }

  private void evict(Flow<S> f, End why) {
    app.onEnd(f, why);
    releaseStreams(f);
    table.remove(f);
    counters.flowsActive = table.size();
  }
}
