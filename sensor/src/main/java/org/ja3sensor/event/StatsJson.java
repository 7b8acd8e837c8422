package org.ja3sensor.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ja3sensor.core.MetricsSnapshot;

/**
 * A {@link MetricsSnapshot} as one ECS event ({@code event.kind: metric}, {@code event.dataset:
 * ja3sensor.stats}), like Suricata's stats records: the counters under {@code ja3sensor.stats},
 * a dotted counter name as nested objects ({@code anomaly.tls_truncated_hello} becomes {@code
 * ja3sensor.stats.anomaly.tls_truncated_hello}). Stateless; a few events a minute, so a
 * generator per event.
 */
public final class StatsJson {
  public static final String DATASET = "ja3sensor.stats";

  private static final JsonFactory FACTORY = new JsonFactory();

  private StatsJson() {}

  /**
   * The snapshot as one line of JSON in UTF-8.
   *
   * @param observerName the sensor's name; null for the host name
   * @param ingress the capture interfaces, comma-separated, or null
   */
  public static byte[] toJsonUtf8(MetricsSnapshot s, String observerName, String ingress) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("@timestamp", EventJson.timestamp(s.timeNanos));
      EventJson.writeSensor(g, observerName, ingress);
      g.writeObjectFieldStart("event");
      g.writeStringField("kind", "metric");
      g.writeArrayFieldStart("category");
      g.writeString("network");
      g.writeEndArray();
      g.writeArrayFieldStart("type");
      g.writeString("info");
      g.writeEndArray();
      g.writeStringField("dataset", DATASET);
      g.writeStringField("module", "ja3sensor");
      g.writeStringField("id", EventJson.newEventId());
      g.writeStringField("created", EventJson.timestamp(System.currentTimeMillis() * 1_000_000L));
      g.writeEndObject();
      g.writeObjectFieldStart("ja3sensor");
      g.writeFieldName("stats");
      writeTree(g, tree(s));
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Dotted names as nested maps, in the snapshot's order. */
  private static Map<String, Object> tree(MetricsSnapshot s) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (MetricsSnapshot.Value v : s.values()) {
      Map<String, Object> at = root;
      String[] parts = v.name().split("\\.");
      for (int i = 0; i < parts.length - 1; i++) {
        Object child = at.get(parts[i]);
        if (!(child instanceof Map)) {
          child = new LinkedHashMap<String, Object>();
          at.put(parts[i], child);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) child;
        at = m;
      }
      at.put(parts[parts.length - 1], v.value());
    }
    return root;
  }

  private static void writeTree(JsonGenerator g, Map<String, Object> m) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      g.writeFieldName(e.getKey());
      if (e.getValue() instanceof Map<?, ?> child) {
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) child;
        writeTree(g, c);
      } else {
        g.writeNumber((Long) e.getValue());
      }
    }
    g.writeEndObject();
  }
}
