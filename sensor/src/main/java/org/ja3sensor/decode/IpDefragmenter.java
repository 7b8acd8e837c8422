package org.ja3sensor.decode;

import static org.ja3sensor.decode.Bytes.u16;
import static org.ja3sensor.decode.Bytes.u32;
import static org.ja3sensor.decode.Bytes.u64;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * IPv4 and IPv6 fragment reassembly for {@link IpDecoder}, at any tunnel depth (outer packets of
 * a mirror tunnel and inner packets alike). A completed datagram is handed back as one unfragmented
 * IP packet, which the decoder then decodes like any other.
 *
 * <p>Datagrams are told apart by source, destination, identification and tunnel depth, and for
 * IPv4 the protocol (RFC 791; RFC 8200 section 4.5). The table is bounded four ways ({@link
 * Limits}): pending datagrams, bytes held, fragments per datagram, and age. Age is measured on
 * capture timestamps (the {@code now} each call passes), not the wall clock, so that reading a
 * file gives the same result at any speed; expiry runs when a fragment arrives. When a new datagram
 * or a larger buffer would pass a cap, the oldest pending datagram is dropped first ({@link
 * Anomaly#IP_FRAGMENT_EVICTED}).
 *
 * <p>Overlap policy: first wins (Suricata's "first"). Bytes already received for a datagram are
 * kept; a later fragment only fills the holes it covers, and any overlap counts {@link
 * Anomaly#IP_FRAGMENT_OVERLAP} once per fragment (a duplicate included). Holes are tracked as a
 * sorted list of received ranges, merged as they touch; a datagram is complete when its first
 * fragment (offset 0) and its last (no more-fragments flag) arrived and one range covers it all.
 *
 * <p>Costs: each pending datagram holds one buffer sized to the highest offset seen so far
 * (doubling, at most 60 + 65,535 bytes) plus its range list; {@link #bytesHeld} is the sum of those
 * arrays' lengths plus {@link #SLOT_OVERHEAD} per datagram, and is what {@link Limits#maxBytes}
 * bounds. Lookup is one open-addressing hash probe; nothing is allocated for packets that are not
 * fragments, and a fragmented datagram allocates its buffer.
 *
 * <p>Buffers: the fragment bytes are the caller's and are copied. The datagram returned by a call
 * that completes one ({@link #datagram}) is this class's buffer, handed over: it stays valid until
 * the caller drops it (a later completion returns another array). Not thread-safe: one per decoder.
 */
public final class IpDefragmenter {
  /** Largest IP datagram: IPv4 total length, or IPv6 payload length, 65,535 bytes. */
  public static final int MAX_DATAGRAM = 65_535;

  /** Estimated bytes of one pending datagram beside its arrays (the slot object, key, links). */
  static final int SLOT_OVERHEAD = 128;

  /** Room left before the data in each buffer for the IP header (IPv4 up to 60 bytes). */
  private static final int HEADER_ROOM = 60;
  private static final int IPV6_HEADER = 40;
  private static final int INITIAL_RANGES = 8;
  private static final int INITIAL_BUFFER = 2048;

  /**
   * The table's bounds.
   *
   * @param maxDatagrams datagrams pending at once
   * @param maxBytes bytes held by pending datagrams ({@link #bytesHeld})
   * @param timeoutNanos capture-time age after which a pending datagram is dropped
   * @param maxFragments fragments accepted per datagram (duplicates and overlaps included)
   */
  public record Limits(int maxDatagrams, long maxBytes, long timeoutNanos, int maxFragments) {
    /**
     * 4,096 datagrams, 16 MiB, 30 s (Linux's ipfrag_time), 128 fragments (a 64 KiB datagram in
     * 576-byte packets needs 119).
     */
    public static final Limits DEFAULT = new Limits(4096, 16L << 20, 30_000_000_000L, 128);

    public Limits {
      if (maxDatagrams < 1 || maxDatagrams > (1 << 20)) {
        throw new IllegalArgumentException(
            "maxDatagrams is " + maxDatagrams + ", expected 1 to " + (1 << 20));
      }
      if (maxFragments < 2 || maxFragments > 8192) {
        throw new IllegalArgumentException(
            "maxFragments is " + maxFragments + ", expected 2 to 8192");
      }
      long one = worstCost(maxFragments);
      if (maxBytes < one) {
        throw new IllegalArgumentException("maxBytes is " + maxBytes
            + ", expected at least " + one + " (one datagram of 65,535 bytes)");
      }
      if (timeoutNanos <= 0) {
        throw new IllegalArgumentException(
            "timeoutNanos is " + timeoutNanos + ", expected more than 0");
      }
    }

    /** The most one datagram can cost. */
    static long worstCost(int maxFragments) {
      return SLOT_OVERHEAD + HEADER_ROOM + MAX_DATAGRAM + 4L * 2 * maxFragments;
    }
  }

  /** One pending datagram; slots are reused, their buffers are not. */
  private static final class Slot {
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int id;
    int meta;
    int hash;
    long firstNanos;
    /** {@link #HEADER_ROOM} bytes for the header, then the data at its fragment offset. */
    byte[] buf;
    /** Length of the header copied from the first fragment; 0 until it came. */
    int headerLen;
    /** IPv6: the next header the first fragment's fragment header names. */
    int nextHeader;
    /** Data length, known once the last fragment came; else -1. */
    int total;
    /** Received data ranges, [start, end) pairs, sorted and merged. */
    int[] ranges = new int[2 * INITIAL_RANGES];
    int rangeCount;
    int fragments;
    long cost;
    /** Neighbours in creation order (oldest first), slot indexes or -1. */
    int older;
    int newer;
  }

  private final Counters counters;
  private final Limits limits;
  private final Slot[] slots;
  /** Released slots, reused first (last released first). */
  private final int[] free;
  private int freeCount;
  /** Slots {@code [fresh, slots.length)} have never been used (no loop over them at start). */
  private int fresh;
  private int used;
  /** Open addressing, linear probing: slot index + 1, 0 for empty. */
  private final int[] index;
  private final int mask;
  private int oldest = -1;
  private int newest = -1;
  private long bytesHeld;

  /** The key of the fragment being added (set by the entry points, read by {@link #add}). */
  private long kSrcHi;
  private long kSrcLo;
  private long kDstHi;
  private long kDstLo;
  private int kId;
  private int kMeta;

  private byte[] datagram;
  private int datagramOff;
  private int datagramLen;

  public IpDefragmenter(Counters counters, Limits limits) {
    this.counters = counters;
    this.limits = limits;
    this.slots = new Slot[limits.maxDatagrams()];
    this.free = new int[limits.maxDatagrams()];
    int size = Integer.highestOneBit(Math.max(2, limits.maxDatagrams()) * 2 - 1) << 1;
    this.index = new int[size];
    this.mask = size - 1;
  }

  /** Datagrams pending now. */
  public int pending() {
    return used;
  }

  /** Bytes the pending datagrams hold, as bounded by {@link Limits#maxBytes}. */
  public long bytesHeld() {
    return bytesHeld;
  }

  /** The buffer of the datagram the last successful call completed. */
  byte[] datagram() {
    return datagram;
  }

  /** Where in {@link #datagram} the completed IP packet starts. */
  int datagramOff() {
    return datagramOff;
  }

  /** Length of the completed IP packet (its header included). */
  int datagramLen() {
    return datagramLen;
  }

  /**
   * Adds an IPv4 fragment: its header of {@code headerLen} bytes at {@code p} (already checked by
   * the decoder), its data up to {@code end}, all captured.
   *
   * @return true when the datagram is now complete: {@link #datagram} holds an unfragmented IPv4
   *     packet (the first fragment's header with the total length set and flags and offset
   *     cleared). False when it was kept (counted in {@link Counters#ipFragments}) or refused
   *     (counted as an anomaly).
   */
  boolean ipv4(byte[] b, int p, int headerLen, int end, int depth, long now) {
    int flagsOffset = u16(b, p + 6);
    kSrcHi = 0;
    kSrcLo = u32(b, p + 12) & 0xffffffffL;
    kDstHi = 0;
    kDstLo = u32(b, p + 16) & 0xffffffffL;
    kId = u16(b, p + 4);
    kMeta = (depth << 8) | (b[p + 9] & 0xff);
    if (!add(now, (flagsOffset & 0x1fff) << 3, (flagsOffset & 0x2000) != 0, b, p + headerLen,
        end - p - headerLen, MAX_DATAGRAM - headerLen, b, p, headerLen, 0)) {
      return false;
    }
    int h = datagramOff;
    int len = datagramLen;
    datagram[h + 2] = (byte) (len >>> 8);
    datagram[h + 3] = (byte) len;
    datagram[h + 6] = 0;
    datagram[h + 7] = 0;
    return true;
  }

  /**
   * Adds an IPv6 fragment: the IPv6 header at {@code p}, the fragment header at {@code q}, the
   * fragment's data from {@code q + 8} to {@code end}, all captured. The extension headers before
   * the fragment header (the unfragmentable part) are not kept.
   *
   * @return true when the datagram is now complete: {@link #datagram} holds an unfragmented IPv6
   *     packet (the first fragment's fixed header, next header taken from its fragment header,
   *     payload length set) whose payload is the reassembled fragmentable part. False when it was
   *     kept (counted in {@link Counters#ipFragments}) or refused (counted as an anomaly).
   */
  boolean ipv6(byte[] b, int p, int q, int end, int depth, long now) {
    int flagsOffset = u16(b, q + 2);
    kSrcHi = u64(b, p + 8);
    kSrcLo = u64(b, p + 16);
    kDstHi = u64(b, p + 24);
    kDstLo = u64(b, p + 32);
    kId = u32(b, q + 4);
    kMeta = (1 << 20) | (depth << 8);
    int unfragmentable = q - p - IPV6_HEADER;
    if (!add(now, flagsOffset & 0xfff8, (flagsOffset & 1) != 0, b, q + 8, end - q - 8,
        MAX_DATAGRAM - unfragmentable - 8, b, p, IPV6_HEADER, b[q] & 0xff)) {
      return false;
    }
    int h = datagramOff;
    int payload = datagramLen - IPV6_HEADER;
    datagram[h + 4] = (byte) (payload >>> 8);
    datagram[h + 5] = (byte) payload;
    return true;
  }

  /**
   * The common part: expiry, checks, lookup, copy (first wins), completion. {@code maxEnd} is the
   * highest data end the datagram may reach; the header bytes are taken from a first fragment.
   */
  private boolean add(long now, int offset, boolean more, byte[] b, int dataOff, int dataLen,
      int maxEnd, byte[] hb, int hOff, int hLen, int nextHeader) {
    expire(now);
    int fragEnd = offset + dataLen;
    if (dataLen <= 0 || (more && (dataLen & 7) != 0)) {
      return fail(Anomaly.IP_FRAGMENT_INVALID);
    }
    if (fragEnd > maxEnd) {
      return fail(Anomaly.IP_FRAGMENT_TOO_LARGE);
    }
    int hash = keyHash();
    int si = find(hash);
    if (si < 0) {
      si = allocate(hash, now);
    }
    Slot s = slots[si];
    if (++s.fragments > limits.maxFragments()) {
      release(si);
      return fail(Anomaly.IP_FRAGMENT_TOO_MANY);
    }
    int knownEnd = s.rangeCount == 0 ? 0 : s.ranges[2 * s.rangeCount - 1];
    if (more ? (s.total >= 0 && fragEnd > s.total)
        : ((s.total >= 0 && s.total != fragEnd) || knownEnd > fragEnd)) {
      return fail(Anomaly.IP_FRAGMENT_INVALID); // data beyond the end, or two different ends
    }
    if (!reserve(si, HEADER_ROOM + fragEnd)) {
      return false;
    }
    if (!more) {
      s.total = fragEnd;
    }
    if (copyHoles(s, b, dataOff, offset, fragEnd)) {
      counters.anomaly(Anomaly.IP_FRAGMENT_OVERLAP);
    }
    if (offset == 0 && s.headerLen == 0) {
      System.arraycopy(hb, hOff, s.buf, HEADER_ROOM - hLen, hLen);
      s.headerLen = hLen;
      s.nextHeader = nextHeader;
    }
    counters.ipFragments++;
    if (s.headerLen == 0 || s.total < 0 || s.rangeCount != 1 || s.ranges[1] != s.total) {
      return false;
    }
    datagram = s.buf;
    datagramOff = HEADER_ROOM - s.headerLen;
    datagramLen = s.headerLen + s.total;
    if ((s.meta & (1 << 20)) != 0) {
      datagram[datagramOff + 6] = (byte) s.nextHeader;
    }
    s.buf = null; // handed over
    release(si);
    counters.ipReassembled++;
    return true;
  }

  /**
   * Copies the parts of {@code [start, end)} no earlier fragment gave and records the range.
   *
   * @return true when some of it had been received before (an overlap)
   */
  private static boolean copyHoles(Slot s, byte[] b, int dataOff, int start, int end) {
    int[] r = s.ranges;
    int n = s.rangeCount;
    boolean overlap = false;
    int at = start;
    int first = n; // first range that ends at or after start
    for (int i = 0; i < n; i++) {
      if (r[2 * i + 1] >= start) {
        first = i;
        break;
      }
    }
    int i = first;
    for (; i < n && r[2 * i] <= end && at < end; i++) {
      int rs = r[2 * i];
      int re = r[2 * i + 1];
      if (rs > at) {
        System.arraycopy(b, dataOff + at - start, s.buf, HEADER_ROOM + at, rs - at);
      }
      if (re > at && rs < end) {
        overlap = true;
      }
      at = Math.max(at, re);
    }
    if (at < end) {
      System.arraycopy(b, dataOff + at - start, s.buf, HEADER_ROOM + at, end - at);
    }
    // Merge [start, end) with the ranges it touches: ranges first .. last - 1.
    int last = first;
    int mergedStart = start;
    int mergedEnd = end;
    while (last < n && r[2 * last] <= end) {
      mergedStart = Math.min(mergedStart, r[2 * last]);
      mergedEnd = Math.max(mergedEnd, r[2 * last + 1]);
      last++;
    }
    int removed = last - first;
    int newCount = n - removed + 1;
    if (removed == 0) {
      if (2 * newCount > r.length) {
        int[] grown = new int[r.length * 2];
        System.arraycopy(r, 0, grown, 0, 2 * n);
        s.ranges = r = grown; // the cost is charged by the caller's next reserve
      }
      System.arraycopy(r, 2 * first, r, 2 * first + 2, 2 * (n - first));
    } else if (removed > 1) {
      System.arraycopy(r, 2 * last, r, 2 * first + 2, 2 * (n - last));
    }
    r[2 * first] = mergedStart;
    r[2 * first + 1] = mergedEnd;
    s.rangeCount = newCount;
    return overlap;
  }

  /**
   * Makes the slot's buffer hold {@code size} bytes, and its range list one more range, within
   * {@link Limits#maxBytes}, dropping the oldest other datagrams if needed. False (counted) when
   * this datagram itself had to go.
   */
  private boolean reserve(int si, int size) {
    Slot s = slots[si];
    int bufLen = s.buf == null ? 0 : s.buf.length;
    int newBufLen = bufLen;
    if (size > bufLen) {
      newBufLen = Math.max(INITIAL_BUFFER, bufLen);
      while (newBufLen < size) {
        newBufLen *= 2;
      }
      newBufLen = Math.min(newBufLen, HEADER_ROOM + MAX_DATAGRAM);
    }
    int rangeLen = s.ranges.length;
    if (2 * (s.rangeCount + 1) > rangeLen) {
      rangeLen *= 2;
    }
    long newCost = SLOT_OVERHEAD + newBufLen + 4L * rangeLen;
    while (bytesHeld - s.cost + newCost > limits.maxBytes()) {
      int victim = oldest == si ? slots[si].newer : oldest;
      if (victim < 0) {
        release(si); // cannot happen with maxBytes >= one datagram's worst cost
        return fail(Anomaly.IP_FRAGMENT_EVICTED);
      }
      release(victim);
      counters.anomaly(Anomaly.IP_FRAGMENT_EVICTED);
    }
    if (newBufLen != bufLen) {
      byte[] grown = new byte[newBufLen];
      if (s.buf != null) {
        System.arraycopy(s.buf, 0, grown, 0, bufLen);
      }
      s.buf = grown;
    }
    bytesHeld += newCost - s.cost;
    s.cost = newCost;
    return true;
  }

  /** Drops the datagrams whose first fragment is older than the timeout. */
  private void expire(long now) {
    while (oldest >= 0 && now - slots[oldest].firstNanos > limits.timeoutNanos()) {
      release(oldest);
      counters.anomaly(Anomaly.IP_FRAGMENT_TIMEOUT);
    }
  }

  /** The slot of the current key, or -1. */
  private int find(int hash) {
    for (int h = hash & mask; ; h = (h + 1) & mask) {
      int e = index[h];
      if (e == 0) {
        return -1;
      }
      Slot s = slots[e - 1];
      if (s.id == kId && s.meta == kMeta && s.srcLo == kSrcLo && s.dstLo == kDstLo
          && s.srcHi == kSrcHi && s.dstHi == kDstHi) {
        return e - 1;
      }
    }
  }

  private int keyHash() {
    long x = kSrcHi * 31 + kSrcLo;
    x = x * 31 + kDstHi;
    x = x * 31 + kDstLo;
    x = x * 31 + ((long) kId << 32 | (kMeta & 0xffffffffL));
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return (int) x;
  }

  /** A new slot for the current key, the oldest datagram dropped first when the table is full. */
  private int allocate(int hash, long now) {
    int si;
    if (freeCount > 0) {
      si = free[--freeCount];
    } else if (fresh < slots.length) {
      si = fresh++;
    } else {
      release(oldest);
      counters.anomaly(Anomaly.IP_FRAGMENT_EVICTED);
      si = free[--freeCount];
    }
    Slot s = slots[si];
    if (s == null) {
      s = slots[si] = new Slot();
    }
    s.srcHi = kSrcHi;
    s.srcLo = kSrcLo;
    s.dstHi = kDstHi;
    s.dstLo = kDstLo;
    s.id = kId;
    s.meta = kMeta;
    s.hash = hash;
    s.firstNanos = now;
    s.headerLen = 0;
    s.total = -1;
    s.rangeCount = 0;
    s.fragments = 0;
    s.cost = SLOT_OVERHEAD + 4L * s.ranges.length;
    bytesHeld += s.cost;
    s.older = newest;
    s.newer = -1;
    if (newest >= 0) {
      slots[newest].newer = si;
    } else {
      oldest = si;
    }
    newest = si;
    int h = hash & mask;
    while (index[h] != 0) {
      h = (h + 1) & mask;
    }
    index[h] = si + 1;
    used++;
    return si;
  }

  /** Forgets a slot: out of the index and the age list, its memory returned. */
  private void release(int si) {
    Slot s = slots[si];
    // Remove from the index (linear probing: shift back the entries that follow).
    int h = s.hash & mask;
    while (index[h] != si + 1) {
      h = (h + 1) & mask;
    }
    int hole = h;
    for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
      int home = slots[index[j] - 1].hash & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        index[hole] = index[j];
        hole = j;
      }
    }
    index[hole] = 0;
    if (s.older >= 0) {
      slots[s.older].newer = s.newer;
    } else {
      oldest = s.newer;
    }
    if (s.newer >= 0) {
      slots[s.newer].older = s.older;
    } else {
      newest = s.older;
    }
    bytesHeld -= s.cost;
    s.cost = 0;
    s.buf = null;
    if (s.ranges.length > 2 * INITIAL_RANGES) {
      s.ranges = new int[2 * INITIAL_RANGES];
    }
    free[freeCount++] = si;
    used--;
  }

  private boolean fail(Anomaly a) {
    counters.anomaly(a);
    return false;
  }
}
