package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class UnitsTest {
  @Test
  void sizes() {
    assertEquals(4096, Units.parseSize("4096"));
    assertEquals(64L << 10, Units.parseSize("64k"));
    assertEquals(64L << 20, Units.parseSize("64m"));
    assertEquals(64L << 20, Units.parseSize("64MiB"));
    assertEquals(2L << 30, Units.parseSize("2G"));
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> Units.parseSize("lots"));
    assertTrue(e.getMessage().contains("'lots'"), e.getMessage());
    assertThrows(TypeConversionException.class, () -> Units.parseSize("-1m"));
  }

  @Test
  void durations() {
    assertEquals(500_000_000L, Units.parseDurationNanos("500ms"));
    assertEquals(30_000_000_000L, Units.parseDurationNanos("30s"));
    assertEquals(30_000_000_000L, Units.parseDurationNanos("30"));
    assertEquals(90_000_000_000L, Units.parseDurationNanos("1.5m"));
    assertEquals(7_200_000_000_000L, Units.parseDurationNanos("2h"));
    assertEquals(86_400_000_000_000L, Units.parseDurationNanos("1d"));
    assertEquals(0, Units.parseDurationNanos("0"));
    assertThrows(TypeConversionException.class, () -> Units.parseDurationNanos("soon"));
    assertThrows(TypeConversionException.class, () -> Units.parseDurationNanos("-5s"));
  }
}
