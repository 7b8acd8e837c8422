package org.ja3sensor.db;

import java.util.Locale;

/** What a matching entry does to an event. Values of the {@code disposition} column. */
public enum Disposition {
  /** The event becomes an alert (unless an allow entry or the conflict rules say otherwise). */
  ALERT,
  /** Suppresses alerts on the handshakes the entry describes; the enrichment stays. */
  ALLOW,
  /** Enrichment only: context for the analyst. */
  INFO,
  /** Kept for {@code db lookup} and overrides, never matched (e.g. rules the source disabled). */
  DISABLED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The disposition for a column value, or null. */
  public static Disposition parse(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    for (Disposition d : values()) {
      if (d.label().equals(v)) {
        return d;
      }
    }
    return null;
  }
}
