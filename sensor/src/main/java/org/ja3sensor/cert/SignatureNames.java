package org.ja3sensor.cert;

import java.security.AlgorithmParameters;
import java.security.spec.PSSParameterSpec;
import java.util.Map;

/**
 * Names of certificate signature algorithms as Go's crypto/x509 prints them (ECS recommends
 * them for {@code x509.signature_algorithm}), by OID; and the ECS curve names of the NIST curves.
 */
final class SignatureNames {
  private static final Map<String, String> BY_OID =
      Map.ofEntries(
          Map.entry("1.2.840.113549.1.1.2", "MD2-RSA"),
          Map.entry("1.2.840.113549.1.1.4", "MD5-RSA"),
          Map.entry("1.2.840.113549.1.1.5", "SHA1-RSA"),
          Map.entry("1.3.14.3.2.29", "SHA1-RSA"),
          Map.entry("1.2.840.113549.1.1.11", "SHA256-RSA"),
          Map.entry("1.2.840.113549.1.1.12", "SHA384-RSA"),
          Map.entry("1.2.840.113549.1.1.13", "SHA512-RSA"),
          Map.entry("1.2.840.10040.4.3", "DSA-SHA1"),
          Map.entry("2.16.840.1.101.3.4.3.2", "DSA-SHA256"),
          Map.entry("1.2.840.10045.4.1", "ECDSA-SHA1"),
          Map.entry("1.2.840.10045.4.3.2", "ECDSA-SHA256"),
          Map.entry("1.2.840.10045.4.3.3", "ECDSA-SHA384"),
          Map.entry("1.2.840.10045.4.3.4", "ECDSA-SHA512"),
          Map.entry("1.3.101.112", "Ed25519"));

  private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";

  private SignatureNames() {}

  /** Go's name for a signature algorithm OID (RSASSA-PSS by its hash), else the OID itself. */
  static String goName(String oid, byte[] params) {
    String n = BY_OID.get(oid);
    if (n != null) {
      return n;
    }
    if (RSASSA_PSS.equals(oid) && params != null) {
      try {
        AlgorithmParameters p = AlgorithmParameters.getInstance("RSASSA-PSS");
        p.init(params);
        String digest = p.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm();
        switch (digest.replace("-", "").toUpperCase(java.util.Locale.ROOT)) {
          case "SHA256":
            return "SHA256-RSAPSS";
          case "SHA384":
            return "SHA384-RSAPSS";
          case "SHA512":
            return "SHA512-RSAPSS";
          default:
            return "RSASSA-PSS";
        }
      } catch (java.security.GeneralSecurityException | java.io.IOException | RuntimeException e) {
        return "RSASSA-PSS";
      }
    }
    return oid;
  }

  /** nistp256/384/521 from the JDK's description of named EC parameters (it holds the OID). */
  static String curveName(String ecParams) {
    if (ecParams.contains("1.2.840.10045.3.1.7")) {
      return "nistp256";
    }
    if (ecParams.contains("1.3.132.0.34")) {
      return "nistp384";
    }
    if (ecParams.contains("1.3.132.0.35")) {
      return "nistp521";
    }
    return null;
  }
}
