package org.ja3sensor.quic;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.tls.HandshakeAssembler;

/**
 * The CRYPTO stream of one direction of a QUIC connection at the Initial encryption level: CRYPTO
 * frame data placed by offset (RFC 9000 section 19.6), across frames and packets, in any order,
 * duplicated or overlapping (the first copy of a byte wins), and fed in stream order to a {@link
 * HandshakeAssembler} as soon as it is contiguous from the last byte fed. Data beyond {@code cap}
 * bytes of stream is counted {@code QUIC_CRYPTO_CAP} and the direction gives up (RFC 9000 section
 * 7.5 asks endpoints to buffer at least 4,096 bytes; the cap is the pipeline's handshake-bytes
 * bound). {@link #acceptFrames} reads the frames of one decrypted Initial payload.
 *
 * <p>Buffer ownership: a buffer of stream bytes (grown by doubling up to the highest offset seen,
 * at most {@code cap}) and a bitmap of the bytes present (one bit per byte of that buffer), both
 * owned here until the assembler finishes or {@link #release()}; {@link #bufferedBytes()} counts
 * both, for the QUIC memory cap.
 */
final class CryptoStream {
  private final Counters counters;
  private final int cap;
  private final HandshakeAssembler assembler;

  private byte[] buf;
  private long[] have;
  /** Stream bytes handed to the assembler: [0, fed). */
  private int fed;
  private int status = HandshakeAssembler.NEED_MORE;

  CryptoStream(Counters counters, int cap, HandshakeAssembler assembler) {
    this.counters = counters;
    this.cap = cap;
    this.assembler = assembler;
  }

  HandshakeAssembler assembler() {
    return assembler;
  }

  /** The assembler's status: NEED_MORE while this direction still wants bytes. */
  int status() {
    return status;
  }

  /** Bytes held right now: the stream buffer and its bitmap of bytes present. */
  int bufferedBytes() {
    return buf == null ? 0 : buf.length + 8 * have.length;
  }

  /**
   * Reads the frames of one decrypted Initial payload: PADDING, PING, ACK (with or without ECN
   * counts), CRYPTO (placed by offset) and CONNECTION_CLOSE, the frames RFC 9000 section 12.4
   * allows in Initial packets. Any other frame type, or a frame that does not fit, ends the
   * payload counted {@code QUIC_FRAME_INVALID}; CRYPTO data read before it is kept.
   *
   * @return the assembler's status after the payload
   */
  int acceptFrames(byte[] p, int off, int len) {
    return acceptFrames(p, off, len, false);
  }

  /**
   * As {@link #acceptFrames(byte[], int, int)}; with {@code google} true the payload is of
   * Google's T050/T051, whose frames are gQUIC's: PADDING, then CRYPTO as type 0x08 (varint offset
   * and length), after at most one gQUIC ACK (0x40: 6 bytes, 0x60: 9 bytes); the first other
   * frame ends the payload (not counted: gQUIC frames are not followed further).
   */
  int acceptFrames(byte[] p, int off, int len, boolean google) {
    int end = off + len;
    int q = off;
    if (google) {
      while (q < end && p[q] == 0) {
        q++;
      }
      if (q < end && (p[q] == 0x40 || p[q] == 0x60)) {
        q += p[q] == 0x40 ? 6 : 9; // a server's gQUIC ACK before its CRYPTO (sizes as nDPI reads them)
        while (q < end && p[q] == 0) {
          q++;
        }
      }
      if (q < end && p[q] == 0x08) {
        p[q] = 0x06; // the plaintext is ours: read it as an IETF CRYPTO frame
        return acceptFrames(p, q, 1 + cryptoFrameLength(p, q + 1, end), false);
      }
      return status;
    }
    while (q < end && status == HandshakeAssembler.NEED_MORE) {
      int type = p[q] & 0xff;
      if (type == 0x00 || type == 0x01) { // PADDING, PING
        q++;
        continue;
      }
      if (type == 0x06) {
        q++;
        long offset = LongHeader.varint(p, q, end);
        if (offset < 0) {
          return invalid();
        }
        q += LongHeader.varintSize(p[q]);
        long length = LongHeader.varint(p, q, end);
        if (length < 0) {
          return invalid();
        }
        q += LongHeader.varintSize(p[q]);
        if (length > end - q) {
          return invalid();
        }
        accept(offset, p, q, (int) length);
        q += (int) length;
        continue;
      }
      if (type == 0x02 || type == 0x03) { // ACK: largest, delay, range count, first range
        q++;
        int fields = 3;
        long ranges = 0;
        for (int i = 0; i <= fields; i++) {
          long v = LongHeader.varint(p, q, end);
          if (v < 0) {
            return invalid();
          }
          if (i == 2) {
            ranges = v;
          }
          q += LongHeader.varintSize(p[q]);
        }
        long more = ranges * 2 + (type == 0x03 ? 3 : 0); // gap and length per range, ECN counts
        if (more > end - q) {
          return invalid(); // every varint takes a byte at least
        }
        for (long i = 0; i < more; i++) {
          if (LongHeader.varint(p, q, end) < 0) {
            return invalid();
          }
          q += LongHeader.varintSize(p[q]);
        }
        continue;
      }
      if (type == 0x1c) { // CONNECTION_CLOSE: error code, frame type, reason
        q++;
        for (int i = 0; i < 2; i++) {
          if (LongHeader.varint(p, q, end) < 0) {
            return invalid();
          }
          q += LongHeader.varintSize(p[q]);
        }
        long reason = LongHeader.varint(p, q, end);
        if (reason < 0) {
          return invalid();
        }
        q += LongHeader.varintSize(p[q]);
        if (reason > end - q) {
          return invalid();
        }
        q += (int) reason;
        continue;
      }
      return invalid();
    }
    return status;
  }

