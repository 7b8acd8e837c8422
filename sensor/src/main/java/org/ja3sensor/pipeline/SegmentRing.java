package org.ja3sensor.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.ja3sensor.decode.DecodedPacket;

/**
 * A bounded single-producer, single-consumer queue of decoded TCP segments, laid out as records in
 * one preallocated byte array: a fixed header (addresses, ports, sequence numbers, flags,
 * timestamp, interface) followed by the captured TCP payload. Nothing is allocated per segment.
 *
 * <p>Threads: exactly one thread calls {@link #offer} (a capture thread) and exactly one thread
 * calls {@link #peek}, {@link #headTimestamp} and {@link #advance} (a worker). Positions are
 * published with release/acquire ordering, so the record bytes written before a release are
 * visible after the matching acquire.
 *
 * <p>Buffer ownership: after {@link #peek} the {@link DecodedPacket#payload} of the caller's
 * packet points into this ring's array; the bytes stay valid until {@link #advance} is called,
 * after which the producer may overwrite them.
 *
 * <p>Full ring: {@link #offer} returns false at once and counts the drop; it never blocks. A
 * capture thread that would rather wait for room (and leave the frames meanwhile in the kernel's
 * buffer) retries with {@link #tryOffer}, which counts nothing, and counts the segment with
 * {@link #countOffered} once it is in, or with {@link #countDropped} if it gives up.
 */
final class SegmentRing {
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle POS = MethodHandles.arrayElementVarHandle(long[].class);

  // Record layout (offsets within a record; records start on 8-byte boundaries).
  private static final int R_LEN = 0; // int: record length including header and padding
  private static final int R_IF = 4; // int: interface index
  private static final int R_TS = 8; // long: timestamp, ns
  private static final int R_SRC_HI = 16;
  private static final int R_SRC_LO = 24;
  private static final int R_DST_HI = 32;
  private static final int R_DST_LO = 40;
  private static final int R_PORTS = 48; // int: srcPort << 16 | dstPort
  private static final int R_SEQ = 52;
  private static final int R_ACK = 56;
  private static final int R_FLAGS = 60; // int: tcpFlags | ipv6 << 8 | udp << 9 | tunnelDepth << 16
  private static final int R_PAYLOAD_LEN = 64;
  private static final int R_WIRE_LEN = 68;
  static final int HEADER = 72;

  /** Record length value marking "the rest of the array is unused, continue at offset 0". */
  private static final int WRAP = -1;

  // head (consumer position) and tail (producer position) are monotonic byte counts, kept in one
  // array at indexes 64 bytes apart so that the two threads do not write the same cache line.
  private static final int HEAD = 8;
  private static final int TAIL = 24;
  private final long[] positions = new long[40];

  private final byte[] buf;
  private final int mask;
  private final int maxPayload;

  // Producer-only state.
  private long cachedHead;
  private long offered;
  private long dropped;

  // Consumer-only state: the record under peek.
  private int peekLen;
  private long peekTs;
  private int peekIf;

  /**
   * @param capacityBytes ring size; rounded up to a power of two
   * @param maxPayload the largest payload one record must hold (the snap length)
   */
  SegmentRing(int capacityBytes, int maxPayload) {
    int minimum = 4 * align(HEADER + maxPayload);
    int cap = Integer.highestOneBit(Math.max(capacityBytes, minimum) - 1) << 1;
    if (cap <= 0) {
      throw new IllegalArgumentException(
          "ring capacity " + capacityBytes + " bytes: expected at most 1 GiB");
    }
    this.buf = new byte[cap];
    this.mask = cap - 1;
    this.maxPayload = maxPayload;
  }

  private static int align(int n) {
    return (n + 7) & ~7;
  }

  int capacity() {
    return buf.length;
  }

  // ------------------------------------------------------------------ producer

  /**
   * Copies one decoded segment (header fields and captured payload) into the ring.
   *
   * @return false when the ring is full (nothing was written)
   */
  boolean offer(DecodedPacket p, long tsNanos, int ifIndex) {
    offered++;
    if (tryOffer(p, tsNanos, ifIndex)) {
      return true;
    }
    dropped++;
    return false;
  }

