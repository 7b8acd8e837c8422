package org.ja3sensor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one sensor event (the ECS JSON of docs/events.md) into a {@link Sighting} and the keys it
 * counts under, or into the reason it cannot be used. Reads {@code tls.client.ja4} and {@code
 * tls.client.ja3n} when the sensor writes them. Pure; thread-safe.
 */
public final class EventParser {
  /** Server names and fingerprints longer than this are cut (a key stays small). */
  static final int MAX_VALUE_CHARS = 255;

  private static final ObjectMapper JSON = new ObjectMapper();

  private EventParser() {}

  /** The outcome: either {@code sighting} and {@code keys}, or {@code error} and {@code message}. */
  public record Result(Sighting sighting, List<String> keys, DeadLetter error, String message) {
    static Result bad(DeadLetter error, String message) {
      return new Result(null, List.of(), error, message);
    }
  }

  /**
   * @param json the record value
   * @param headerSensor the record's {@code ja3sensor.sensor_name} header, or null
   * @param timestamp the record's timestamp as {@link EventTimeExtractor} set it
   */
  public static Result parse(byte[] json, String headerSensor, long timestamp) {
    JsonNode n;
    try {
      n = json == null ? null : JSON.readTree(json);
    } catch (IOException | RuntimeException e) {
      return Result.bad(DeadLetter.UNPARSEABLE, "value is not JSON: " + firstLine(e.getMessage()));
    }
    if (n == null || !n.isObject()) {
      return Result.bad(
          DeadLetter.UNPARSEABLE,
          "value is " + (n == null ? "empty" : n.getNodeType().toString().toLowerCase())
              + ", expected a JSON object");
    }
    String ts = text(n, "@timestamp");
    long t = EventTime.of(json);
    if (t == EventTime.MISSING) {
      return Result.bad(
          DeadLetter.NO_TIMESTAMP,
          "@timestamp " + (ts == null ? "missing" : "'" + ts + "' unusable")
              + ", expected RFC 3339 UTC after 1970");
    }
    if (t != timestamp) {
      return Result.bad(
          DeadLetter.EVENT_TIME_OUTSIDE_STREAM,
          "@timestamp " + ts + " is too far behind the stream time "
              + Instant.ofEpochMilli(timestamp) + " or ahead of the wall clock (sensor clock?)");
    }
    String ja4 = cut(text(n, "tls", "client", "ja4"));
    String ja3 = cut(text(n, "tls", "client", "ja3"));
    String ja3n = cut(text(n, "tls", "client", "ja3n"));
    String ja3s = cut(text(n, "tls", "server", "ja3s"));
    if (ja4 == null && ja3 == null && ja3n == null && ja3s == null) {
      return Result.bad(
          DeadLetter.NO_FINGERPRINT,
          "none of tls.client.ja4, tls.client.ja3, tls.client.ja3n, tls.server.ja3s");
    }
    String sensor = text(n, "observer", "name");
    if (sensor == null) {
      sensor = text(n, "observer", "hostname");
    }
    if (sensor == null) {
      sensor = headerSensor != null ? headerSensor : "-";
    }
    String sni = cut(text(n, "tls", "client", "server_name"));
    JsonNode port = path(n, "destination", "port");
    Sighting s =
        new Sighting(
            t,
            ts,
            cut(sensor),
            cut(text(n, "source", "ip")),
            cut(text(n, "destination", "ip")),
            port != null && port.canConvertToInt() ? port.asInt() : 0,
            sni,
            cut(text(n, "network", "community_id")));
    List<String> keys = new ArrayList<>(6);
    if (ja4 != null) {
      keys.add(FingerprintKind.JA4.key(ja4));
    }
    if (ja3 != null) {
      keys.add(FingerprintKind.JA3.key(ja3));
    }
    if (ja3n != null) {
      keys.add(FingerprintKind.JA3N.key(ja3n));
    }
    if (ja3s != null) {
      keys.add(FingerprintKind.JA3S.key(ja3s));
    }
    if (ja3 != null && ja3s != null) {
      keys.add(FingerprintKind.JA3_JA3S.key(ja3 + "+" + ja3s));
    }
    String client = ja4 != null ? ja4 : ja3;
    if (client != null && sni != null) {
      keys.add(FingerprintKind.SNI.key(client + "|" + sni));
    }
    return new Result(s, keys, null, null);
  }

  private static JsonNode path(JsonNode n, String... names) {
    JsonNode c = n;
    for (String name : names) {
      c = c.get(name);
      if (c == null) {
        return null;
      }
    }
    return c;
  }

  private static String text(JsonNode n, String... names) {
    JsonNode c = path(n, names);
    if (c == null || !c.isValueNode() || c.isNull()) {
      return null;
    }
    String s = c.asText();
    return s.isEmpty() ? null : s;
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
