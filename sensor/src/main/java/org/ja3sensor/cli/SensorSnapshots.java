package org.ja3sensor.cli;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.core.MetricsSnapshot;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.match.Matcher;
import org.ja3sensor.sink.EventPublisher;
import org.ja3sensor.sink.EventSink;

/**
 * Builds the one {@link MetricsSnapshot} that the stats events and the metrics endpoint render:
 * the pipeline's counters (from {@code ParallelRunner.Totals} for {@code capture}, from the read
 * thread's {@link Counters} for {@code read}), then the QUIC counters, the output's counters
 * ({@code output.*}) and the fingerprint database's ({@code database.*}). Called on the stats
 * timer and scraping threads; reads other threads' counters without locking (approximate while
 * running, exact once the run has ended).
 */
final class SensorSnapshots {
  private SensorSnapshots() {}

  /** The pipeline counters of {@code read} (one thread), by the names capture's stats line uses. */
  static MetricsSnapshot ofRead(Counters c) {
    long full = c.get(Anomaly.FLOW_TABLE_FULL);
    return MetricsSnapshot.builder(System.currentTimeMillis() * 1_000_000L)
        .add("packets", c.packets)
        .add("bytes", c.bytes)
        .add("tcp_packets", c.tcpPackets)
        .add("flows", c.flows)
        .add("flows_active", c.flowsActive)
        .add("flows_evicted", c.flowsIdleEvicted + full)
        .add("flows_evicted_idle", c.flowsIdleEvicted)
        .add("flows_evicted_full", full)
        .add("client_hellos", c.clientHellos)
        .add("server_hellos", c.serverHellos)
        .add("events", c.events)
        .addAnomalies(c)
        .build();
  }

  /**
   * {@code base} with the alerts by severity, the QUIC counters of {@code c} (when QUIC was
   * seen), the output's counters and the database's. {@code publisher}, {@code sink} and {@code
   * matcher} may be null (not open yet).
   */
  static MetricsSnapshot complete(MetricsSnapshot base, Counters c, EventPublisher publisher,
      EventSink sink, Matcher matcher) {
    MetricsSnapshot.Builder b = MetricsSnapshot.builder(base.timeNanos).addAll(base);
    long[] alerts = publisher != null ? publisher.alertCounts() : new long[3];
    b.add("alerts", alerts[0] + alerts[1] + alerts[2]);
    for (int i = EventPublisher.SEVERITIES.length - 1; i >= 0; i--) {
      b.add("alert." + EventPublisher.SEVERITIES[i], alerts[i]);
    }
    if (c.quicPackets > 0) {
      b.add("quic.packets", c.quicPackets)
          .add("quic.flows", c.quicFlows)
          .add("quic.initials", c.quicInitials)
          .add("quic.decrypted", c.quicDecrypted)
          .add("quic.tag_failures", c.quicTagFailures)
          .add("quic.hellos", c.quicHellos)
          .add("quic.client_hellos", c.quicClientHellos)
          .add("quic.server_hellos", c.quicServerHellos)
          .add("quic.retries", c.quicRetries)
          .add("quic.version_negotiations", c.quicVersionNegotiations);
    }
    if (sink != null) {
      sink.counters().forEach((k, v) -> b.add("output." + k, v));
    }
    if (matcher != null) {
      Snapshot db = matcher.holder().current();
      b.add("database.entries", db.entries().size());
      addEntryCounts(b, db);
      b
          .add("database.reloads", matcher.holder().reloadCount())
          .add("database.reload_failures", matcher.holder().rejectionCount());
      if (db.loadedAt().getEpochSecond() > 0) {
        b.add("database.loaded_seconds", db.loadedAt().getEpochSecond());
      }
      b.info("database.version", db.version());
    }
    return b.build();
  }

  /**
   * {@code database.entries_by.<type>.<disposition>}: the database's entries counted by entry
   * type ({@code ja3}, {@code ja4}, {@code ja3+ja3s} ...) and disposition ({@code alert},
   * {@code allow}, {@code info}, {@code disabled}), those present only.
   */
  private static void addEntryCounts(MetricsSnapshot.Builder b, Snapshot db) {
    java.util.Map<String, Long> counts = new java.util.TreeMap<>();
    for (org.ja3sensor.db.Entry e : db.entries()) {
      counts.merge(e.type().label + "." + e.disposition().name().toLowerCase(
          java.util.Locale.ROOT), 1L, Long::sum);
    }
    counts.forEach((k, v) -> b.add("database.entries_by." + k, v));
  }
}
