package org.ja3sensor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.MetricsSnapshot;
import org.junit.jupiter.api.Test;

/** The exposition of one snapshot: names, types, labels, zeros, sums left out. */
class PrometheusMetricsTest {
  private static String text(MetricsSnapshot s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, PrometheusMetrics.render(s));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void rendersTheSnapshotsValuesUnderPrometheusNames() throws Exception {
    String t = text(MetricsSnapshot.builder(0)
        .add("packets", 12).add("kernel_dropped", 3).add("queue_dropped", 4)
        .add("flows_active", 5).add("flows_evicted", 9).add("flows_evicted_idle", 7)
        .add("flows_evicted_full", 2).add("anomalies", 6).add("anomaly.tcp_invalid", 6)
        .add("output.written", 8).add("something_new", 11)
        .info("database.version", "abc").build());
    assertTrue(t.contains("# TYPE ja3sensor_packets_total counter\n"), t);
    assertTrue(t.contains("\nja3sensor_packets_total 12.0\n"), t);
    assertTrue(t.contains("ja3sensor_dropped_packets_total{where=\"kernel\"} 3.0\n"), t);
    assertTrue(t.contains("ja3sensor_dropped_packets_total{where=\"queue\"} 4.0\n"), t);
    assertTrue(t.contains("# TYPE ja3sensor_flows_active gauge\nja3sensor_flows_active 5.0\n"), t);
    assertTrue(t.contains("ja3sensor_flows_evicted_total{reason=\"idle\"} 7.0\n"), t);
    assertTrue(t.contains("ja3sensor_anomalies_total{name=\"tcp_invalid\"} 6.0\n"), t);
    assertTrue(t.contains("ja3sensor_file_written_events_total 8.0\n"), t);
    assertTrue(t.contains("ja3sensor_database_info{version=\"abc\"} 1\n"), t);
    // not in the snapshot: drops of the interface, Kafka counters; zero when only non-zero shown
    assertTrue(!t.contains("where=\"interface\"") && !t.contains("kafka"), t);
    assertTrue(t.contains("ja3sensor_internal_errors_total 0.0\n"), t);
    assertTrue(t.contains("ja3sensor_quic_tag_failures_total 0.0\n"), t);
    assertTrue(t.contains("ja3sensor_alerts_total{severity=\"high\"} 0.0\n"), t);
    // every anomaly, counted or not; the sums are not series of their own
    for (Anomaly a : Anomaly.values()) {
      assertTrue(t.contains("ja3sensor_anomalies_total{name=\"" + a.label() + "\"}"), a.label());
    }
    assertTrue(!t.contains("ja3sensor_anomalies_total 6") && !t.contains("flows_evicted_total 9"),
        t);
    // a counter added to the snapshot later is not lost
    assertTrue(t.contains("ja3sensor_something_new 11.0\n"), t);
    assertEquals(1, t.lines().filter(l -> l.startsWith("# HELP ja3sensor_packets_total ")).count());
  }

  @Test
  void dropsPerInterfaceHellosByTransportAlertsBySeverityEntriesByType() throws Exception {
    String t = text(MetricsSnapshot.builder(0)
        .add("kernel_dropped", 5).add("if_dropped", 0).add("queue_dropped", 9)
        .add("interface.eth0.kernel_dropped", 2).add("interface.eth0.if_dropped", 0)
        .add("interface.eth0.queue_dropped", 9)
        .add("interface.eth1.100.kernel_dropped", 3).add("interface.eth1.100.if_dropped", 0)
        .add("interface.eth1.100.queue_dropped", 0)
        .add("client_hellos", 10).add("server_hellos", 7).add("events", 10)
        .add("alerts", 4).add("alert.high", 1).add("alert.medium", 0).add("alert.low", 3)
        .add("quic.hellos", 5).add("quic.client_hellos", 3).add("quic.server_hellos", 2)
        .add("output.spool_bytes", 4096)
        .add("database.entries", 6).add("database.entries_by.ja3.alert", 4)
        .add("database.entries_by.ja3+ja3s.allow", 2).build());
    // per interface (a dotted VLAN interface name kept whole); the totals are not series
    assertTrue(t.contains(
        "ja3sensor_dropped_packets_total{interface=\"eth0\",where=\"kernel\"} 2.0\n"), t);
    assertTrue(t.contains(
        "ja3sensor_dropped_packets_total{interface=\"eth0\",where=\"queue\"} 9.0\n"), t);
    assertTrue(t.contains(
        "ja3sensor_dropped_packets_total{interface=\"eth1.100\",where=\"kernel\"} 3.0\n"), t);
    assertEquals(6, t.lines().filter(l -> l.startsWith("ja3sensor_dropped_packets_total")).count(),
        t);
    // TCP = all less QUIC
    assertTrue(t.contains("ja3sensor_hellos_total{kind=\"client\",transport=\"tcp\"} 7.0\n"), t);
    assertTrue(t.contains("ja3sensor_hellos_total{kind=\"client\",transport=\"quic\"} 3.0\n"), t);
    assertTrue(t.contains("ja3sensor_hellos_total{kind=\"server\",transport=\"tcp\"} 5.0\n"), t);
    assertTrue(t.contains("ja3sensor_hellos_total{kind=\"server\",transport=\"quic\"} 2.0\n"), t);
    assertTrue(!t.contains("quic_hellos") && !t.contains("ja3sensor_alerts_total 4"), t);
    assertTrue(t.contains("ja3sensor_alerts_total{severity=\"high\"} 1.0\n"), t);
    assertTrue(t.contains("ja3sensor_alerts_total{severity=\"low\"} 3.0\n"), t);
    assertTrue(t.contains("ja3sensor_kafka_spool_bytes 4096.0\n"), t);
    assertTrue(t.contains(
        "ja3sensor_database_entries{disposition=\"alert\",type=\"ja3\"} 4.0\n"), t);
    assertTrue(t.contains(
        "ja3sensor_database_entries{disposition=\"allow\",type=\"ja3+ja3s\"} 2.0\n"), t);
    assertTrue(!t.contains("ja3sensor_database_entries 6"), t);
  }
}
