package org.ja3sensor.flow;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * One direction of a TCP connection, reassembled only as far as the layer above needs. In-order
 * bytes go straight to the {@link StreamConsumer} without being copied here; only bytes that
 * arrive ahead of a hole are copied, into an {@link OutOfOrderBuffer} (bounded by bytes, its cost
 * counted as it really is), until the hole is filled.
 * Sequence numbers are compared modulo 2^32 (wraparound safe). Retransmissions are dropped;
 * overlaps are trimmed to their new part (first copy wins, as most stacks and Suricata's default
 * policy do).
 *
 * <p>Once the consumer wants no more bytes the stream is DONE and keeps only a few counters, used
 * to tell a retransmission from a new connection that reuses the 4-tuple. Owned by the {@link
 * TcpTracker}.
 */
public final class TcpStream {
  /** Reassembly state. */
  public static final int IDLE = 0;
  public static final int ACTIVE = 1;
  public static final int DONE = 2;

  public int state = IDLE;
  /** A SYN of this direction was seen, with this initial sequence number. */
  public boolean synSeen;
  public int isn;
  /** A FIN of this direction was seen: it sends no more (the other direction still may). */
  public boolean finSeen;
  boolean seqKnown;
  /** Next expected sequence number (valid when seqKnown). */
  int nextSeq;
  /** Sequence number just past the highest byte seen in this direction. */
  int highSeq;
  /** Sequence number where this direction's hello began (first payload fed), for reuse checks. */
  int startSeq;

  /** Receives the in-order bytes; null until the direction carries payload. */
  public StreamConsumer consumer;

  /** Bytes ahead of a hole (coalesced, bounded by bytes); null until the first hole. */
  private OutOfOrderBuffer ooo;

  /** Bytes buffered by this stream (queue and parser), as last accounted with the budget. */
  private int accounted;

  public int accountedBytes() {
    return accounted;
  }

  public void setAccountedBytes(int n) {
    accounted = n;
  }

  void reset() {
    state = IDLE;
    synSeen = false;
    isn = 0;
    finSeen = false;
    seqKnown = false;
    nextSeq = 0;
    highSeq = 0;
    startSeq = 0;
    consumer = null;
    clearQueue();
  }

  /** Frees the queue and the consumer (telling it of a hole left); the stream is DONE. */
  public void release() {
    if (consumer != null) {
      if (state != DONE && hasHole()) {
        consumer.onGap();
      }
      consumer.release();
      consumer = null;
    }
    clearQueue();
    state = DONE;
  }

  private void clearQueue() {
    ooo = null;
  }

  /** Bytes currently held by this stream. */
  public int bufferedBytes() {
    return (ooo == null ? 0 : ooo.cost()) + (consumer != null ? consumer.bufferedBytes() : 0);
  }

  /** True when out-of-order data is waiting for a hole that was never filled. */
  public boolean hasHole() {
    return ooo != null && !ooo.isEmpty();
  }

  /** Records a SYN of this direction. */
  public void onSyn(int seq) {
    synSeen = true;
    isn = seq;
    seqKnown = true;
    nextSeq = seq + 1;
    highSeq = seq + 1;
  }

  /** Updates the highest sequence seen; called for every segment with payload. */
  public void noteSegment(int seq, int len) {
    int end = seq + len;
    if (!seqKnown && state == IDLE) {
      return;
    }
    if (end - highSeq > 0) {
      highSeq = end;
    }
  }

  /**
   * True when a segment starting at {@code seq} lies outside what this direction already sent
   * (neither a retransmission nor a continuation): a sign of a new connection on the same 4-tuple.
   */
  public boolean isOutsideSentRange(int seq) {
    return !(seq - startSeq >= 0 && seq - highSeq <= 0);
  }

  /**
   * Delivers the payload of one segment to the consumer (which must be set).
   *
   * @return true while the consumer wants more bytes
   */
  public boolean accept(
      int seq,
      byte[] buf,
      int off,
      int len,
      long tsNanos,
      int maxQueueSegments,
      int maxBytes,
      Counters counters) {
    if (!seqKnown) {
      // Picked up without the SYN: this segment anchors the stream.
      seqKnown = true;
      nextSeq = seq;
      highSeq = seq;
      startSeq = seq;
    } else if (state == IDLE) {
      startSeq = nextSeq;
    }
    state = ACTIVE;
    int end = seq + len;
    if (end - highSeq > 0) {
      highSeq = end;
    }
    int rel = seq - nextSeq;
    if (rel > 0) {
      if (rel >= maxBytes) {
        // Far beyond anything a hello needs: not handshake data we could use.
        counters.anomaly(Anomaly.REASSEMBLY_FLOW_CAP);
        return true;
      }
      if (ooo == null) {
        ooo = new OutOfOrderBuffer();
      }
      ooo.add(nextSeq, seq, buf, off, len, maxBytes, maxQueueSegments, counters);
      return true;
    }
    if (rel + len <= 0) {
      return true; // retransmission of bytes already delivered
    }
    int skip = -rel;
    int direct = len - skip;
    if (hasHole() && end - ooo.firstSeq() > 0) {
      // The buffer holds bytes this segment carries again: it keeps its first copy (counting a
      // copy that differs) and takes this segment's bytes from its first run on.
      int from = ooo.firstSeq() - seq;
      ooo.add(nextSeq, seq + from, buf, off + from, len - from, maxBytes, maxQueueSegments,
          counters);
      direct = from - skip;
    }
    boolean more = direct <= 0 || feed(buf, off + skip, direct, tsNanos);
    while (more && ooo != null) {
      int n = ooo.readable(nextSeq);
      if (n == 0) {
        break;
      }
      more = feed(ooo.array(), ooo.offset(nextSeq), n, tsNanos);
    }
    if (ooo != null && ooo.isEmpty()) {
      ooo = null;
    }
    return more;
  }

  private boolean feed(byte[] b, int off, int len, long tsNanos) {
    nextSeq += len;
    return consumer.onBytes(b, off, len, tsNanos);
  }
}
