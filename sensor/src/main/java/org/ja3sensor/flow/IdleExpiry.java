package org.ja3sensor.flow;

import java.util.function.Consumer;

/**
 * When and how many idle flows a tracker evicts. A pass evicts the flows idle for longer than the
 * timeout, oldest first, but at most as many as the layer above takes without waiting ({@code
 * room}: the free places of the event queue); the others stay in the table, due. A due flow
 * counts as evicted as of the pass that found it due: a packet for it evicts it first and starts a
 * new flow, as if the pass had taken it. So a burst of evictions (a second's worth of new flows
 * going idle together) does not hold the packet thread while the output catches up, and the
 * events are those an unlimited pass gives, only later. While flows are due, passes come every
 * {@value #BACKLOG_CHECK_PACKETS} packets rather than once a second of capture time, to go as fast
 * as the queue empties. With no limit (the default of the layers above) nothing is ever left due,
 * and a tracker behaves as it always did.
 */
public final class IdleExpiry {
  private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;
  static final int BACKLOG_CHECK_PACKETS = 256;

  private final long idleTimeoutNanos;
  private long lastCheck = Long.MIN_VALUE;
  /** Flows last seen before this were due at a pass that left them; MIN_VALUE: none is. */
  private long dueBefore = Long.MIN_VALUE;
  private int sinceBacklogCheck;

  public IdleExpiry(long idleTimeoutNanos) {
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  /**
   * Whether the packet captured at {@code tsNanos} runs a pass first: the first packet, then once
   * a second of capture time, or every {@value #BACKLOG_CHECK_PACKETS} packets while flows are
   * due.
   */
  public boolean passDue(long tsNanos) {
    if (lastCheck == Long.MIN_VALUE
        || tsNanos - lastCheck >= CHECK_INTERVAL_NANOS
        || (dueBefore != Long.MIN_VALUE && ++sinceBacklogCheck >= BACKLOG_CHECK_PACKETS)) {
      lastCheck = tsNanos;
      sinceBacklogCheck = 0;
      return true;
    }
    return false;
  }

  /**
   * One pass at {@code nowNanos}: hands the flows idle for longer than the timeout to {@code
   * evict}, oldest first, at most {@code room} of them.
   */
  public <S> void pass(FlowTable<S> table, long nowNanos, int room, Consumer<Flow<S>> evict) {
    int n = 0;
    Flow<S> f;
    while ((f = table.oldest()) != null && nowNanos - f.lastSeenNanos > idleTimeoutNanos) {
      if (n >= room) {
        long cutoff = nowNanos - idleTimeoutNanos;
        if (dueBefore == Long.MIN_VALUE || cutoff - dueBefore > 0) {
          dueBefore = cutoff;
        }
        return;
      }
      evict.accept(f);
      n++;
    }
    if (dueBefore != Long.MIN_VALUE && nowNanos - idleTimeoutNanos - dueBefore >= 0) {
      dueBefore = Long.MIN_VALUE; // every flow due at the earlier passes is gone too
    }
  }

  /** Whether {@code f} was due at a pass that left it in the table. */
  public boolean overdue(Flow<?> f) {
    return dueBefore != Long.MIN_VALUE && dueBefore - f.lastSeenNanos > 0;
  }

  /**
   * The flow a packet found, or null when it was due at a pass that had no room for it: then it
   * is handed to {@code evictIdle} first, gone as of that pass, and the packet starts a new flow.
   */
  public <S> Flow<S> unlessOverdue(Flow<S> f, Consumer<Flow<S>> evictIdle) {
    if (f != null && overdue(f)) {
      evictIdle.accept(f);
      return null;
    }
    return f;
  }

  /**
   * The input ended: empties the table, oldest first, handing a flow due at a pass that had no
   * room for it to {@code evictIdle} (it ended idle, not cut by the input's end) and every other
   * to {@code atEnd}.
   */
  public <S> void finish(FlowTable<S> table, Consumer<Flow<S>> evictIdle,
      Consumer<Flow<S>> atEnd) {
    Flow<S> f;
    while ((f = table.oldest()) != null) {
      (overdue(f) ? evictIdle : atEnd).accept(f);
    }
  }

  /** Whether flows are left due. */
  public boolean backlog() {
    return dueBefore != Long.MIN_VALUE;
  }
}
