package org.ja3sensor.event;

import com.fasterxml.jackson.core.JsonGenerator;
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

  /** Fields inside {@code tls.server}; nothing when the event has no certificate. */
  static void writeServerFields(ServerCertificates chain, boolean pemChain, JsonGenerator g)
      throws IOException {
    if (chain == null) {
      return;
    }
    LeafCertificate leaf = chain.leaf();
    if (leaf != null) {
      g.writeObjectFieldStart("hash");
      g.writeStringField("md5", leaf.md5());
      g.writeStringField("sha1", leaf.sha1());
      g.writeStringField("sha256", leaf.sha256());
      g.writeEndObject();
      LeafCertificate.Fields f = leaf.fields();
      if (f != null) {
        String notBefore = f.notBeforeText;
        String notAfter = f.notAfterText;
        g.writeStringField("subject", f.subject.distinguishedName);
        g.writeStringField("issuer", f.issuer.distinguishedName);
        g.writeStringField("not_before", notBefore);
        g.writeStringField("not_after", notAfter);
        g.writeObjectFieldStart("x509");
        if (!f.alternativeNames.isEmpty()) {
          strings(g, "alternative_names", f.alternativeNames);
        }
        name(g, "issuer", f.issuer);
        g.writeStringField("not_before", notBefore);
        g.writeStringField("not_after", notAfter);
        if (f.publicKeyAlgorithm != null) {
          g.writeStringField("public_key_algorithm", f.publicKeyAlgorithm);
        }
        if (f.publicKeyCurve != null) {
          g.writeStringField("public_key_curve", f.publicKeyCurve);
        }
        if (f.publicKeyExponent > 0) {
          g.writeNumberField("public_key_exponent", f.publicKeyExponent);
        }
        if (f.publicKeySize > 0) {
          g.writeNumberField("public_key_size", f.publicKeySize);
        }
        g.writeStringField("serial_number", f.serialNumber);
        g.writeStringField("signature_algorithm", f.signatureAlgorithm);
        name(g, "subject", f.subject);
        g.writeStringField("version_number", String.valueOf(f.version));
        g.writeEndObject();
      }
    }
    if (pemChain && chain.kept() > 0) {
      g.writeArrayFieldStart("certificate_chain");
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
    g.writeNumberField("certificate_chain_length", chain.chainLength());
  }

  private static void name(JsonGenerator g, String field, LeafCertificate.NameParts n)
      throws IOException {
    g.writeObjectFieldStart(field);
    strings(g, "common_name", n.commonName);
    strings(g, "country", n.country);
    g.writeStringField("distinguished_name", n.distinguishedName);
    strings(g, "locality", n.locality);
    strings(g, "organization", n.organization);
    strings(g, "organizational_unit", n.organizationalUnit);
    strings(g, "state_or_province", n.stateOrProvince);
    g.writeEndObject();
  }

  /** An array field; nothing when the list is empty. */
  private static void strings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    if (values.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
