package org.ja3sensor.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.MetricsSnapshot;

/**
 * Renders one {@link MetricsSnapshot} (the numbers of the stats line and the stats events) as
 * Prometheus metric families: {@code ja3sensor_} names, {@code _total} counters, gauges for
 * levels, labels where one family has several members (drops by where, hellos by kind,
 * anomalies by name). A pure function of the snapshot; it runs on the scraping thread, never on
 * the packet path. Snapshot names without a definition here are still exported, as gauges named
 * after them, so that a counter added to the snapshot is never silently missing.
 */
public final class PrometheusMetrics {
  private PrometheusMetrics() {}

  private enum Type {
    COUNTER,
    GAUGE
  }

  /**
   * How one snapshot value is exported.
   *
   * @param key the snapshot's name
   * @param family the Prometheus name without the {@code _total} suffix of counters
   * @param labels label name/value pairs, or none
   * @param zeroIfAbsent export 0 when the snapshot lacks the key (it shows only non-zero values)
   */
  private record Def(
      String key, String family, Type type, String help, String[] labels, boolean zeroIfAbsent) {}

  private static final List<Def> DEFS = new ArrayList<>();

  private static void counter(String key, String family, String help, String... labels) {
    DEFS.add(new Def(key, family, Type.COUNTER, help, labels, false));
  }

  private static void counterOrZero(String key, String family, String help, String... labels) {
    DEFS.add(new Def(key, family, Type.COUNTER, help, labels, true));
  }

  private static void gauge(String key, String family, String help) {
    DEFS.add(new Def(key, family, Type.GAUGE, help, new String[0], false));
  }

  static {
    counter("packets", "ja3sensor_packets", "Frames received (captured or read from files).");
    counter("bytes", "ja3sensor_received_bytes", "Bytes of the frames received (captured length).");
    String drops = "Frames lost before decoding: dropped by the kernel (no room in the capture"
        + " buffer), by the interface, or because a worker's queue was full.";
    counter("kernel_dropped", "ja3sensor_dropped_packets", drops, "where", "kernel");
    counter("if_dropped", "ja3sensor_dropped_packets", drops, "where", "interface");
    counter("queue_dropped", "ja3sensor_dropped_packets", drops, "where", "queue");
    counter("tcp_packets", "ja3sensor_tcp_packets", "Frames that carried a TCP segment.");
    counter("flows", "ja3sensor_flows", "Flows created in the flow tables.");
    gauge("flows_active", "ja3sensor_flows_active", "Flows in the flow tables now.");
    String evicted = "Flows evicted from the flow tables: idle (timeout) or full (table bound).";
    counter("flows_evicted_idle", "ja3sensor_flows_evicted", evicted, "reason", "idle");
    counter("flows_evicted_full", "ja3sensor_flows_evicted", evicted, "reason", "full");
    counter("events", "ja3sensor_events", "Handshake events handed to the output.");
    String alerts = "Alerts handed to the output (events the fingerprint database marks), by ECS"
        + " severity: high (73), medium (47), low (21).";
    counterOrZero("alert.high", "ja3sensor_alerts", alerts, "severity", "high");
    counterOrZero("alert.medium", "ja3sensor_alerts", alerts, "severity", "medium");
    counterOrZero("alert.low", "ja3sensor_alerts", alerts, "severity", "low");
    counterOrZero("output_errors", "ja3sensor_output_write_errors",
        "Failed writes to the event output (the event is counted as failed by the output).");
    counterOrZero("events_lost", "ja3sensor_events_lost",
        "Events lost because the emitter thread had stopped.");
    counterOrZero("internal_errors", "ja3sensor_internal_errors",
        "Internal errors in worker threads (a packet skipped).");
    // output.*: the counters of the event output in use (Kafka or file)
    counter("output.sent", "ja3sensor_kafka_sent_events", "Events the Kafka broker acknowledged.");
    counter("output.retried", "ja3sensor_kafka_retried_events",
        "Kafka sends retried (producer retries and resends).");
    counter("output.spooled", "ja3sensor_kafka_spooled_events",
        "Events written to the disk spool while Kafka could not take them.");
    counter("output.replayed", "ja3sensor_kafka_replayed_events",
        "Spooled events sent to Kafka later.");
    gauge("output.spool_pending", "ja3sensor_kafka_spool_pending_events",
        "Events in the disk spool not yet sent.");
    gauge("output.spool_bytes", "ja3sensor_kafka_spool_bytes",
        "Bytes of the disk spool's files (read or not yet).");
    gauge("output.memory_bytes", "ja3sensor_kafka_buffered_bytes",
        "Bytes of events held in memory for Kafka.");
    counter("output.failed", "ja3sensor_output_failed_events",
        "Events the output could not deliver (Kafka) or write (file).");
    counter("output.written", "ja3sensor_file_written_events", "Events written to the file.");
    counter("output.rotations", "ja3sensor_file_rotations",
        "Times the sensor rotated the output file itself (--output-max-bytes).");
    String reloads = "Fingerprint database reloads: success (a new version is in force) or"
        + " rejected (the files had errors; the old version stays).";
    counterOrZero("database.reloads", "ja3sensor_database_reloads", reloads, "result", "success");
    counterOrZero("database.reload_failures", "ja3sensor_database_reloads", reloads,
        "result", "rejected");
    gauge("database.loaded_seconds", "ja3sensor_database_loaded_timestamp_seconds",
        "When the database in force was loaded (Unix time).");
    counterOrZero("quic.packets", "ja3sensor_quic_packets",
        "UDP datagrams with a QUIC long header of a known version.");
    counterOrZero("quic.flows", "ja3sensor_quic_flows", "QUIC connections tracked.");
    counterOrZero("quic.initials", "ja3sensor_quic_initial_packets",
        "QUIC Initial packets seen (both directions).");
    counterOrZero("quic.decrypted", "ja3sensor_quic_decrypted_initial_packets",
        "QUIC Initial packets decrypted with the tag verified.");
    counterOrZero("quic.tag_failures", "ja3sensor_quic_tag_failures",
        "QUIC Initial packets whose tag did not verify.");
    counterOrZero("quic.retries", "ja3sensor_quic_retries", "QUIC Retry packets seen.");
    counterOrZero("quic.version_negotiations", "ja3sensor_quic_version_negotiations",
        "QUIC Version Negotiation packets seen.");
  }

