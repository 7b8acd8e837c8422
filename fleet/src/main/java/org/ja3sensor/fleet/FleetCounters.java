package org.ja3sensor.fleet;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one aggregator instance (all its stream threads): dead letters by reason, keys
 * dropped because a task's state was full, keys expired. Since this process started; not kept
 * across restarts (the dead-letter topic is the durable record). Thread-safe.
 */
public final class FleetCounters {
  private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

  public void add(String name) {
    counts.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  public void add(String name, long n) {
    counts.computeIfAbsent(name, k -> new LongAdder()).add(n);
  }

  public long get(String name) {
    LongAdder a = counts.get(name);
    return a == null ? 0 : a.sum();
  }

  /** A sorted copy. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    counts.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }
}
