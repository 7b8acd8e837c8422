package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.MetricsSnapshot;
import org.ja3sensor.metrics.PrometheusMetrics;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md says what the program does: its configuration listing is what {@code config
 * example} prints, and its metric table lists exactly the {@code ja3sensor_} metrics the endpoint
 * can serve.
 */
class OperationsDocTest {
  private static final Path DOC =
      Path.of(System.getProperty("ja3sensor.repoRoot", "..")).resolve("docs/operations.md");

  @Test
  void configListingIsTheGeneratedExample() throws Exception {
    String doc = Files.readString(DOC);
    int marker = doc.indexOf("<!-- generated: ja3sensor config example");
    assertTrue(marker >= 0, "marker missing");
    int start = doc.indexOf("```yaml\n", marker) + "```yaml\n".length();
    int end = doc.indexOf("\n```\n", start) + 1;
    assertEquals(ConfigCommand.example(), doc.substring(start, end),
        "docs/operations.md is stale: replace its generated block with the output of"
            + " 'ja3sensor config example'");
  }

  @Test
  void metricTableListsEveryMetricServed() throws Exception {
    MetricsSnapshot.Builder b = MetricsSnapshot.builder(0);
    for (String key : PrometheusMetrics.definedKeys()) {
      b.add(key, 1);
    }
    for (Anomaly a : Anomaly.values()) {
      b.add("anomaly." + a.label(), 1);
    }
    b.add("interface.eth0.kernel_dropped", 1).add("database.entries_by.ja3.alert", 1)
        .add("client_hellos", 1);
    b.info("database.version", "0123456789ab");
    Set<String> served = new TreeSet<>();
    for (MetricSnapshot m : PrometheusMetrics.render(b.build())) {
      String name = m.getMetadata().getPrometheusName();
      served.add(m instanceof CounterSnapshot ? name + "_total"
          : m instanceof InfoSnapshot ? name + "_info" : name);
    }
    Set<String> documented = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| `(ja3sensor_\\w+)`").matcher(Files.readString(DOC));
    while (row.find()) {
      documented.add(row.group(1));
    }
    assertEquals(served, documented);
  }
}
