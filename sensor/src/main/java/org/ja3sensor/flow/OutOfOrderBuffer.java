package org.ja3sensor.flow;

import java.util.Arrays;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * The bytes of one TCP direction that arrived ahead of a hole, kept so that their cost is their
 * size: one byte array indexed by sequence number from {@code base} (the next expected sequence
 * number when the buffer was started), and the sorted, disjoint, coalesced ranges of it that
 * hold data. A hello cut into any number of tiny segments, in any order, costs its own length
 * plus 8 bytes per hole, never an object per segment.
 *
 * <p>Bounds: data up to {@code maxBytes} past the next expected byte (beyond is cut and counted
 * {@code REASSEMBLY_FLOW_CAP}), and at most {@code maxRanges} separate runs of bytes (a segment
 * that would open one more is counted {@code REASSEMBLY_QUEUE_FULL}); adjacent and overlapping
 * segments merge into one run, so the number of segments is not bounded, only their bytes. Overlaps keep the first copy;
 * an overlap carrying different bytes is counted {@code REASSEMBLY_OVERLAP_MISMATCH} (an evasion
 * attempt against first-copy-wins). {@link #cost} is what the buffer really holds on the heap.
 *
 * <p>Owned by one {@link TcpStream}; the array handed out by {@link #array} is valid until the
 * next call. Not thread-safe.
 */
final class OutOfOrderBuffer {
  /** Object headers and fields of this buffer and its three arrays, roughly. */
  private static final int OVERHEAD = 96;

  private int base;
  private byte[] data;
  /** Ranges [start[i], end[i]) relative to base, sorted and disjoint (never adjacent). */
  private int[] start;
  private int[] end;
  private int count;

  boolean isEmpty() {
    return count == 0;
  }

  /** Heap bytes held: the data array, the range arrays and the headers. */
  int cost() {
    return data == null ? 0 : OVERHEAD + data.length + 8 * start.length;
  }

  /** Bytes of data held (the ranges' total length). */
  int dataBytes() {
    int n = 0;
    for (int i = 0; i < count; i++) {
      n += end[i] - start[i];
    }
    return n;
  }

  /**
   * Keeps the part of segment {@code [seq, seq + len)} that lies past {@code nextSeq}, within
   * {@code maxBytes} of it.
   */
  void add(
      int nextSeq,
      int seq,
      byte[] b,
      int off,
      int len,
      int maxBytes,
      int maxRanges,
      Counters counters) {
    if (count == 0) {
      base = nextSeq;
    } else {
      compact(nextSeq);
    }
    int lo = Math.max(seq - base, nextSeq - base);
    int hi = seq - base + len;
    int limit = nextSeq - base + maxBytes;
    if (hi > limit) {
      counters.anomaly(Anomaly.REASSEMBLY_FLOW_CAP);
      hi = limit;
    }
    if (hi <= lo) {
      return;
    }
    int srcShift = off - (seq - base); // b[srcShift + x] is the byte at relative position x
    // Ranges overlapping or adjacent to [lo, hi): first i with end[i] >= lo.
    int i = firstEndingAtOrAfter(lo);
    int j = i;
    boolean mismatch = false;
    while (j < count && start[j] <= hi) {
      int ovLo = Math.max(lo, start[j]);
      int ovHi = Math.min(hi, end[j]);
      if (ovHi > ovLo
          && !Arrays.equals(data, ovLo, ovHi, b, srcShift + ovLo, srcShift + ovHi)) {
        mismatch = true;
      }
      j++;
    }
    if (mismatch) {
      counters.anomaly(Anomaly.REASSEMBLY_OVERLAP_MISMATCH);
    }
    if (i == j && count >= maxRanges) {
      counters.anomaly(Anomaly.REASSEMBLY_QUEUE_FULL);
      return;
    }
    int newLo = i < j ? Math.min(lo, start[i]) : lo;
    int newHi = i < j ? Math.max(hi, end[j - 1]) : hi;
    ensureData(newHi);
    // Copy only the gaps between the existing ranges: the first copy wins.
    int p = lo;
    for (int k = i; k < j && p < hi; k++) {
      if (start[k] > p) {
        int to = Math.min(start[k], hi);
        System.arraycopy(b, srcShift + p, data, p, to - p);
      }
      p = Math.max(p, end[k]);
    }
    if (p < hi) {
      System.arraycopy(b, srcShift + p, data, p, hi - p);
    }
    // Replace ranges i..j-1 by one.
    int removed = j - i;
    if (removed == 0) {
      ensureRanges(count + 1);
      System.arraycopy(start, i, start, i + 1, count - i);
      System.arraycopy(end, i, end, i + 1, count - i);
      count++;
    } else if (removed > 1) {
      System.arraycopy(start, j, start, i + 1, count - j);
      System.arraycopy(end, j, end, i + 1, count - j);
      count -= removed - 1;
    }
    start[i] = newLo;
    end[i] = newHi;
  }

  /**
   * Bytes readable at {@code nextSeq}: the length of the range that covers it (0 when a hole is
   * next). They are at {@code array()[offset(nextSeq)]}.
   */
  int readable(int nextSeq) {
    if (count == 0) {
      return 0;
    }
    int rel = nextSeq - base;
    // Ranges wholly before nextSeq were delivered in-line meanwhile: drop them.
    while (count > 0 && end[0] <= rel) {
      removeFirst();
    }
    if (count == 0) {
      clear();
      return 0;
    }
    return start[0] <= rel ? end[0] - rel : 0;
  }

  /** Sequence number of the first byte held (the buffer must not be empty). */
  int firstSeq() {
    return base + start[0];
  }

  byte[] array() {
    return data;
  }

  int offset(int seq) {
    return seq - base;
  }

  /** Frees everything. */
  void clear() {
    data = null;
    start = null;
    end = null;
    count = 0;
  }

  private int firstEndingAtOrAfter(int lo) {
    int a = 0;
    int z = count;
    while (a < z) {
      int m = (a + z) >>> 1;
      if (end[m] < lo) {
        a = m + 1;
      } else {
        z = m;
      }
    }
    return a;
  }

  private void removeFirst() {
    count--;
    System.arraycopy(start, 1, start, 0, count);
    System.arraycopy(end, 1, end, 0, count);
  }

  /** Moves base up to nextSeq when more than half of the array lies before it. */
  private void compact(int nextSeq) {
    int shift = nextSeq - base;
    if (shift <= 0 || data == null || shift < data.length / 2) {
      return;
    }
    while (count > 0 && end[0] <= shift) {
      removeFirst();
    }
    int from = count > 0 ? Math.min(shift, start[0]) : shift;
    if (count > 0) {
      int keep = end[count - 1] - from;
      System.arraycopy(data, from, data, 0, keep);
      for (int k = 0; k < count; k++) {
        start[k] -= from;
        end[k] -= from;
      }
    }
    base += from;
  }

  private void ensureData(int n) {
    if (data == null) {
      data = new byte[Math.max(256, Integer.highestOneBit(Math.max(1, n - 1)) << 1)];
      start = new int[4];
      end = new int[4];
    } else if (data.length < n) {
      data = Arrays.copyOf(data, Math.max(n, data.length * 2));
    }
  }

  private void ensureRanges(int n) {
    if (start.length < n) {
      int m = Math.max(n, start.length * 2);
      start = Arrays.copyOf(start, m);
      end = Arrays.copyOf(end, m);
    }
  }
}
