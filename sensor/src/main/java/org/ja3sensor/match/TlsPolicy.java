package org.ja3sensor.match;

import org.ja3sensor.db.PolicyFlag;
import org.ja3sensor.cert.LeafCertificate;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.fingerprint.Ja3;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * Computes the {@link PolicyFlag}s of a handshake: a few array lookups per offered cipher, no
 * allocation. The suite tables list every IANA/Wireshark code point whose name says NULL
 * encryption, EXPORT, RC4 or anonymous key exchange (names as in Wireshark 4.0's TLS dissector;
 * {@code TlsPolicyTest} checks them against tshark when it is installed).
 */
public final class TlsPolicy {
  static final int WEAK_NULL = 1;
  static final int WEAK_EXPORT = 2;
  static final int WEAK_RC4 = 4;
  static final int WEAK_ANON = 8;

  private static final byte[] CLASS = new byte[65536];

  private static final int[] NULL = {
    0x0000, // TLS_NULL_WITH_NULL_NULL
    0x0001, // TLS_RSA_WITH_NULL_MD5
    0x0002, // TLS_RSA_WITH_NULL_SHA
    0x001c, // SSL_FORTEZZA_KEA_WITH_NULL_SHA
    0x002c, // TLS_PSK_WITH_NULL_SHA
    0x002d, // TLS_DHE_PSK_WITH_NULL_SHA
    0x002e, // TLS_RSA_PSK_WITH_NULL_SHA
    0x003b, // TLS_RSA_WITH_NULL_SHA256
    0x0082, // TLS_GOSTR341094_WITH_NULL_GOSTR3411
    0x0083, // TLS_GOSTR341001_WITH_NULL_GOSTR3411
    0x00b0, // TLS_PSK_WITH_NULL_SHA256
    0x00b1, // TLS_PSK_WITH_NULL_SHA384
    0x00b4, // TLS_DHE_PSK_WITH_NULL_SHA256
    0x00b5, // TLS_DHE_PSK_WITH_NULL_SHA384
    0x00b8, // TLS_RSA_PSK_WITH_NULL_SHA256
    0x00b9, // TLS_RSA_PSK_WITH_NULL_SHA384
    0xc001, // TLS_ECDH_ECDSA_WITH_NULL_SHA
    0xc006, // TLS_ECDHE_ECDSA_WITH_NULL_SHA
    0xc00b, // TLS_ECDH_RSA_WITH_NULL_SHA
    0xc010, // TLS_ECDHE_RSA_WITH_NULL_SHA
    0xc015, // TLS_ECDH_anon_WITH_NULL_SHA
    0xc039, // TLS_ECDHE_PSK_WITH_NULL_SHA
    0xc03a, // TLS_ECDHE_PSK_WITH_NULL_SHA256
    0xc03b, // TLS_ECDHE_PSK_WITH_NULL_SHA384
    0xc0b4, // TLS_SHA256_SHA256
    0xc0b5, // TLS_SHA384_SHA384
  };
  private static final int[] EXPORT = {
    0x0003, // TLS_RSA_EXPORT_WITH_RC4_40_MD5
    0x0006, // TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5
    0x0008, // TLS_RSA_EXPORT_WITH_DES40_CBC_SHA
    0x000b, // TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA
    0x000e, // TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA
    0x0011, // TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA
    0x0014, // TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA
    0x0017, // TLS_DH_anon_EXPORT_WITH_RC4_40_MD5
    0x0019, // TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA
    0x0026, // TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA
    0x0027, // TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA
    0x0028, // TLS_KRB5_EXPORT_WITH_RC4_40_SHA
    0x0029, // TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5
    0x002a, // TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5
    0x002b, // TLS_KRB5_EXPORT_WITH_RC4_40_MD5
    0x0060, // TLS_RSA_EXPORT1024_WITH_RC4_56_MD5
    0x0061, // TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5
    0x0062, // TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA
    0x0063, // TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA
    0x0064, // TLS_RSA_EXPORT1024_WITH_RC4_56_SHA
    0x0065, // TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA
  };
  private static final int[] RC4 = {
    0x0003, // TLS_RSA_EXPORT_WITH_RC4_40_MD5
    0x0004, // TLS_RSA_WITH_RC4_128_MD5
    0x0005, // TLS_RSA_WITH_RC4_128_SHA
    0x0017, // TLS_DH_anon_EXPORT_WITH_RC4_40_MD5
    0x0018, // TLS_DH_anon_WITH_RC4_128_MD5
    0x0020, // TLS_KRB5_WITH_RC4_128_SHA
    0x0024, // TLS_KRB5_WITH_RC4_128_MD5
    0x0028, // TLS_KRB5_EXPORT_WITH_RC4_40_SHA
    0x002b, // TLS_KRB5_EXPORT_WITH_RC4_40_MD5
    0x0060, // TLS_RSA_EXPORT1024_WITH_RC4_56_MD5
    0x0064, // TLS_RSA_EXPORT1024_WITH_RC4_56_SHA
    0x0065, // TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA
    0x0066, // TLS_DHE_DSS_WITH_RC4_128_SHA
    0x008a, // TLS_PSK_WITH_RC4_128_SHA
    0x008e, // TLS_DHE_PSK_WITH_RC4_128_SHA
    0x0092, // TLS_RSA_PSK_WITH_RC4_128_SHA
    0xc002, // TLS_ECDH_ECDSA_WITH_RC4_128_SHA
    0xc007, // TLS_ECDHE_ECDSA_WITH_RC4_128_SHA
    0xc00c, // TLS_ECDH_RSA_WITH_RC4_128_SHA
    0xc011, // TLS_ECDHE_RSA_WITH_RC4_128_SHA
    0xc016, // TLS_ECDH_anon_WITH_RC4_128_SHA
    0xc033, // TLS_ECDHE_PSK_WITH_RC4_128_SHA
  };
  private static final int[] ANON = {
    0x0000, // TLS_NULL_WITH_NULL_NULL
    0x0017, // TLS_DH_anon_EXPORT_WITH_RC4_40_MD5
    0x0018, // TLS_DH_anon_WITH_RC4_128_MD5
    0x0019, // TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA
    0x001a, // TLS_DH_anon_WITH_DES_CBC_SHA
    0x001b, // TLS_DH_anon_WITH_3DES_EDE_CBC_SHA
    0x0034, // TLS_DH_anon_WITH_AES_128_CBC_SHA
    0x003a, // TLS_DH_anon_WITH_AES_256_CBC_SHA
    0x0046, // TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA
    0x006c, // TLS_DH_anon_WITH_AES_128_CBC_SHA256
    0x006d, // TLS_DH_anon_WITH_AES_256_CBC_SHA256
    0x0089, // TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA
    0x009b, // TLS_DH_anon_WITH_SEED_CBC_SHA
    0x00a6, // TLS_DH_anon_WITH_AES_128_GCM_SHA256
    0x00a7, // TLS_DH_anon_WITH_AES_256_GCM_SHA384
    0x00bf, // TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256
    0x00c5, // TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256
    0xc015, // TLS_ECDH_anon_WITH_NULL_SHA
    0xc016, // TLS_ECDH_anon_WITH_RC4_128_SHA
    0xc017, // TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA
    0xc018, // TLS_ECDH_anon_WITH_AES_128_CBC_SHA
    0xc019, // TLS_ECDH_anon_WITH_AES_256_CBC_SHA
    0xc046, // TLS_DH_anon_WITH_ARIA_128_CBC_SHA256
    0xc047, // TLS_DH_anon_WITH_ARIA_256_CBC_SHA384
    0xc05a, // TLS_DH_anon_WITH_ARIA_128_GCM_SHA256
    0xc05b, // TLS_DH_anon_WITH_ARIA_256_GCM_SHA384
    0xc084, // TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256
    0xc085, // TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384
  };

