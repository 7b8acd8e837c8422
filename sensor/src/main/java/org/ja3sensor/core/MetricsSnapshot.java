package org.ja3sensor.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sensor's counters at one moment: named values in a fixed order (packets, drops, flows,
 * hellos, events, anomalies by name, output counters). One snapshot is rendered by every view of
 * the counters: the {@code stats} line on stderr ({@link #format()}), the stats events
 * ({@code event.dataset: ja3sensor.stats}) and, later, metrics exporters. Immutable once built.
 */
public final class MetricsSnapshot {
  /** One counter: a dotted name ({@code anomaly.tls_truncated_hello}) and its value. */
  public record Value(String name, long value) {}

  /** Wall-clock time of the snapshot, ns since the epoch. */
  public final long timeNanos;

  private final List<Value> values;
  private final Map<String, String> infos;

  private MetricsSnapshot(long timeNanos, List<Value> values, Map<String, String> infos) {
    this.timeNanos = timeNanos;
    this.values = Collections.unmodifiableList(values);
    this.infos = Collections.unmodifiableMap(infos);
  }

  /**
   * Named text values that are not counters ({@code database.version}); not on the stats line,
   * rendered by the metrics endpoint as an info metric's label.
   */
  public Map<String, String> infos() {
    return infos;
  }

  public List<Value> values() {
    return values;
  }

  /** The value of a counter, or -1 when the snapshot has none of that name. */
  public long get(String name) {
    for (Value v : values) {
      if (v.name().equals(name)) {
        return v.value();
      }
    }
    return -1;
  }

  /** The counters by name, in order. */
  public Map<String, Long> asMap() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Value v : values) {
      m.put(v.name(), v.value());
    }
    return m;
  }

  /** {@code key=value} pairs on one line (the stderr stats line). */
  public String format() {
    StringBuilder b = new StringBuilder(512);
    for (Value v : values) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(v.name()).append('=').append(v.value());
    }
    return b.toString();
  }

  public static Builder builder(long timeNanos) {
    return new Builder(timeNanos);
  }

  /** Adds counters in the order they are to be shown. */
  public static final class Builder {
    private final long timeNanos;
    private final List<Value> values = new ArrayList<>();
    private final Map<String, String> infos = new LinkedHashMap<>();

    private Builder(long timeNanos) {
      this.timeNanos = timeNanos;
    }

    public Builder add(String name, long value) {
      values.add(new Value(name, value));
      return this;
    }

    /** Adds every counter of another snapshot (its time is not taken). */
    public Builder addAll(MetricsSnapshot other) {
      values.addAll(other.values);
      infos.putAll(other.infos);
      return this;
    }

    /** Sets a text value (see {@link MetricsSnapshot#infos()}). */
    public Builder info(String name, String value) {
      infos.put(name, value);
      return this;
    }

    /** Adds {@code name} only when {@code value} is not zero. */
    public Builder addNonZero(String name, long value) {
      if (value != 0) {
        add(name, value);
      }
      return this;
    }

    /** The anomaly total and every anomaly counted, as {@code anomaly.<label>}. */
    public Builder addAnomalies(Counters c) {
      add("anomalies", c.totalAnomalies());
      for (Anomaly a : Anomaly.values()) {
        addNonZero("anomaly." + a.label(), c.get(a));
      }
      return this;
    }

    public MetricsSnapshot build() {
      return new MetricsSnapshot(timeNanos, new ArrayList<>(values), new LinkedHashMap<>(infos));
    }
  }
}
