package org.ja3sensor.event;

import static org.ja3sensor.event.JsonFields.array;
import static org.ja3sensor.event.JsonFields.number;
import static org.ja3sensor.event.JsonFields.object;
import static org.ja3sensor.event.JsonFields.string;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
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

  // Field names (see JsonFields).
  private static final SerializedString N_ALTERNATIVE_NAMES = new SerializedString("alternative_names");
  private static final SerializedString N_CERTIFICATE_CHAIN = new SerializedString("certificate_chain");
  private static final SerializedString N_CERTIFICATE_CHAIN_LENGTH = new SerializedString("certificate_chain_length");
  private static final SerializedString N_COMMON_NAME = new SerializedString("common_name");
  private static final SerializedString N_COUNTRY = new SerializedString("country");
  private static final SerializedString N_DISTINGUISHED_NAME = new SerializedString("distinguished_name");
  private static final SerializedString N_HASH = new SerializedString("hash");
  private static final SerializedString N_ISSUER = new SerializedString("issuer");
  private static final SerializedString N_LOCALITY = new SerializedString("locality");
  private static final SerializedString N_MD5 = new SerializedString("md5");
  private static final SerializedString N_NOT_AFTER = new SerializedString("not_after");
  private static final SerializedString N_NOT_BEFORE = new SerializedString("not_before");
  private static final SerializedString N_ORGANIZATION = new SerializedString("organization");
  private static final SerializedString N_ORGANIZATIONAL_UNIT = new SerializedString("organizational_unit");
  private static final SerializedString N_PUBLIC_KEY_ALGORITHM = new SerializedString("public_key_algorithm");
  private static final SerializedString N_PUBLIC_KEY_CURVE = new SerializedString("public_key_curve");
  private static final SerializedString N_PUBLIC_KEY_EXPONENT = new SerializedString("public_key_exponent");
  private static final SerializedString N_PUBLIC_KEY_SIZE = new SerializedString("public_key_size");
  private static final SerializedString N_SERIAL_NUMBER = new SerializedString("serial_number");
  private static final SerializedString N_SHA1 = new SerializedString("sha1");
  private static final SerializedString N_SHA256 = new SerializedString("sha256");
  private static final SerializedString N_SIGNATURE_ALGORITHM = new SerializedString("signature_algorithm");
  private static final SerializedString N_STATE_OR_PROVINCE = new SerializedString("state_or_province");
  private static final SerializedString N_SUBJECT = new SerializedString("subject");
  private static final SerializedString N_VERSION_NUMBER = new SerializedString("version_number");
  private static final SerializedString N_X509 = new SerializedString("x509");

  /** Fields inside {@code tls.server}; nothing when the event has no certificate. */
  static void writeServerFields(ServerCertificates chain, boolean pemChain, JsonGenerator g)
      throws IOException {
    if (chain == null) {
      return;
    }
    LeafCertificate leaf = chain.leaf();
    if (leaf != null) {
      object(g, N_HASH);
      string(g, N_MD5, leaf.md5());
      string(g, N_SHA1, leaf.sha1());
      string(g, N_SHA256, leaf.sha256());
      g.writeEndObject();
      LeafCertificate.Fields f = leaf.fields();
      if (f != null) {
        String notBefore = f.notBeforeText;
        String notAfter = f.notAfterText;
        string(g, N_SUBJECT, f.subject.distinguishedName);
        string(g, N_ISSUER, f.issuer.distinguishedName);
        string(g, N_NOT_BEFORE, notBefore);
        string(g, N_NOT_AFTER, notAfter);
        object(g, N_X509);
        if (!f.alternativeNames.isEmpty()) {
          strings(g, N_ALTERNATIVE_NAMES, f.alternativeNames);
        }
        name(g, N_ISSUER, f.issuer);
        string(g, N_NOT_BEFORE, notBefore);
        string(g, N_NOT_AFTER, notAfter);
        if (f.publicKeyAlgorithm != null) {
          string(g, N_PUBLIC_KEY_ALGORITHM, f.publicKeyAlgorithm);
        }
        if (f.publicKeyCurve != null) {
          string(g, N_PUBLIC_KEY_CURVE, f.publicKeyCurve);
        }
        if (f.publicKeyExponent > 0) {
          number(g, N_PUBLIC_KEY_EXPONENT, f.publicKeyExponent);
        }
        if (f.publicKeySize > 0) {
          number(g, N_PUBLIC_KEY_SIZE, f.publicKeySize);
        }
        string(g, N_SERIAL_NUMBER, f.serialNumber);
        string(g, N_SIGNATURE_ALGORITHM, f.signatureAlgorithm);
        name(g, N_SUBJECT, f.subject);
        string(g, N_VERSION_NUMBER, String.valueOf(f.version));
        g.writeEndObject();
      }
    }
    if (pemChain && chain.kept() > 0) {
      array(g, N_CERTIFICATE_CHAIN);
      for (int i = 0; i < chain.kept(); i++) {
        g.writeString(chain.pem(i));
      }
      g.writeEndArray();
    }
  }

  /**
   * Fields inside the open {@code ja3sensor.tls.server} object: {@code
   * certificate_chain_length}.
   */
  static void writeProjectServerFields(ServerCertificates chain, JsonGenerator g)
      throws IOException {
    if (chain == null) {
      return;
    }
    number(g, N_CERTIFICATE_CHAIN_LENGTH, chain.chainLength());
  }

  private static void name(JsonGenerator g, SerializableString field, LeafCertificate.NameParts n)
      throws IOException {
    object(g, field);
    strings(g, N_COMMON_NAME, n.commonName);
    strings(g, N_COUNTRY, n.country);
    string(g, N_DISTINGUISHED_NAME, n.distinguishedName);
    strings(g, N_LOCALITY, n.locality);
    strings(g, N_ORGANIZATION, n.organization);
    strings(g, N_ORGANIZATIONAL_UNIT, n.organizationalUnit);
    strings(g, N_STATE_OR_PROVINCE, n.stateOrProvince);
    g.writeEndObject();
  }

  /** An array field; nothing when the list is empty. */
  private static void strings(JsonGenerator g, SerializableString field, List<String> values)
      throws IOException {
    if (values.isEmpty()) {
      return;
    }
    array(g, field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
