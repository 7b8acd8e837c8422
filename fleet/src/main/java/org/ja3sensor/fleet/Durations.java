package org.ja3sensor.fleet;

import java.time.Duration;
import picocli.CommandLine;

/** Durations on the command line: a number and a unit, {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}, or {@code 0}. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String s) {
    return parse(s);
  }

  static Duration parse(String s) {
    String t = s.trim().toLowerCase();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    if (t.length() < 2) {
      throw new IllegalArgumentException("duration '" + s + "', expected a number and s, m, h or d");
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, t.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("duration '" + s + "', expected a number and s, m, h or d");
    }
    if (n < 0) {
      throw new IllegalArgumentException("duration '" + s + "', expected >= 0");
    }
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException(
          "duration '" + s + "', expected a number and s, m, h or d");
    };
  }
}
