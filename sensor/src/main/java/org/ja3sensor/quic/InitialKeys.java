package org.ja3sensor.quic;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Initial packet protection keys of one direction of one QUIC connection (RFC 9001 section
 * 5.2, RFC 9369 section 3.3): the AES-128-GCM key, the 12-byte IV and the header-protection key.
 * Derived from the Destination Connection ID of the client's first Initial (the one after a Retry,
 * once a Retry was seen) with HKDF-SHA256 built on the JDK's {@code HmacSHA256}; a connection keeps
 * its keys, so several Initials cost one derivation. Immutable once derived.
 */
public final class InitialKeys {
  /** The AEAD key (16 bytes). */
  final SecretKeySpec key;
  /** The AEAD IV (12 bytes), XORed with the packet number to give the nonce. */
  final byte[] iv;
  /** The header-protection key (16 bytes). */
  final SecretKeySpec hp;
  /** The version these keys belong to. */
  final int version;

  private InitialKeys(SecretKeySpec key, byte[] iv, SecretKeySpec hp, int version) {
    this.key = key;
    this.iv = iv;
    this.hp = hp;
    this.version = version;
  }

  /** The raw key bytes (tests). */
  byte[] keyBytes() {
    return key.getEncoded();
  }

  /** The raw header-protection key bytes (tests). */
  byte[] hpBytes() {
    return hp.getEncoded();
  }

  /** The IV (tests). */
  byte[] ivBytes() {
    return iv.clone();
  }

  /**
   * Derives the keys of one direction.
   *
   * @param mac a {@code HmacSHA256} instance, reused by the caller (re-initialised here)
   * @param version a version {@link QuicVersions#isKnown known}
   * @param dcid the client's Destination Connection ID
   * @param server true for the server's direction ("server in"), false for the client's
   * @throws IllegalArgumentException for an unknown version
   */
  static InitialKeys derive(
      Mac mac, int version, byte[] dcid, int dcidOff, int dcidLen, boolean server) {
    byte[] salt = QuicVersions.salt(version);
    if (salt == null) {
      throw new IllegalArgumentException(
          "version " + QuicVersions.hexString(version) + ": expected a known QUIC version");
    }
    try {
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
      mac.update(dcid, dcidOff, dcidLen);
      byte[] initialSecret = mac.doFinal(); // HKDF-Extract
      byte[] secret = expandLabel(mac, initialSecret, server ? "server in" : "client in", 32);
      String prefix = QuicVersions.isV2(version) ? "quicv2 " : "quic ";
      byte[] key = expandLabel(mac, secret, prefix + "key", 16);
      byte[] iv = expandLabel(mac, secret, prefix + "iv", 12);
      byte[] hp = expandLabel(mac, secret, prefix + "hp", 16);
      return new InitialKeys(
          new SecretKeySpec(key, "AES"), iv, new SecretKeySpec(hp, "AES"), version);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 failed: " + e, e); // JDK-provided: cannot happen
    }
  }

  /** The initial secret, HKDF-Extract(salt, dcid) (tests). */
  static byte[] initialSecret(Mac mac, int version, byte[] dcid) throws GeneralSecurityException {
    mac.init(new SecretKeySpec(QuicVersions.salt(version), "HmacSHA256"));
    return mac.doFinal(dcid);
  }

  /**
   * HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context, for outputs of at most 32
   * bytes: a single HMAC over HkdfLabel and the counter byte 1, truncated.
   */
  static byte[] expandLabel(Mac mac, byte[] secret, String label, int length)
      throws GeneralSecurityException {
    byte[] l = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
    byte[] info = new byte[2 + 1 + l.length + 1 + 1];
    info[0] = (byte) (length >>> 8);
    info[1] = (byte) length;
    info[2] = (byte) l.length;
    System.arraycopy(l, 0, info, 3, l.length);
    info[3 + l.length] = 0; // empty context
    info[4 + l.length] = 1; // T(1) = HMAC(PRK, info || 0x01)
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    byte[] t = mac.doFinal(info);
    if (length == t.length) {
      return t;
    }
    byte[] out = new byte[length];
    System.arraycopy(t, 0, out, 0, length);
    return out;
  }
}
