package org.ja3sensor.source;

/**
 * Converts pcapng timestamps (64-bit unsigned counts of {@code if_tsresol} units) to nanoseconds
 * since the epoch. The {@code if_tsresol} byte is a negative power of 10 (high bit clear) or of 2
 * (high bit set); default 10^-6. Any byte is accepted: resolutions finer than a long can count per
 * second are converted in floating point, and values outside the long range wrap (only a hostile
 * file has them).
 */
final class TimestampUnit {
  static final TimestampUnit MICROS = of(6);

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** Nanoseconds per unit when that is a whole number (10^-0 .. 10^-9), else 0. */
  private final long nanosPerUnit;
  /** Units per second when that fits a long, else 0. */
  private final long unitsPerSecond;
  /** Nanoseconds per unit as a double, for resolutions beyond {@link #unitsPerSecond}. */
  private final double nanosPerUnitApprox;

  private TimestampUnit(long nanosPerUnit, long unitsPerSecond, double nanosPerUnitApprox) {
    this.nanosPerUnit = nanosPerUnit;
    this.unitsPerSecond = unitsPerSecond;
    this.nanosPerUnitApprox = nanosPerUnitApprox;
  }

  /** The unit an {@code if_tsresol} option value describes. */
  static TimestampUnit of(int tsresol) {
    int exp = tsresol & 0x7F;
    if ((tsresol & 0x80) != 0) {
      long ups = exp <= 62 ? 1L << exp : 0;
      return new TimestampUnit(exp == 0 ? NANOS_PER_SECOND : 0, ups, Math.scalb(1e9, -exp));
    }
    if (exp <= 9) {
      long ups = pow10(exp);
      return new TimestampUnit(NANOS_PER_SECOND / ups, ups, 1e9 / ups);
    }
    long ups = exp <= 18 ? pow10(exp) : 0;
    return new TimestampUnit(0, ups, Math.pow(10, 9 - exp));
  }

  private static long pow10(int exp) {
    long v = 1;
    for (int i = 0; i < exp; i++) {
      v *= 10;
    }
    return v;
  }

  /** Nanoseconds for {@code units} (read as unsigned). */
  long toNanos(long units) {
    if (nanosPerUnit != 0) {
      return units * nanosPerUnit;
    }
    if (unitsPerSecond != 0) {
      long seconds = Long.divideUnsigned(units, unitsPerSecond);
      long rest = Long.remainderUnsigned(units, unitsPerSecond);
      long fraction;
      if (unitsPerSecond <= (1L << 33)) {
        fraction = rest * NANOS_PER_SECOND / unitsPerSecond; // rest * 1e9 < 2^63
      } else {
        fraction = Math.min((long) (rest * nanosPerUnitApprox), NANOS_PER_SECOND - 1);
      }
      return seconds * NANOS_PER_SECOND + fraction;
    }
    double unsigned = units >= 0 ? units : (units >>> 1) * 2.0 + (units & 1);
    return (long) (unsigned * nanosPerUnitApprox);
  }
}
