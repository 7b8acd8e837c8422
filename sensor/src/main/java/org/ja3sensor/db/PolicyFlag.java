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
  SERVER_SELECTED_ANON_CIPHER,
  /**
   * The server's leaf certificate is self-signed: issuer equals subject and its signature verifies
   * with its own key (TLS 1.2 and older: TLS 1.3 certificates are encrypted).
   */
  SERVER_CERTIFICATE_SELF_SIGNED,
  /** The leaf certificate's notAfter lies before the handshake (capture time, not wall time). */
  SERVER_CERTIFICATE_EXPIRED,
  /** The leaf certificate's notBefore lies after the handshake (capture time). */
  SERVER_CERTIFICATE_NOT_YET_VALID,
  /** The leaf certificate has an RSA key shorter than 2048 bits. */
  SERVER_CERTIFICATE_WEAK_KEY,
  /** The leaf certificate is signed with SHA-1 or MD5 (or MD2). */
  SERVER_CERTIFICATE_WEAK_SIGNATURE,
  /**
   * tls.client.server_name is not covered by the leaf certificate's names (RFC 6125: DNS names of
   * subjectAltName, else the subject CN; wildcard only as a whole left-most label).
   */
  SERVER_CERTIFICATE_NAME_MISMATCH;

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
