package org.ja3sensor.flow;

import org.ja3sensor.decode.DecodedPacket;

/**
 * The bounded flow table of one pipeline: an open-addressing hash table (linear probing,
 * backward-shift deletion, no tombstones) plus a doubly linked list in least-recently-used order,
 * so that finding a flow is one hash lookup and evicting the idlest flow is O(1). Not thread-safe:
 * owned by one pipeline thread.
 *
 * @param <S> the session type of the flows
 */
public final class FlowTable<S> {
  /** Slots of the hash table: starts small and doubles up to {@link #maxSlots} (load at most 1/2). */
  private Flow<S>[] slots;
  private int mask;
  private final int maxSlots;
  private final int maxFlows;
  private int size;
  private Flow<S> lruHead; // least recently used
  private Flow<S> lruTail; // most recently used

  public FlowTable(int maxFlows) {
    if (maxFlows < 1) {
      throw new IllegalArgumentException("maxFlows must be at least 1, got " + maxFlows);
    }
    this.maxFlows = maxFlows;
    maxSlots = Integer.highestOneBit(Math.max(4, maxFlows) * 2 - 1) << 1; // >= 2 * maxFlows
    int cap = Math.min(maxSlots, INITIAL_SLOTS);
    slots = newSlots(cap);
    mask = cap - 1;
  }

  /**
   * Slots at first. A file read with the default 500,000 flows would otherwise zero a 4 MB array
   * up front; the table doubles as flows arrive (each doubling rehashes the flows present).
   */
  static final int INITIAL_SLOTS = 4096;

  /** Doubles the slots when the table is half full, up to the size fixed by maxFlows. */
  private void growIfHalfFull() {
    if ((size + 1) * 2 <= slots.length || slots.length >= maxSlots) {
      return;
    }
    Flow<S>[] old = slots;
    slots = newSlots(old.length * 2);
    mask = slots.length - 1;
    for (Flow<S> f : old) {
      if (f != null) {
        place(f);
      }
    }
  }

  public int size() {
    return size;
  }

  public boolean isFull() {
    return size >= maxFlows;
  }

  /** The least recently used flow, or null. */
  public Flow<S> oldest() {
    return lruHead;
  }

  /** Finds the flow of a segment (either direction), or null. */
  public Flow<S> find(DecodedPacket p, int hash) {
    int i = hash & mask;
    Flow<S> f;
    while ((f = slots[i]) != null) {
      if (f.hash == hash && f.matches(p)) {
        return f;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /**
   * Inserts a new flow for the segment. The caller must make room first when {@link #isFull()}.
   */
  public Flow<S> insert(DecodedPacket p, int hash, long nowNanos) {
    if (size >= maxFlows) {
      throw new IllegalStateException("flow table full");
    }
    growIfHalfFull();
    Flow<S> f = new Flow<>(p, hash);
    f.lastSeenNanos = nowNanos;
    place(f);
    size++;
    linkTail(f);
    return f;
  }

  /** Puts a flow in the first free slot of its probe chain. */
  private void place(Flow<S> f) {
    int i = f.hash & mask;
    while (slots[i] != null) {
      i = (i + 1) & mask;
    }
    slots[i] = f;
  }

  /** Marks the flow as just used: moves it to the young end of the LRU list. */
  public void touch(Flow<S> f, long nowNanos) {
    if (nowNanos - f.lastSeenNanos > 0) {
      f.lastSeenNanos = nowNanos;
    }
    if (lruTail != f) {
      unlink(f);
      linkTail(f);
    }
  }

  /** Removes a flow from the table. */
  public void remove(Flow<S> f) {
    int i = f.hash & mask;
    while (slots[i] != f) {
      if (slots[i] == null) {
        return; // not in the table
      }
      i = (i + 1) & mask;
    }
    // Backward-shift deletion keeps every probe chain unbroken.
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      Flow<S> g = slots[j];
      if (g == null) {
        break;
      }
      int home = g.hash & mask;
      // g may move into the hole if its home is not cyclically within (hole, j].
      boolean homeInRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!homeInRange) {
        slots[hole] = g;
        hole = j;
      }
    }
    slots[hole] = null;
    size--;
    unlink(f);
  }

  private void linkTail(Flow<S> f) {
    f.lruPrev = lruTail;
    f.lruNext = null;
    if (lruTail != null) {
      lruTail.lruNext = f;
    } else {
      lruHead = f;
    }
    lruTail = f;
  }

  private void unlink(Flow<S> f) {
    if (f.lruPrev != null) {
      f.lruPrev.lruNext = f.lruNext;
    } else {
      lruHead = f.lruNext;
    }
    if (f.lruNext != null) {
      f.lruNext.lruPrev = f.lruPrev;
    } else {
      lruTail = f.lruPrev;
    }
    f.lruPrev = null;
    f.lruNext = null;
  }

  @SuppressWarnings("unchecked")
  private static <S> Flow<S>[] newSlots(int n) {
    return (Flow<S>[]) new Flow<?>[n];
  }
}
