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
  /** The client's JA4 (accepted and indexed; matched once events carry JA4). */
  JA4("ja4", "tls.client.ja4"),
  /** The server's JA4S (accepted and indexed; matched once events carry JA4S). */
  JA4S("ja4s", "tls.server.ja4s"),
  /** The server name the client asked for: exact, or {@code *.example.com} for any subdomain. */
  SNI("sni", "tls.client.server_name"),
  /**
   * The SHA-1 of the server's leaf certificate (TLS 1.2 and older), as abuse.ch's SSL Certificate
   * Blacklist lists them: 40 hex digits, case-insensitive.
   */
  CERT_SHA1("cert-sha1", "tls.server.hash.sha1"),
  /** A TLS policy flag the sensor computed (see {@link PolicyFlag}), e.g. client_offers_rc4. */
  POLICY("policy", "tls.policy_flags");

  /** The value of the type column. */
  public final String label;
  /** The event field (or fields, joined by +) the value is compared with. */
  public final String field;

  EntryType(String label, String field) {
    this.label = label;
    this.field = field;
  }

  public boolean isPair() {
    return this == JA3_JA3S;
  }

  /** A single fingerprint or the server name (not a pair, not a policy flag). */
  public boolean isSingleFingerprint() {
    return this != JA3_JA3S && this != POLICY;
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
