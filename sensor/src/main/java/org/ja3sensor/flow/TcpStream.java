package org.ja3sensor.flow;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * One direction of a TCP connection, reassembled only as far as the layer above needs. In-order
 * bytes go straight to the {@link StreamConsumer} without being copied here; only segments that
 * arrive ahead of a hole are copied, into a small bounded queue, until the hole is filled.
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

  // Out-of-order queue: segments ahead of nextSeq, unsorted (small).
  private int[] oooSeq;
  private byte[][] oooData;
  private int oooCount;
  private int oooBytes;

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
      if (state != DONE && oooCount > 0) {
        consumer.onGap();
      }
      consumer.release();
      consumer = null;
    }
    clearQueue();
    state = DONE;
  }

  private void clearQueue() {
    oooSeq = null;
    oooData = null;
    oooCount = 0;
    oooBytes = 0;
  }

  /** Bytes currently held by this stream. */
  public int bufferedBytes() {
    return oooBytes + (consumer != null ? consumer.bufferedBytes() : 0);
  }

  /** True when out-of-order data is waiting for a hole that was never filled. */
  public boolean hasHole() {
    return oooCount > 0;
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
      enqueue(seq, buf, off, len, maxQueueSegments, maxBytes, counters);
      return true;
    }
    if (rel + len <= 0) {
      return true; // retransmission of bytes already delivered
    }
    int skip = -rel;
    boolean more = feed(buf, off + skip, len - skip, tsNanos);
    while (more && oooCount > 0) {
      int i = nextReady();
      if (i < 0) {
        break;
      }
      byte[] d = oooData[i];
      int s = oooSeq[i];
      removeAt(i);
      int r = s - nextSeq;
      if (r + d.length > 0) {
        more = feed(d, -r, d.length + r, tsNanos);
      }
    }
    return more;
  }

  private boolean feed(byte[] b, int off, int len, long tsNanos) {
    nextSeq += len;
    return consumer.onBytes(b, off, len, tsNanos);
  }

  /** Index of a queued segment that starts at or before nextSeq, or -1. */
  private int nextReady() {
    for (int i = 0; i < oooCount; i++) {
      if (oooSeq[i] - nextSeq <= 0) {
        return i;
      }
    }
    return -1;
  }

  private void enqueue(
      int seq, byte[] buf, int off, int len, int maxSegments, int maxBytes, Counters counters) {
    for (int i = 0; i < oooCount; i++) {
      if (oooSeq[i] == seq && oooData[i].length >= len) {
        return; // duplicate of a queued segment
      }
    }
    if (oooCount >= maxSegments) {
      counters.anomaly(Anomaly.REASSEMBLY_QUEUE_FULL);
      return;
    }
    if (oooBytes + len > maxBytes) {
      counters.anomaly(Anomaly.REASSEMBLY_FLOW_CAP);
      return;
    }
    if (oooSeq == null) {
      oooSeq = new int[4];
      oooData = new byte[4][];
    } else if (oooCount == oooSeq.length) {
      int n = Math.min(oooSeq.length * 2, Math.max(maxSegments, 4));
      oooSeq = java.util.Arrays.copyOf(oooSeq, n);
      oooData = java.util.Arrays.copyOf(oooData, n);
    }
    byte[] copy = new byte[len];
    System.arraycopy(buf, off, copy, 0, len);
    oooSeq[oooCount] = seq;
    oooData[oooCount] = copy;
    oooCount++;
    oooBytes += len;
  }

  private void removeAt(int i) {
    oooBytes -= oooData[i].length;
    oooCount--;
    oooSeq[i] = oooSeq[oooCount];
    oooData[i] = oooData[oooCount];
    oooData[oooCount] = null;
  }
}
