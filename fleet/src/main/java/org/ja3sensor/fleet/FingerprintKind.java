package org.ja3sensor.fleet;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a statistics key counts. The key of a record in the aggregator is {@code prefix:value}
 * ({@code ja4:t13d1516h2_8daaf6152771_e5627efa2ab1}); an SNI-by-fingerprint key is {@code
 * sni:FINGERPRINT|SERVER_NAME} where FINGERPRINT is the client's JA4 when the event has one, else
 * its JA3.
 */
public enum FingerprintKind {
  JA4("ja4", "tls.client.ja4"),
  JA3("ja3", "tls.client.ja3"),
  JA3N("ja3n", "tls.client.ja3n"),
  JA3S("ja3s", "tls.server.ja3s"),
  JA3_JA3S("ja3+ja3s", "tls.client.ja3+tls.server.ja3s"),
  SNI("sni", "tls.client.server_name");

  /** The fingerprint kinds proper (every kind but the SNI-by-fingerprint pairs). */
  public static final Set<FingerprintKind> FINGERPRINTS =
      EnumSet.of(JA4, JA3, JA3N, JA3S, JA3_JA3S);

  public final String prefix;
  /** The ECS field (or pair of fields) the value comes from. */
  public final String field;

  FingerprintKind(String prefix, String field) {
    this.prefix = prefix;
    this.field = field;
  }

  public String key(String value) {
    return prefix + ":" + value;
  }

  /** The kind of a key, or null when the key has no known prefix. */
  public static FingerprintKind ofKey(String key) {
    int colon = key.indexOf(':');
    if (colon < 0) {
      return null;
    }
    return ofPrefix(key.substring(0, colon));
  }

  /** The kind named {@code prefix} ({@code ja4}, {@code ja3+ja3s} ...), or null. */
  public static FingerprintKind ofPrefix(String prefix) {
    for (FingerprintKind k : values()) {
      if (k.prefix.equalsIgnoreCase(prefix)) {
        return k;
      }
    }
    return null;
  }

  /** The value part of a key. */
  public static String valueOfKey(String key) {
    return key.substring(key.indexOf(':') + 1);
  }
}