  /** Snapshot names that are sums of exported labelled values (not exported themselves). */
  private static final Set<String> SUMS = Set.of("flows_evicted", "anomalies", "alerts",
      "quic.hellos", "database.entries");

  /** Totals left out when the per-interface values are in the snapshot. */
  private static final Set<String> DROP_TOTALS = Set.of("kernel_dropped", "if_dropped",
      "queue_dropped");

  private static final String DROPS_FAMILY = "ja3sensor_dropped_packets";
  private static final String DROPS_HELP = "Frames lost before decoding, by interface: dropped by"
      + " the kernel (no room in the capture buffer), by the interface, or because a worker's"
      + " queue was full (the handles of a fanout group added up).";
  private static final String INTERFACE = "interface.";
  private static final String ENTRIES_BY = "database.entries_by.";

  private static final String ANOMALY_FAMILY = "ja3sensor_anomalies";

  /** The snapshot names with a definition here (the anomalies' aside), in order. */
  public static List<String> definedKeys() {
    return DEFS.stream().map(Def::key).toList();
  }

  /** The Prometheus metric families of one snapshot. */
  public static MetricSnapshots render(MetricsSnapshot s) {
    Map<String, Long> values = s.asMap();
    Set<String> used = new HashSet<>();
    // family name -> builder, in definition order
    Map<String, Family> families = new LinkedHashMap<>();
    boolean perInterface = values.keySet().stream().anyMatch(k -> k.startsWith(INTERFACE));
    for (Def d : DEFS) {
      if (d.key().equals("events") && values.containsKey("client_hellos")) {
        families.put("ja3sensor_hellos", hellos(values, used)); // in the stats line's place
      }
      Long v = values.get(d.key());
      used.add(d.key());
      if (v == null && !d.zeroIfAbsent() || perInterface && DROP_TOTALS.contains(d.key())) {
        continue;
      }
      families
          .computeIfAbsent(d.family(), f -> new Family(f, d.type(), d.help()))
          .add(Labels.of(d.labels()), v == null ? 0 : v);
    }
    if (perInterface) {
      Family drops = new Family(DROPS_FAMILY, Type.COUNTER, DROPS_HELP);
      for (Map.Entry<String, Long> e : values.entrySet()) {
        String k = e.getKey();
        if (!k.startsWith(INTERFACE)) {
          continue;
        }
        int dot = k.lastIndexOf('.');
        String where = switch (k.substring(dot + 1)) {
          case "kernel_dropped" -> "kernel";
          case "if_dropped" -> "interface";
          case "queue_dropped" -> "queue";
          default -> null;
        };
        if (where != null) {
          used.add(k);
          drops.add(Labels.of("interface", k.substring(INTERFACE.length(), dot), "where", where),
              e.getValue());
        }
      }
      families.put(DROPS_FAMILY, drops);
    }
    Family entries = new Family("ja3sensor_database_entries", Type.GAUGE,
        "Entries of the fingerprint database in force, by type and disposition.");
    for (Map.Entry<String, Long> e : values.entrySet()) {
      String k = e.getKey();
      int dot = k.lastIndexOf('.');
      if (k.startsWith(ENTRIES_BY) && dot > ENTRIES_BY.length()) {
        used.add(k);
        entries.add(Labels.of("type", k.substring(ENTRIES_BY.length(), dot), "disposition",
            k.substring(dot + 1)), e.getValue());
      }
    }
    if (!entries.values.isEmpty()) {
      families.put(entries.name, entries);
    }
    Family anomalies = new Family(ANOMALY_FAMILY, Type.COUNTER,
        "Anomalies counted (malformed or unexpected input, bounds reached), by name.");
    for (Anomaly a : Anomaly.values()) {
      String key = "anomaly." + a.label();
      used.add(key);
      Long v = values.get(key);
      anomalies.add(Labels.of("name", a.label()), v == null ? 0 : v);
    }
    families.put(ANOMALY_FAMILY, anomalies);
    for (Map.Entry<String, Long> e : values.entrySet()) {
      if (used.contains(e.getKey()) || SUMS.contains(e.getKey())) {
        continue;
      }
      String name = "ja3sensor_" + e.getKey().replaceAll("[^a-zA-Z0-9_]", "_").toLowerCase(
          Locale.ROOT);
      if (!families.containsKey(name)) {
        families.put(name, new Family(name, Type.GAUGE, "Counter " + e.getKey()
            + " of the stats line.").add(Labels.EMPTY, e.getValue()));
      }
    }
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    for (Family f : families.values()) {
      out.metricSnapshot(f.build());
    }
    String version = s.infos().get("database.version");
    if (version != null) {
      out.metricSnapshot(InfoSnapshot.builder()
          .name("ja3sensor_database")
          .help("The fingerprint database in force (version: content hash of its files).")
          .dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build())
          .build());
    }
    return out.build();
  }

  /**
   * {@code ja3sensor_hellos_total{kind, transport}}: the snapshot's hellos (TCP and QUIC
   * together) less its QUIC ones are the TCP ones.
   */
  private static Family hellos(Map<String, Long> values, Set<String> used) {
    Family f = new Family("ja3sensor_hellos", Type.COUNTER,
        "TLS hellos parsed, by kind (client, server) and transport (tcp, quic).");
    for (String kind : new String[] {"client", "server"}) {
      String all = kind + "_hellos";
      String quic = "quic." + kind + "_hellos";
      used.add(all);
      used.add(quic);
      long q = values.getOrDefault(quic, 0L);
      f.add(Labels.of("kind", kind, "transport", "tcp"), values.getOrDefault(all, 0L) - q);
      f.add(Labels.of("kind", kind, "transport", "quic"), q);
    }
    return f;
  }

  /** The data points of one family, collected before it is built. */
  private static final class Family {
    private final String name;
    private final Type type;
    private final String help;
    private final List<Labels> labels = new ArrayList<>();
    private final List<Long> values = new ArrayList<>();

    Family(String name, Type type, String help) {
      this.name = name;
      this.type = type;
      this.help = help;
    }

    Family add(Labels l, long v) {
      labels.add(l);
      values.add(v);
      return this;
    }

    MetricSnapshot build() {
      if (type == Type.COUNTER) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (int i = 0; i < values.size(); i++) {
          b.dataPoint(CounterDataPointSnapshot.builder().labels(labels.get(i))
              .value(values.get(i)).build());
        }
        return b.build();
      }
      GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
      for (int i = 0; i < values.size(); i++) {
        b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.get(i))
            .value(values.get(i)).build());
      }
      return b.build();
    }
  }
}
