package org.ja3sensor.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The aggregator's JSON: alerts (new, rare, spread) in the ECS style of the sensor's events,
 * dead-letter events, and the statistics of a key as the HTTP endpoint answers them. Fields are
 * described in docs/fleet.md. Stateless.
 */
public final class FleetJson {
  static final ObjectMapper JSON = new ObjectMapper();
  /** The longest original value copied into a dead-letter event. */
  static final int MAX_ORIGINAL_BYTES = 16 * 1024;

  private FleetJson() {}

  /** The alert kinds, with their {@code event.action} and rule names. */
  public enum AlertType {
    NEW("new_fingerprint", "Fingerprint seen for the first time in the fleet"),
    RARE("rare_fingerprint", "Rare fingerprint: few hosts, first seen recently"),
    SPREAD("fingerprint_spread", "Recently new fingerprint now seen on many hosts");

    public final String action;
    public final String ruleName;

    AlertType(String action, String ruleName) {
      this.action = action;
      this.ruleName = ruleName;
    }
  }

  static String iso(long ms) {
    return Instant.ofEpochMilli(ms).toString();
  }

  /** An alert for {@code key} at event time {@code time}; {@code window} non-null for RARE. */
  public static byte[] alert(
      AlertType type, String key, FpStats s, long time, long[] window, FleetConfig cfg) {
    ObjectNode root = JSON.createObjectNode();
    root.put("@timestamp", iso(time));
    ObjectNode event = root.putObject("event");
    event.put("kind", "alert");
    event.putArray("category").add("network");
    event.putArray("type").add("info");
    event.put("dataset", "ja3sensor.fleet");
    event.put("module", "ja3sensor");
    event.put("action", type.action);
    ObjectNode rule = root.putObject("rule");
    rule.put("id", "fleet:" + type.action);
    rule.put("name", type.ruleName);
    rule.put("ruleset", "ja3sensor-fleet");
    FingerprintKind kind = FingerprintKind.ofKey(key);
    String value = FingerprintKind.valueOfKey(key);
    root.put(
        "message",
        type.ruleName + ": " + kind.prefix + " " + value + " (" + s.hosts.count() + " hosts, "
            + s.sensors.count() + " sensors, " + s.connections + " connections)");
    putFingerprintField(root, kind, value);
    ObjectNode fleet = root.putObject("ja3sensor").putObject("fleet");
    stats(fleet, key, s);
    ObjectNode rules = fleet.putObject("thresholds");
    rules.put("rare_max_hosts", cfg.rareMaxHosts());
    rules.put("rare_first_seen_within", cfg.rareFirstSeenWithin().toString());
    rules.put("spread_min_hosts", cfg.spreadMinHosts());
    rules.put("learning_period", cfg.learningPeriod().toString());
    if (window != null) {
      ObjectNode w = fleet.putObject("window");
      w.put("start", iso(window[0]));
      w.put("end", iso(window[1]));
    }
    return bytes(root);
  }

  /** Puts the value where the sensor's events have it (tls.client.ja3 ...). */
  private static void putFingerprintField(ObjectNode root, FingerprintKind kind, String value) {
    ObjectNode tls = root.putObject("tls");
    switch (kind) {
      case JA4 -> tls.putObject("client").put("ja4", value);
      case JA3 -> tls.putObject("client").put("ja3", value);
      case JA3N -> tls.putObject("client").put("ja3n", value);
      case JA3S -> tls.putObject("server").put("ja3s", value);
      case JA3_JA3S -> {
        int plus = value.indexOf('+');
        tls.putObject("client").put("ja3", value.substring(0, Math.max(0, plus)));
        tls.putObject("server").put("ja3s", value.substring(plus + 1));
      }
      case SNI -> {
        int bar = value.indexOf('|');
        String fp = value.substring(0, Math.max(0, bar));
        ObjectNode c = tls.putObject("client");
        c.put(fp.contains("_") ? "ja4" : "ja3", fp);
        c.put("server_name", value.substring(bar + 1));
      }
      default -> throw new IllegalStateException("kind " + kind);
    }
  }

  /** The statistics of one key, into {@code o} (the query answer and the alerts' evidence). */
  public static void stats(ObjectNode o, String key, FpStats s) {
    FingerprintKind kind = FingerprintKind.ofKey(key);
    o.put("key", key);
    ObjectNode fp = o.putObject("fingerprint");
    fp.put("type", kind.prefix);
    fp.put("field", kind.field);
    fp.put("value", FingerprintKind.valueOfKey(key));
    o.put("first_seen", iso(s.firstSeen));
    o.put("last_seen", iso(s.lastSeen));
    o.put("connections", s.connections);
    ObjectNode hosts = o.putObject("hosts");
    hosts.put("count", s.hosts.count());
    hosts.put("exact", s.hosts.isExact());
    ArrayNode hs = hosts.putArray("sample");
    s.hosts.sample(10).forEach(hs::add);
    ObjectNode sensors = o.putObject("sensors");
    sensors.put("count", s.sensors.count());
    sensors.put("exact", s.sensors.isExact());
    ArrayNode names = sensors.putArray("names");
    s.sensors.sample(20).forEach(names::add);
    ArrayNode sni = o.putArray("server_names");
    for (Map.Entry<String, Long> e : s.serverNames.top()) {
      sni.addObject().put("name", e.getKey()).put("count", e.getValue());
    }
    Sighting f = s.first;
    ObjectNode first = o.putObject("first_event");
    first.put("@timestamp", f.timestamp());
    first.putObject("observer").put("name", f.sensor());
    if (f.host() != null) {
      first.putObject("source").put("ip", f.host());
    }
    if (f.destinationIp() != null) {
      ObjectNode d = first.putObject("destination").put("ip", f.destinationIp());
      if (f.destinationPort() > 0) {
        d.put("port", f.destinationPort());
      }
    }
    if (f.serverName() != null) {
      first.putObject("tls").putObject("client").put("server_name", f.serverName());
    }
    if (f.communityId() != null) {
      first.putObject("network").put("community_id", f.communityId());
    }
    o.put("learned", s.learned);
    o.put("rare_alerted", s.rareAlerted);
    o.put("spread_alerted", s.spreadAlerted);
  }

  /** A dead-letter event: the reason, where the record came from, and its value (cut). */
  public static byte[] deadLetter(
      DeadLetter why, String message, String topic, int partition, long offset, long time,
      byte[] original) {
    ObjectNode root = JSON.createObjectNode();
    root.put("@timestamp", iso(time));
    ObjectNode event = root.putObject("event");
    event.put("kind", "pipeline_error");
    event.put("dataset", "ja3sensor.fleet.dead_letter");
    event.put("module", "ja3sensor");
    ObjectNode error = root.putObject("error");
    error.put("type", why.type);
    error.put("message", message);
    ObjectNode k = root.putObject("ja3sensor").putObject("fleet").putObject("source_record");
    k.put("topic", topic);
    k.put("partition", partition);
    k.put("offset", offset);
    if (original != null) {
      int n = Math.min(original.length, MAX_ORIGINAL_BYTES);
      event.put("original", new String(original, 0, n, StandardCharsets.UTF_8));
      if (n < original.length) {
        k.put("original_truncated_from", original.length);
      }
    }
    return bytes(root);
  }

  static byte[] bytes(ObjectNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
