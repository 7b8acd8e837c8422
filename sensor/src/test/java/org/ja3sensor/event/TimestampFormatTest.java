package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** EventJson.timestamp, written by hand, against java.time's formatter over the whole range. */
class TimestampFormatTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static String reference(long nanos) {
    return REFERENCE.format(
        Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
  }

  @Test
  void knownInstants() {
    assertEquals("1970-01-01T00:00:00.000000Z", EventJson.timestamp(0));
    assertEquals("1969-12-31T23:59:59.999999Z", EventJson.timestamp(-1));
    assertEquals("2024-02-29T23:59:59.123456Z", EventJson.timestamp(1_709_251_199_123_456_789L));
    assertEquals("2000-03-01T00:00:00.000000Z", EventJson.timestamp(951_868_800_000_000_000L));
    assertEquals("2262-04-11T23:47:16.854775Z", EventJson.timestamp(Long.MAX_VALUE));
    assertEquals("1677-09-21T00:12:43.145224Z", EventJson.timestamp(Long.MIN_VALUE));
  }

  @Test
  void everyDayBoundaryAndRandomInstantsAgreeWithJavaTime() {
    // Each midnight and the nanosecond before it, 1900 to 2200 (leap years, centuries, 2000).
    for (long day = -25_567; day <= 84_000; day++) {
      long n = day * 86_400_000_000_000L;
      assertEquals(reference(n), EventJson.timestamp(n), "day " + day);
      assertEquals(reference(n - 1), EventJson.timestamp(n - 1), "before day " + day);
    }
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      long n = r.nextLong();
      assertEquals(reference(n), EventJson.timestamp(n), "nanos " + n);
    }
  }
}
