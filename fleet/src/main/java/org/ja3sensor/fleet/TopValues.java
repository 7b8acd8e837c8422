package org.ja3sensor.fleet;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The most frequent values (server names) in bounded space: the Space-Saving algorithm (Metwally,
 * Agrawal and El Abbadi, 2005) with {@code capacity} counters. A value not tracked replaces the
 * least counted one and inherits its count plus one, so counts are upper bounds and every value
 * more frequent than 1/capacity of the total is kept. Mutable, not thread-safe.
 */
public final class TopValues {
  private final LinkedHashMap<String, Long> counts = new LinkedHashMap<>();

  public void add(String value, int capacity) {
    if (value == null) {
      return;
    }
    Long c = counts.get(value);
    if (c != null) {
      counts.put(value, c + 1);
      return;
    }
    if (counts.size() < capacity) {
      counts.put(value, 1L);
      return;
    }
    String minKey = null;
    long min = Long.MAX_VALUE;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getValue() < min) {
        min = e.getValue();
        minKey = e.getKey();
      }
    }
    counts.remove(minKey);
    counts.put(value, min + 1);
  }

  /** Values with their counts, most frequent first (ties: first added first). */
  public List<Map.Entry<String, Long>> top() {
    List<Map.Entry<String, Long>> l = new ArrayList<>(counts.entrySet());
    l.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    return l;
  }

  void write(DataOutputStream o) throws IOException {
    o.writeInt(counts.size());
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      o.writeUTF(e.getKey());
      o.writeLong(e.getValue());
    }
  }

  static TopValues read(DataInputStream in) throws IOException {
    TopValues t = new TopValues();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      t.counts.put(in.readUTF(), in.readLong());
    }
    return t;
  }
}
