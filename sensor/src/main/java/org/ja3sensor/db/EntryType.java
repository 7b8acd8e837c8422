package org.ja3sensor.db;

import java.util.Locale;

/** What an entry's value is matched against. The names are the values of the {@code type} column. */
public enum EntryType {
  /** The client's JA3 hash. */
  JA3("ja3", "tls.client.ja3"),
  /** The server's JA3S hash. Alone it identifies little (TLS 1.3 JA3S values are near-generic). */
  JA3S("ja3s", "tls.server.ja3s"),
  /** A JA3 and a JA3S on the same flow: the most specific signal the database can carry. */
  JA3_JA3S("ja3+ja3s", "tls.client.ja3+tls.server.ja3s"),
  /** The client's JA3N (JA3 with its extensions sorted), an MD5. */
  JA3N("ja3n", "tls.client.ja3n"),
  /** A JA3N and a JA3S on the same flow. */
  JA3N_JA3S("ja3n+ja3s", "tls.client.ja3n+tls.server.ja3s"),
  /**
   * The client's JA4, exact or with {@code *} for one or two of its three parts
   * ({@code t13d1516h2_8daaf6152771_*}: a client family whatever its extensions).
   */
  JA4("ja4", "tls.client.ja4"),
  /** A JA4 (exact) and a JA3S on the same flow. */
  JA4_JA3S("ja4+ja3s", "tls.client.ja4+tls.server.ja3s"),
  /**
   * The server's JA4S: accepted and indexed, but never matched (JA4S is under the FoxIO License
   * 1.1 and the sensor does not compute it; {@code db check} reports such entries).
   */
  JA4S("ja4s", "tls.server.ja4s"),
  /** The server name the client asked for: exact, or {@code *.example.com} for any subdomain. */
  SNI("sni", "tls.client.server_name"),
  /**
   * The SHA-1 of the server's leaf certificate (TLS 1.2 and older), as abuse.ch's SSL Certificate
   * Blacklist lists them: 40 hex digits, case-insensitive.
   */
  CERT_SHA1("cert-sha1", "tls.server.hash.sha1"),
  /** A TLS policy flag the sensor computed (see {@link PolicyFlag}), e.g. client_offers_rc4. */
  POLICY("policy", "ja3sensor.policy_flags");

  /** The value of the type column. */
  public final String label;
  /** The event field (or fields, joined by +) the value is compared with. */
  public final String field;

  EntryType(String label, String field) {
    this.label = label;
    this.field = field;
  }

  /** A client fingerprint and a JA3S on one flow. */
  public boolean isPair() {
    return this == JA3_JA3S || this == JA3N_JA3S || this == JA4_JA3S;
  }

  /** The client side of a pair (JA3, JA3N or JA4); the type itself otherwise. */
  public EntryType clientSide() {
    switch (this) {
      case JA3_JA3S:
        return JA3;
      case JA3N_JA3S:
        return JA3N;
      case JA4_JA3S:
        return JA4;
      default:
        return this;
    }
  }

  /** A single fingerprint or the server name (not a pair, not a policy flag). */
  public boolean isSingleFingerprint() {
    return !isPair() && this != POLICY;
  }

  /** The type for a column value, or null. */
  public static EntryType parse(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    for (EntryType t : values()) {
      if (t.label.equals(v)) {
        return t;
      }
    }
    return null;
  }
}
