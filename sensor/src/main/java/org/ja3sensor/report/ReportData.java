package org.ja3sensor.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the HTML report shows, gathered from the events as they are written (their parsed JSON:
 * whatever fields a newer sensor adds, JA4 among them, are read by name). Bounded: per
 * fingerprint at most {@link #MAX_VALUES} distinct SNI values, clients and servers are kept
 * (the rest are counted), at most {@link #MAX_ALERTS} alerts in full. Used by one thread.
 */
public final class ReportData {
  static final int MAX_VALUES = 50;
  static final int MAX_ALERTS = 500;

  /** Distinct values with counts, bounded. */
  static final class Tally {
    final Map<String, Long> counts = new LinkedHashMap<>();
    long others;

    void add(String v) {
      if (v == null || v.isEmpty()) {
        return;
      }
      Long c = counts.get(v);
      if (c != null) {
        counts.put(v, c + 1);
      } else if (counts.size() < MAX_VALUES) {
        counts.put(v, 1L);
      } else {
        others++;
      }
    }

    List<Map.Entry<String, Long>> top(int n) {
      List<Map.Entry<String, Long>> l = new ArrayList<>(counts.entrySet());
      l.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
      return l.subList(0, Math.min(n, l.size()));
    }

    int distinct() {
      return counts.size();
    }
  }

  /** One client fingerprint (JA4 when the event has one, else JA3) or one JA3S. */
  static final class Fingerprint {
    final String key;
    String ja4;
    String ja3;
    String ja3n;
    String ja3String;
    long connections;
    long alerts;
    final Tally ja3s = new Tally();
    final Tally sni = new Tally();
    final Tally clients = new Tally();
    final Tally servers = new Tally();
    /** Database labels: "description (provider, confidence)". */
    final Tally labels = new Tally();

    Fingerprint(String key) {
      this.key = key;
    }
  }

  /** One alert with its evidence. */
  record Alert(
      String time, String rule, String ruleId, String ruleset, String severity, String risk,
      String client, String server, String sni, String ja3, String ja4, String evidence) {}

  long events;
  long alerts;
  long metricEvents;
  String firstTime;
  String lastTime;
  final Map<String, Fingerprint> clients = new LinkedHashMap<>();
  final Map<String, Fingerprint> serverFingerprints = new LinkedHashMap<>();
  final List<Alert> alertList = new ArrayList<>();
  /** Handshakes and alerts per event second (epoch second, from @timestamp). */
  final TreeMap<Long, long[]> perSecond = new TreeMap<>();
  final Tally versions = new Tally();
  final Tally triggers = new Tally();

  /** Takes one event line (JSON); lines that are not TLS events are counted and skipped. */
  public void add(JsonNode e) {
    if (!"ja3sensor.tls".equals(text(e, "/event/dataset"))) {
      metricEvents++;
      return;
    }
    events++;
    String ts = text(e, "/@timestamp");
    if (ts != null) {
      if (firstTime == null || ts.compareTo(firstTime) < 0) {
        firstTime = ts;
      }
      if (lastTime == null || ts.compareTo(lastTime) > 0) {
        lastTime = ts;
      }
    }
    boolean alert = "alert".equals(text(e, "/event/kind"));
    if (alert) {
      alerts++;
    }
    long sec = epochSecond(ts);
    if (sec != Long.MIN_VALUE) {
      long[] c = perSecond.computeIfAbsent(sec, k -> new long[2]);
      c[0]++;
      c[1] += alert ? 1 : 0;
    }
    String client = text(e, "/source/ip");
    String server = hostPort(text(e, "/destination/ip"), text(e, "/destination/port"));
    String sni = text(e, "/tls/client/server_name");
    String ja3 = text(e, "/tls/client/ja3");
    String ja4 = text(e, "/tls/client/ja4");
    String ja3s = text(e, "/tls/server/ja3s");
    versions.add(text(e, "/tls/version"));
    triggers.add(text(e, "/ja3sensor/trigger"));

    String key = ja4 != null ? "ja4:" + ja4 : ja3 != null ? "ja3:" + ja3 : null;
    if (key != null) {
      Fingerprint f = clients.computeIfAbsent(key, Fingerprint::new);
      f.ja4 = ja4;
      f.ja3 = f.ja3 != null ? f.ja3 : ja3;
      f.ja3n = f.ja3n != null ? f.ja3n : text(e, "/tls/client/ja3n");
      f.ja3String = f.ja3String != null ? f.ja3String : text(e, "/tls/client/ja3_string");
      f.connections++;
      f.alerts += alert ? 1 : 0;
      f.ja3s.add(ja3s);
      f.sni.add(sni);
      f.clients.add(client);
      f.servers.add(server);
      labels(e, f.labels, "tls.client.");
    }
    if (ja3s != null) {
      Fingerprint s = serverFingerprints.computeIfAbsent(ja3s, Fingerprint::new);
      s.connections++;
      s.alerts += alert ? 1 : 0;
      s.sni.add(sni);
      s.clients.add(client);
      s.servers.add(server);
      labels(e, s.labels, "tls.server.");
    }
    if (alert && alertList.size() < MAX_ALERTS) {
      StringBuilder ev = new StringBuilder();
      for (JsonNode x : e.path("threat").path("enrichments")) {
        if (ev.length() > 0) {
          ev.append("; ");
        }
        ev.append(x.at("/matched/field").asText()).append(" = ")
            .append(x.at("/matched/atomic").asText())
            .append(" (").append(x.at("/matched/id").asText()).append(", ")
            .append(x.at("/indicator/provider").asText()).append(", confidence ")
            .append(x.at("/indicator/confidence").asText()).append(')');
      }
      alertList.add(new Alert(ts, text(e, "/rule/name"), text(e, "/rule/id"),
          text(e, "/rule/ruleset"), text(e, "/event/severity"), text(e, "/event/risk_score"),
          hostPort(client, text(e, "/source/port")), server, sni, ja3, ja4, ev.toString()));
    }
  }

  /** Database labels of the enrichments that matched a field starting with {@code prefix}. */
  private static void labels(JsonNode e, Tally into, String prefix) {
    for (JsonNode x : e.path("threat").path("enrichments")) {
      String field = x.at("/matched/field").asText();
      if (field.startsWith(prefix)) {
        into.add(x.at("/indicator/description").asText() + " (" + x.at("/indicator/provider")
            .asText() + ", " + x.at("/indicator/confidence").asText() + ")");
      }
    }
  }

  private static String hostPort(String ip, String port) {
    if (ip == null) {
      return null;
    }
    return (ip.contains(":") ? "[" + ip + "]" : ip) + (port != null ? ":" + port : "");
  }

  static String text(JsonNode e, String pointer) {
    JsonNode n = e.at(pointer);
    return n.isMissingNode() || n.isNull() || n.isContainerNode() ? null : n.asText();
  }

  /** Epoch second of an RFC 3339 UTC time, or Long.MIN_VALUE. */
  static long epochSecond(String ts) {
    if (ts == null) {
      return Long.MIN_VALUE;
    }
    try {
      return java.time.Instant.parse(ts).getEpochSecond();
    } catch (java.time.format.DateTimeParseException e) {
      return Long.MIN_VALUE;
    }
  }
}
