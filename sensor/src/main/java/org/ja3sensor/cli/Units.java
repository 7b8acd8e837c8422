package org.ja3sensor.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parsing of human-friendly sizes ({@code 64m}) and durations ({@code 30s}) for options. */
final class Units {
  private Units() {}

  /**
   * Bytes from {@code 123}, {@code 64k}, {@code 64m}, {@code 1g} (binary multiples; an optional
   * trailing {@code b}/{@code ib} is accepted: {@code 64MiB}).
   */
  static long parseSize(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("ib")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("b")) {
      t = t.substring(0, t.length() - 1);
    }
    long mult = 1;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'k' -> mult = 1L << 10;
        case 'm' -> mult = 1L << 20;
        case 'g' -> mult = 1L << 30;
        default -> mult = 1;
      }
      if (mult != 1) {
        t = t.substring(0, t.length() - 1);
      }
    }
    long v;
    try {
      v = Long.parseLong(t.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + s + "': expected a size such as 4096, 64k, 64m or 1g");
    }
    if (v < 0 || v > Long.MAX_VALUE / mult) {
      throw new TypeConversionException("'" + s + "': expected a non-negative size");
    }
    return v * mult;
  }

  /** Nanoseconds from {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}; bare = s. */
  static long parseDurationNanos(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long unit;
    if (t.endsWith("ms")) {
      unit = 1_000_000L;
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      unit = 1_000_000_000L;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unit = 60_000_000_000L;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      unit = 3_600_000_000_000L;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("d")) {
      unit = 86_400_000_000_000L;
      t = t.substring(0, t.length() - 1);
    } else {
      unit = 1_000_000_000L;
    }
    double v;
    try {
      v = Double.parseDouble(t.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + s + "': expected a duration such as 500ms, 30s, 5m or 2h");
    }
    if (!(v >= 0) || v * unit > Long.MAX_VALUE) {
      throw new TypeConversionException("'" + s + "': expected a non-negative duration");
    }
    return (long) (v * unit);
  }

  /** picocli converter for sizes. */
  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return parseSize(value);
    }
  }

  /** picocli converter for durations, to nanoseconds. */
  static final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return parseDurationNanos(value);
    }
  }
}
