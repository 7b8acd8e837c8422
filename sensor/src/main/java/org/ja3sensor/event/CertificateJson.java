package org.ja3sensor.event;

import java.util.List;
import org.ja3sensor.cert.LeafCertificate;
import org.ja3sensor.cert.ServerCertificates;

/**
 * Writes the server certificate fields of an event, in ECS's names: {@code tls.server.hash.*},
 * {@code subject}, {@code issuer}, {@code not_before}, {@code not_after}, {@code x509.*} and,
 * when asked for, {@code certificate_chain} (PEM); the chain length goes under {@code
 * ja3sensor.tls.server}. The leaf is hashed and parsed here, on first use (see {@link
 * LeafCertificate}). Field list in docs/events.md, section "Server certificates".
 */
final class CertificateJson {
  private CertificateJson() {}

  // Field names, encoded once (see JsonWriter).
  private static final JsonWriter.Text N_ALTERNATIVE_NAMES = JsonWriter.name("alternative_names");
  private static final JsonWriter.Text N_CERTIFICATE_CHAIN = JsonWriter.name("certificate_chain");
  private static final JsonWriter.Text N_CERTIFICATE_CHAIN_LENGTH =
      JsonWriter.name("certificate_chain_length");
  private static final JsonWriter.Text N_COMMON_NAME = JsonWriter.name("common_name");
  private static final JsonWriter.Text N_COUNTRY = JsonWriter.name("country");
  private static final JsonWriter.Text N_DISTINGUISHED_NAME = JsonWriter.name("distinguished_name");
  private static final JsonWriter.Text N_HASH = JsonWriter.name("hash");
  private static final JsonWriter.Text N_ISSUER = JsonWriter.name("issuer");
  private static final JsonWriter.Text N_LOCALITY = JsonWriter.name("locality");
  private static final JsonWriter.Text N_MD5 = JsonWriter.name("md5");
  private static final JsonWriter.Text N_NOT_AFTER = JsonWriter.name("not_after");
  private static final JsonWriter.Text N_NOT_BEFORE = JsonWriter.name("not_before");
  private static final JsonWriter.Text N_ORGANIZATION = JsonWriter.name("organization");
  private static final JsonWriter.Text N_ORGANIZATIONAL_UNIT =
      JsonWriter.name("organizational_unit");
  private static final JsonWriter.Text N_PUBLIC_KEY_ALGORITHM =
      JsonWriter.name("public_key_algorithm");
  private static final JsonWriter.Text N_PUBLIC_KEY_CURVE = JsonWriter.name("public_key_curve");
  private static final JsonWriter.Text N_PUBLIC_KEY_EXPONENT =
      JsonWriter.name("public_key_exponent");
  private static final JsonWriter.Text N_PUBLIC_KEY_SIZE = JsonWriter.name("public_key_size");
  private static final JsonWriter.Text N_SERIAL_NUMBER = JsonWriter.name("serial_number");
  private static final JsonWriter.Text N_SHA1 = JsonWriter.name("sha1");
  private static final JsonWriter.Text N_SHA256 = JsonWriter.name("sha256");
  private static final JsonWriter.Text N_SIGNATURE_ALGORITHM =
      JsonWriter.name("signature_algorithm");
  private static final JsonWriter.Text N_STATE_OR_PROVINCE = JsonWriter.name("state_or_province");
  private static final JsonWriter.Text N_SUBJECT = JsonWriter.name("subject");
  private static final JsonWriter.Text N_VERSION_NUMBER = JsonWriter.name("version_number");
  private static final JsonWriter.Text N_X509 = JsonWriter.name("x509");

  /** Fields inside {@code tls.server}; nothing when the event has no certificate. */
  static void writeServerFields(ServerCertificates chain, boolean pemChain, JsonWriter g) {
    if (chain == null) {
      return;
    }
    LeafCertificate leaf = chain.leaf();
    if (leaf != null) {
      g.object(N_HASH);
      g.string(N_MD5, leaf.md5());
      g.string(N_SHA1, leaf.sha1());
      g.string(N_SHA256, leaf.sha256());
      g.endObject();
      LeafCertificate.Fields f = leaf.fields();
      if (f != null) {
        String notBefore = f.notBeforeText;
        String notAfter = f.notAfterText;
        g.string(N_SUBJECT, f.subject.distinguishedName);
        g.string(N_ISSUER, f.issuer.distinguishedName);
        g.string(N_NOT_BEFORE, notBefore);
        g.string(N_NOT_AFTER, notAfter);
        g.object(N_X509);
        if (!f.alternativeNames.isEmpty()) {
          strings(g, N_ALTERNATIVE_NAMES, f.alternativeNames);
        }
        name(g, N_ISSUER, f.issuer);
        g.string(N_NOT_BEFORE, notBefore);
        g.string(N_NOT_AFTER, notAfter);
        if (f.publicKeyAlgorithm != null) {
          g.string(N_PUBLIC_KEY_ALGORITHM, f.publicKeyAlgorithm);
        }
        if (f.publicKeyCurve != null) {
          g.string(N_PUBLIC_KEY_CURVE, f.publicKeyCurve);
        }
        if (f.publicKeyExponent > 0) {
          g.number(N_PUBLIC_KEY_EXPONENT, f.publicKeyExponent);
        }
        if (f.publicKeySize > 0) {
          g.number(N_PUBLIC_KEY_SIZE, f.publicKeySize);
        }
        g.string(N_SERIAL_NUMBER, f.serialNumber);
        g.string(N_SIGNATURE_ALGORITHM, f.signatureAlgorithm);
        name(g, N_SUBJECT, f.subject);
        g.string(N_VERSION_NUMBER, String.valueOf(f.version));
        g.endObject();
      }
    }
    if (pemChain && chain.kept() > 0) {
      g.array(N_CERTIFICATE_CHAIN);
      for (int i = 0; i < chain.kept(); i++) {
        g.string(chain.pem(i));
      }
      g.endArray();
    }
  }

  /**
   * Fields inside the open {@code ja3sensor.tls.server} object: {@code
   * certificate_chain_length}.
   */
  static void writeProjectServerFields(ServerCertificates chain, JsonWriter g) {
    if (chain == null) {
      return;
    }
    g.number(N_CERTIFICATE_CHAIN_LENGTH, chain.chainLength());
  }

  private static void name(JsonWriter g, JsonWriter.Text field, LeafCertificate.NameParts n) {
    g.object(field);
    strings(g, N_COMMON_NAME, n.commonName);
    strings(g, N_COUNTRY, n.country);
    g.string(N_DISTINGUISHED_NAME, n.distinguishedName);
    strings(g, N_LOCALITY, n.locality);
    strings(g, N_ORGANIZATION, n.organization);
    strings(g, N_ORGANIZATIONAL_UNIT, n.organizationalUnit);
    strings(g, N_STATE_OR_PROVINCE, n.stateOrProvince);
    g.endObject();
  }

  /** An array field; nothing when the list is empty. */
  private static void strings(JsonWriter g, JsonWriter.Text field, List<String> values) {
    if (values.isEmpty()) {
      return;
    }
    g.array(field);
    for (String v : values) {
      g.string(v);
    }
    g.endArray();
  }
}
