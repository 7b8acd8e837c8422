package org.ja3sensor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The event time of a sensor event: its {@code @timestamp} (RFC 3339) in epoch milliseconds. The
 * sensor writes {@code "@timestamp":"..."} first in every event, so a byte scan finds it without
 * parsing the JSON; any other layout falls back to a JSON parse. Stateless.
 */
public final class EventTime {
  /** No usable {@code @timestamp}. */
  public static final long MISSING = Long.MIN_VALUE;

  private static final byte[] FIELD = "\"@timestamp\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventTime() {}

  /** {@code @timestamp} of the JSON event in epoch ms, or {@link #MISSING}. */
  public static long of(byte[] json) {
    if (json == null) {
      return MISSING;
    }
    int at = indexOf(json, FIELD, 256);
    if (at >= 0) {
      int start = at + FIELD.length;
      int end = start;
      while (end < json.length && end - start < 64 && json[end] != '"') {
        end++;
      }
      if (end < json.length && json[end] == '"') {
        return parse(new String(json, start, end - start, StandardCharsets.US_ASCII));
      }
      return MISSING;
    }
    try {
      JsonNode n = JSON.readTree(json);
      JsonNode t = n == null ? null : n.get("@timestamp");
      return t != null && t.isTextual() ? parse(t.asText()) : MISSING;
    } catch (java.io.IOException | RuntimeException e) {
      return MISSING;
    }
  }

  /** RFC 3339 text to epoch ms; {@link #MISSING} when it does not parse or is before 1970. */
  public static long parse(String text) {
    try {
      long ms = Instant.parse(text).toEpochMilli();
      return ms < 0 ? MISSING : ms;
    } catch (DateTimeParseException | ArithmeticException e) {
      return MISSING;
    }
  }

  private static int indexOf(byte[] hay, byte[] needle, int limit) {
    int last = Math.min(hay.length - needle.length, limit);
    outer:
    for (int i = 0; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
