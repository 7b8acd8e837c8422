package org.ja3sensor.db;

import java.util.Locale;

/**
 * What kind of software or behaviour an entry names. Values of the {@code category} column. The
 * benign categories are what turns a malicious label on the same fingerprint into a conflict.
 */
public enum Category {
  MALWARE(false),
  /** Command-and-control frameworks and implants (Cobalt Strike, Meterpreter, ...). */
  C2(false),
  ADWARE(false),
  /** Scanners, pentest and exfiltration tools (Nikto, sqlmap, Rclone ...): policy-level. */
  TOOL(false),
  /** A TLS configuration policy finding. */
  POLICY(false),
  BROWSER(true),
  APPLICATION(true),
  /** A TLS library's default configuration (shared by many programs). */
  LIBRARY(true),
  /** A server stack's response (JA3S). */
  SERVER(true),
  UNKNOWN(false);

  /** True when a label of this category says "ordinary software". */
  public final boolean benign;

  Category(boolean benign) {
    this.benign = benign;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The category for a column value, or null. */
  public static Category parse(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    for (Category c : values()) {
      if (c.label().equals(v)) {
        return c;
      }
    }
    return null;
  }
}
