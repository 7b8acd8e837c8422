package org.ja3sensor.db;

import java.util.Locale;

/**
 * TLS configuration findings from the hellos alone, after the guidance operators already follow
 * (RFC 8996 deprecates TLS 1.0 and 1.1; RFC 7465 forbids RC4; NULL, EXPORT and anonymous suites
 * give no confidentiality or no authentication). Written as {@code tls.policy_flags}; a database
 * entry of type {@code policy} turns a flag into enrichment or an alert.
 */
public enum PolicyFlag {
  /** The highest version the client offers is TLS 1.1 or lower. */
  CLIENT_OFFERS_ONLY_TLS11_OR_LOWER,
  /** The client sent an SSLv2-format hello. */
  CLIENT_SSLV2_HELLO,
  CLIENT_OFFERS_NULL_CIPHER,
  CLIENT_OFFERS_EXPORT_CIPHER,
  CLIENT_OFFERS_RC4_CIPHER,
  CLIENT_OFFERS_ANON_CIPHER,
  /** The server chose TLS 1.1 or lower. */
  SERVER_SELECTED_TLS11_OR_LOWER,
  SERVER_SELECTED_NULL_CIPHER,
  SERVER_SELECTED_EXPORT_CIPHER,
  SERVER_SELECTED_RC4_CIPHER,
  SERVER_SELECTED_ANON_CIPHER;

  private static final PolicyFlag[] VALUES = values();

  /** The name in events and in the database: lower case with underscores. */
  public final String label = name().toLowerCase(Locale.ROOT);

  public int bit() {
    return 1 << ordinal();
  }

  /** The flag for a label, or null. */
  public static PolicyFlag parse(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    for (PolicyFlag f : VALUES) {
      if (f.label.equals(v)) {
        return f;
      }
    }
    return null;
  }

  /** The flag with this ordinal. */
  public static PolicyFlag of(int ordinal) {
    return VALUES[ordinal];
  }
}