  /** Bytes of a CRYPTO frame's offset, length and data from {@code q}, at most to {@code end}. */
  private static int cryptoFrameLength(byte[] p, int q, int end) {
    int start = q;
    if (LongHeader.varint(p, q, end) < 0) {
      return end - start;
    }
    q += LongHeader.varintSize(p[q]);
    long length = LongHeader.varint(p, q, end);
    if (length < 0) {
      return end - start;
    }
    q += LongHeader.varintSize(p[q]);
    return (int) Math.min(end - start, q - start + length);
  }

  private int invalid() {
    counters.anomaly(Anomaly.QUIC_FRAME_INVALID);
    return status;
  }

  /**
   * Places CRYPTO data at stream offset {@code offset} and feeds the assembler what became
   * contiguous.
   *
   * @return the assembler's status
   */
  int accept(long offset, byte[] b, int off, int len) {
    if (status != HandshakeAssembler.NEED_MORE) {
      return status;
    }
    long end = offset + len;
    if (end <= fed) {
      return status; // a retransmission of bytes already fed
    }
    if (end > cap) {
      counters.anomaly(Anomaly.QUIC_CRYPTO_CAP);
      release();
      return status;
    }
    int from = (int) Math.max(offset, fed);
    int to = (int) end;
    int skip = from - (int) offset;
    if (from == fed && (have == null || firstSet(from, to) == to)) {
      // In order, and none of these bytes buffered: fed without a copy.
      feed(b, off + skip, to - from);
    } else {
      store(from, to, b, off + skip);
    }
    if (status == HandshakeAssembler.NEED_MORE && have != null) {
      int next = firstClear(fed);
      if (next > fed) {
        feed(buf, fed, next - fed); // buffered bytes continue the stream
      }
    }
    return status;
  }

  private void feed(byte[] b, int off, int len) {
    fed += len;
    status = assembler.accept(b, off, len);
    if (status != HandshakeAssembler.NEED_MORE) {
      buf = null;
      have = null;
    }
  }

  /**
   * Copies [from, to) of the stream, where not present yet, into the buffer: run by run of absent
   * bytes (the bitmap is read and written a 64-bit word at a time).
   */
  private void store(int from, int to, byte[] b, int off) {
    if (buf == null) {
      buf = new byte[Math.min(cap, Math.max(2048, Integer.highestOneBit(to - 1) << 1))];
      have = new long[(buf.length + 63) >>> 6]; // grows with buf: its cost is counted
    } else if (to > buf.length) {
      int n = buf.length;
      while (n < to) {
        n *= 2;
      }
      byte[] bigger = new byte[Math.min(cap, n)];
      System.arraycopy(buf, 0, bigger, 0, buf.length);
      buf = bigger;
      have = java.util.Arrays.copyOf(have, (buf.length + 63) >>> 6);
    }
    int i = from;
    while (i < to) {
      int start = Math.min(firstClear(i), to);
      if (start >= to) {
        break;
      }
      int end = firstSet(start, to);
      System.arraycopy(b, off + start - from, buf, start, end - start);
      setRange(start, end);
      i = end;
    }
  }

  /** Marks [from, to) present. */
  private void setRange(int from, int to) {
    int w = from >>> 6;
    int last = (to - 1) >>> 6;
    long first = -1L << (from & 63);
    long lastMask = -1L >>> (63 - ((to - 1) & 63));
    if (w == last) {
      have[w] |= first & lastMask;
      return;
    }
    have[w] |= first;
    for (int k = w + 1; k < last; k++) {
      have[k] = -1L;
    }
    have[last] |= lastMask;
  }

  /** The first offset in [from, to) already present, else {@code to}. */
  private int firstSet(int from, int to) {
    if (have == null || from >= to) {
      return to;
    }
    int w = from >>> 6;
    int words = have.length;
    if (w >= words) {
      return to; // beyond the bitmap (it grows with the buffer): nothing present
    }
    long bits = have[w] & (-1L << (from & 63));
    while (true) {
      if (bits != 0) {
        return Math.min(to, (w << 6) + Long.numberOfTrailingZeros(bits));
      }
      w++;
      if (w >= words || (w << 6) >= to) {
        return to;
      }
      bits = have[w];
    }
  }

  /** The first offset at or after {@code from} not present (the end of the contiguous run). */
  private int firstClear(int from) {
    if (have == null || from >= cap) {
      return from;
    }
    int w = from >>> 6;
    int words = have.length;
    if (w >= words) {
      return from; // beyond the bitmap (it grows with the buffer): not present
    }
    long bits = ~have[w] & (-1L << (from & 63));
    while (true) {
      if (bits != 0) {
        return Math.min(cap, (w << 6) + Long.numberOfTrailingZeros(bits));
      }
      w++;
      if (w >= words) {
        return Math.min(cap, words << 6);
      }
      bits = ~have[w];
    }
  }

  /** Drops the buffers; the direction wants nothing more. */
  void release() {
    assembler.release();
    status = assembler.status();
    buf = null;
    have = null;
  }
}