  static {
    mark(NULL, WEAK_NULL);
    mark(EXPORT, WEAK_EXPORT);
    mark(RC4, WEAK_RC4);
    mark(ANON, WEAK_ANON);
  }

  private TlsPolicy() {}

  private static void mark(int[] suites, int bit) {
    for (int s : suites) {
      CLASS[s] |= (byte) bit;
    }
  }

  /** The weakness bits (WEAK_*) of a cipher suite value. */
  static int weakness(int suite) {
    return suite < 0 || suite > 0xffff ? 0 : CLASS[suite];
  }

  /** The flags of an event's hellos, as a bit set of {@link PolicyFlag#bit()}. */
  public static int flags(TlsEvent e) {
    int flags = 0;
    if (e.sslv2ClientHello) {
      flags |= PolicyFlag.CLIENT_SSLV2_HELLO.bit();
    }
    ClientHello ch = e.clientHello;
    if (ch != null) {
      if (maxOfferedVersion(ch) < 0x0303) {
        flags |= PolicyFlag.CLIENT_OFFERS_ONLY_TLS11_OR_LOWER.bit();
      }
      int weak = 0;
      for (int s : ch.cipherSuites()) {
        weak |= weakness(s);
      }
      flags |= weakFlags(weak, true);
    }
    ServerHello sh = e.serverHello;
    if (sh != null) {
      if (sh.negotiatedVersion() < 0x0303) {
        flags |= PolicyFlag.SERVER_SELECTED_TLS11_OR_LOWER.bit();
      }
      flags |= weakFlags(weakness(sh.cipherSuite()), false);
    }
    if (e.serverCertificates != null && e.serverCertificates.leaf() != null) {
      flags |= certificateFlags(e.serverCertificates.leaf(), e.timestampNanos,
          ch != null ? ch.serverName() : null);
    }
    return flags;
  }

