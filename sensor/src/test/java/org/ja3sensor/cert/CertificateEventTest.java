package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.core.Counters;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.match.MatchResult;
import org.ja3sensor.match.Matcher;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate fields and policy flags of an event as JSON, for certificates made by openssl
 * (every value compared with openssl x509's report of the same certificate).
 */
class CertificateEventTest {
  @TempDir static Path dir;
  static OpenSsl.TestCerts certs;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void make() throws IOException {
    OpenSsl.assumeAvailable();
    certs = new OpenSsl.TestCerts(dir);
  }

  /** The event and what the matcher (empty database) made of it. */
  private record Matched(TlsEvent event, MatchResult match) {}

  private static Matched event(String sni, long atMillis, Path... chain) throws IOException {
    List<byte[]> ders = new ArrayList<>();
    for (Path p : chain) {
      ders.add(OpenSsl.der(p));
    }
    byte[] body = CertificateMessageTest.body(ders.toArray(new byte[0][]));
    TlsEvent e = new TlsEvent();
    e.timestampNanos = atMillis * 1_000_000L;
    e.trigger = TlsEvent.Trigger.SERVER_HELLO;
    e.clientHello = new ClientHello(0x0303, new int[] {0xc02f}, new int[] {0}, new int[0],
        new int[0], new int[0], sni, List.of(), new int[0], new int[0], true);
    e.serverHello = new ServerHello(0x0303, 0xc02f, 0, new int[0], 0, null, false);
    e.serverCertificates = CertificateMessage.split(body, 0, body.length, true, new Counters());
    e.deriveFields();
    return new Matched(e, null);
  }

  private static JsonNode json(Matched m, boolean pem) throws IOException {
    MatchResult r =
        new Matcher(DatabaseHolder.of(EntryBuilder.snapshot("t", List.of()))).match(m.event());
    EventJson j = new EventJson().certificateChain(pem);
    return JSON.readTree(j.toJson(m.event(), r));
  }

  private static List<String> flags(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.path("ja3sensor").path("policy_flags").forEach(x -> out.add(x.asText()));
    return out;
  }

  @Test
  void fieldsOfALeafSignedByACa() throws IOException {
    long now = System.currentTimeMillis();
    JsonNode n = json(event("leaf.example.test", now, certs.leaf, certs.ca), false);
    JsonNode s = n.path("tls").path("server");
    String sha1 = OpenSsl.run(dir, "openssl", "x509", "-in", certs.leaf.toString(), "-noout",
        "-fingerprint", "-sha1");
    assertEquals(sha1.substring(sha1.indexOf('=') + 1).strip().replace(":", ""),
        s.path("hash").path("sha1").asText());
    assertEquals(64, s.path("hash").path("sha256").asText().length());
    assertEquals(32, s.path("hash").path("md5").asText().length());
    assertEquals(OpenSsl.field(dir, certs.leaf, "subject", "-subject", "-nameopt", "RFC2253"),
        s.path("subject").asText());
    assertEquals(OpenSsl.field(dir, certs.leaf, "issuer", "-issuer", "-nameopt", "RFC2253"),
        s.path("issuer").asText());
    assertEquals(
        Instant.parse(OpenSsl.field(dir, certs.leaf, "notAfter", "-enddate", "-dateopt", "iso_8601")
            .replace(' ', 'T')),
        Instant.parse(s.path("not_after").asText()));
    JsonNode x = s.path("x509");
    assertEquals(OpenSsl.field(dir, certs.leaf, "serial", "-serial"), x.path("serial_number").asText());
    assertEquals("FF01", x.path("serial_number").asText()); // -set_serial 0x00FF01
    assertEquals("SHA384-RSA", x.path("signature_algorithm").asText());
    assertEquals("ECDSA", x.path("public_key_algorithm").asText());
    assertEquals(256, x.path("public_key_size").asInt());
    assertEquals("nistp256", x.path("public_key_curve").asText());
    assertEquals("3", x.path("version_number").asText());
    assertEquals("[\"leaf.example.test\",\"alt.example.test\"]",
        x.path("alternative_names").toString());
    assertEquals("[\"Test Root CA\"]", x.path("issuer").path("common_name").toString());
    assertEquals("[\"Leaf Org\"]", x.path("subject").path("organization").toString());
    assertEquals(2, n.path("ja3sensor").path("tls").path("server")
        .path("certificate_chain_length").asInt());
    assertTrue(s.path("certificate_chain").isMissingNode(), "PEM chain is off by default");
    assertEquals(List.of(), flags(n));
  }

  @Test
  void pemChainBehindTheOption() throws IOException {
    Matched e = event("leaf.example.test", System.currentTimeMillis(), certs.leaf, certs.ca);
    JsonNode chain = json(e, true).path("tls").path("server").path("certificate_chain");
    assertEquals(2, chain.size());
    assertEquals(java.nio.file.Files.readString(certs.leaf).strip(), chain.get(0).asText().strip());
    assertEquals(java.nio.file.Files.readString(certs.ca).strip(), chain.get(1).asText().strip());
  }

  @Test
  void flagsOfAWeakSelfSignedCertificateAtCaptureTime() throws IOException {
    LeafCertificate l = LeafCertificate.of(OpenSsl.der(certs.weakSelfSigned), new Counters());
    long nb = l.fields().notBeforeMillis;
    long na = l.fields().notAfterMillis;
    JsonNode valid = json(event("www.example.test", nb + 60_000, certs.weakSelfSigned), false);
    assertEquals(List.of("server_certificate_self_signed", "server_certificate_weak_key",
        "server_certificate_weak_signature"), flags(valid));
    JsonNode expired = json(event("other.example.org", na + 60_000, certs.weakSelfSigned), false);
    assertTrue(flags(expired).contains("server_certificate_expired"));
    assertTrue(flags(expired).contains("server_certificate_name_mismatch"));
    assertFalse(flags(expired).contains("server_certificate_not_yet_valid"));
    JsonNode early = json(event(null, nb - 60_000, certs.weakSelfSigned), false);
    assertTrue(flags(early).contains("server_certificate_not_yet_valid"));
    assertFalse(flags(early).contains("server_certificate_name_mismatch"), "no SNI: no mismatch");
    assertEquals("RSA", valid.path("tls").path("server").path("x509")
        .path("public_key_algorithm").asText());
    assertEquals(65537, valid.path("tls").path("server").path("x509")
        .path("public_key_exponent").asInt());
  }

  @Test
  void unparseableLeafStillHasItsHashes() throws IOException {
    byte[] garbage = new byte[4000];
    new java.util.Random(3).nextBytes(garbage);
    byte[] body = CertificateMessageTest.body(garbage);
    Matched e = event("x.example", System.currentTimeMillis(), certs.ca);
    Counters c = new Counters();
    e.event().serverCertificates = CertificateMessage.split(body, 0, body.length, true, c);
    JsonNode n = json(e, false);
    JsonNode s = n.path("tls").path("server");
    assertEquals(40, s.path("hash").path("sha1").asText().length());
    assertTrue(s.path("subject").isMissingNode());
    assertTrue(s.path("x509").isMissingNode());
    assertEquals(1, c.get(org.ja3sensor.core.Anomaly.X509_UNPARSEABLE));
  }
}