  /**
   * {@link #offer} without counting: the caller retries a refusal and counts the outcome ({@link
   * #countOffered}, {@link #countDropped}).
   *
   * @return false when the ring is full (nothing was written)
   */
  boolean tryOffer(DecodedPacket p, long tsNanos, int ifIndex) {
    int payloadLen = Math.max(0, Math.min(p.payloadLen, maxPayload));
    int len = align(HEADER + payloadLen);
    long tail = (long) POS.getOpaque(positions, TAIL);
    int pos = (int) (tail & mask);
    int contiguous = buf.length - pos;
    long need = len <= contiguous ? len : (long) contiguous + len;
    if (tail + need - cachedHead > buf.length) {
      cachedHead = (long) POS.getAcquire(positions, HEAD);
      if (tail + need - cachedHead > buf.length) {
        return false;
      }
    }
    if (len > contiguous) {
      INT.set(buf, pos, WRAP);
      tail += contiguous;
      pos = 0;
    }
    INT.set(buf, pos + R_LEN, len);
    INT.set(buf, pos + R_IF, ifIndex);
    LONG.set(buf, pos + R_TS, tsNanos);
    LONG.set(buf, pos + R_SRC_HI, p.srcHi);
    LONG.set(buf, pos + R_SRC_LO, p.srcLo);
    LONG.set(buf, pos + R_DST_HI, p.dstHi);
    LONG.set(buf, pos + R_DST_LO, p.dstLo);
    INT.set(buf, pos + R_PORTS, (p.srcPort << 16) | (p.dstPort & 0xffff));
    INT.set(buf, pos + R_SEQ, p.seq);
    INT.set(buf, pos + R_ACK, p.ack);
    INT.set(
        buf,
        pos + R_FLAGS,
        (p.tcpFlags & 0xff) | (p.ipv6 ? 0x100 : 0) | (p.udp ? 0x200 : 0)
            | ((p.tunnelDepth & 0xff) << 16));
    INT.set(buf, pos + R_PAYLOAD_LEN, payloadLen);
    INT.set(buf, pos + R_WIRE_LEN, p.payloadWireLen);
    if (payloadLen > 0) {
      System.arraycopy(p.payload, p.payloadOff, buf, pos + HEADER, payloadLen);
    }
    POS.setRelease(positions, TAIL, tail + len);
    return true;
  }

  /** Counts a segment that {@link #tryOffer} took (producer only). */
  void countOffered() {
    offered++;
  }

  /** Counts a segment given up after {@link #tryOffer} refused it (producer only). */
  void countDropped() {
    offered++;
    dropped++;
  }

  /** Segments offered so far (producer's count; approximate when read by another thread). */
  long offered() {
    return offered;
  }

  /** Segments refused because the ring was full (producer's count). */
  long dropped() {
    return dropped;
  }

  // ------------------------------------------------------------------ consumer

  /**
   * Timestamp of the oldest record, or {@link Long#MAX_VALUE} when the ring is empty. Lets a
   * worker with several rings take records in capture-time order.
   */
  long headTimestamp() {
    long head = (long) POS.getOpaque(positions, HEAD);
    long tail = (long) POS.getAcquire(positions, TAIL);
    if (head == tail) {
      return Long.MAX_VALUE;
    }
    int pos = skipWrap(head);
    return (long) LONG.get(buf, pos + R_TS);
  }

  /** Position of the next record, stepping over a wrap marker (only the consumer moves head). */
  private int skipWrap(long head) {
    int pos = (int) (head & mask);
    if ((int) INT.get(buf, pos) == WRAP) {
      head += buf.length - pos;
      POS.setRelease(positions, HEAD, head);
      pos = 0;
    }
    return pos;
  }

  /**
   * Fills {@code out} with the oldest record without removing it.
   *
   * @return false when the ring is empty
   */
  boolean peek(DecodedPacket out) {
    long head = (long) POS.getOpaque(positions, HEAD);
    long tail = (long) POS.getAcquire(positions, TAIL);
    if (head == tail) {
      return false;
    }
    int pos = skipWrap(head);
    peekLen = (int) INT.get(buf, pos + R_LEN);
    peekIf = (int) INT.get(buf, pos + R_IF);
    peekTs = (long) LONG.get(buf, pos + R_TS);
    out.srcHi = (long) LONG.get(buf, pos + R_SRC_HI);
    out.srcLo = (long) LONG.get(buf, pos + R_SRC_LO);
    out.dstHi = (long) LONG.get(buf, pos + R_DST_HI);
    out.dstLo = (long) LONG.get(buf, pos + R_DST_LO);
    int ports = (int) INT.get(buf, pos + R_PORTS);
    out.srcPort = ports >>> 16;
    out.dstPort = ports & 0xffff;
    out.seq = (int) INT.get(buf, pos + R_SEQ);
    out.ack = (int) INT.get(buf, pos + R_ACK);
    int flags = (int) INT.get(buf, pos + R_FLAGS);
    out.tcpFlags = flags & 0xff;
    out.ipv6 = (flags & 0x100) != 0;
    out.udp = (flags & 0x200) != 0; // a QUIC datagram (the payload is the UDP payload)
    out.tunnelDepth = (flags >>> 16) & 0xff;
    out.payloadLen = (int) INT.get(buf, pos + R_PAYLOAD_LEN);
    out.payloadWireLen = (int) INT.get(buf, pos + R_WIRE_LEN);
    out.payload = buf;
    out.payloadOff = pos + HEADER;
    return true;
  }

  /** Timestamp of the record returned by the last {@link #peek}. */
  long peekTimestamp() {
    return peekTs;
  }

  /** Interface index of the record returned by the last {@link #peek}. */
  int peekIfIndex() {
    return peekIf;
  }

  /** Releases the record returned by the last {@link #peek} to the producer. */
  void advance() {
    long head = (long) POS.getOpaque(positions, HEAD);
    POS.setRelease(positions, HEAD, head + peekLen);
  }

  /** True when no record is waiting (either thread; approximate for the producer). */
  boolean isEmpty() {
    return (long) POS.getAcquire(positions, HEAD) == (long) POS.getAcquire(positions, TAIL);
  }
}