  /**
   * The certificate flags of a leaf at the handshake's capture time; none when it does not parse.
   */
  static int certificateFlags(LeafCertificate leaf, long handshakeNanos, String serverName) {
    if (!leaf.parsed()) {
      return 0;
    }
    int flags = 0;
    long millis = Math.floorDiv(handshakeNanos, 1_000_000L);
    if (leaf.selfSigned()) {
      flags |= PolicyFlag.SERVER_CERTIFICATE_SELF_SIGNED.bit();
    }
    if (leaf.expiredAt(millis)) {
      flags |= PolicyFlag.SERVER_CERTIFICATE_EXPIRED.bit();
    }
    if (leaf.notYetValidAt(millis)) {
      flags |= PolicyFlag.SERVER_CERTIFICATE_NOT_YET_VALID.bit();
    }
    if (leaf.weakKey()) {
      flags |= PolicyFlag.SERVER_CERTIFICATE_WEAK_KEY.bit();
    }
    if (leaf.weakSignature()) {
      flags |= PolicyFlag.SERVER_CERTIFICATE_WEAK_SIGNATURE.bit();
    }
    if (serverName != null && !serverName.isEmpty() && !leaf.covers(serverName)) {
      flags |= PolicyFlag.SERVER_CERTIFICATE_NAME_MISMATCH.bit();
    }
    return flags;
  }

  /** The highest non-GREASE version in supported_versions, else legacy_version. */
  static int maxOfferedVersion(ClientHello ch) {
    int max = -1;
    for (int v : ch.supportedVersions()) {
      if (!Ja3.isGrease(v) && v > max) {
        max = v;
      }
    }
    return max >= 0 ? max : ch.legacyVersion();
  }

  private static int weakFlags(int weak, boolean client) {
    int f = 0;
    if ((weak & WEAK_NULL) != 0) {
      f |= (client ? PolicyFlag.CLIENT_OFFERS_NULL_CIPHER : PolicyFlag.SERVER_SELECTED_NULL_CIPHER).bit();
    }
    if ((weak & WEAK_EXPORT) != 0) {
      f |=
          (client ? PolicyFlag.CLIENT_OFFERS_EXPORT_CIPHER : PolicyFlag.SERVER_SELECTED_EXPORT_CIPHER)
              .bit();
    }
    if ((weak & WEAK_RC4) != 0) {
      f |= (client ? PolicyFlag.CLIENT_OFFERS_RC4_CIPHER : PolicyFlag.SERVER_SELECTED_RC4_CIPHER).bit();
    }
    if ((weak & WEAK_ANON) != 0) {
      f |= (client ? PolicyFlag.CLIENT_OFFERS_ANON_CIPHER : PolicyFlag.SERVER_SELECTED_ANON_CIPHER).bit();
    }
    return f;
  }
}
