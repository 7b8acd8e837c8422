package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ja3sensor.Tshark;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The server-certificate samples recorded here ({@code samples/certs/record.sh}: openssl s_server
 * with self-signed, expired, not-yet-valid, weak-key, SHA-1-signed and chained certificates; curl
 * and openssl s_client at TLS 1.2, one TLS 1.3 handshake), checked field by field: {@code read}'s
 * event of each capture against what tshark dissects (the certificate bytes on the wire, the
 * server name, the capture time) and what {@code openssl x509} says of the leaf, all computed when
 * the test runs. {@code samples/certs/manifest.tsv} says what each recording was made to show (the
 * PEM files the server sent, the flags its leaf must raise): the reference tools must agree with
 * it, so a re-recording that failed to make, say, an expired certificate is caught here too.
 */
class CertificateSamplesTest {
  /** The flags the certificate rules raise; others (cipher policy ...) are not this test's. */
  private static final String PREFIX = "server_certificate_";

  /** openssl's signature algorithm names to Go's crypto/x509 names (the names ECS recommends). */
  private static final Map<String, String> GO_NAMES =
      Map.of(
          "sha1WithRSAEncryption", "SHA1-RSA",
          "sha256WithRSAEncryption", "SHA256-RSA",
          "sha384WithRSAEncryption", "SHA384-RSA",
          "ecdsa-with-SHA256", "ECDSA-SHA256",
          "ecdsa-with-SHA384", "ECDSA-SHA384");

  /** openssl's multiline attribute names to the ECS name parts. */
  private static final Map<String, String> PARTS =
      Map.of(
          "commonName", "common_name",
          "countryName", "country",
          "localityName", "locality",
          "organizationName", "organization",
          "organizationalUnitName", "organizational_unit",
          "stateOrProvinceName", "state_or_province");

  /** One row of manifest.tsv. */
  record Sample(String capture, String client, String tlsVersion, String serverName,
      List<String> chain, Set<String> flags) {}

  /** record.sh's servers listen on these ports, which tshark must be told are TLS. */
  private static final String DECODE_AS = "tcp.port==4431-4436,tls";

  private static Path dir;
  private static List<Sample> samples;

  static Path samplesDir() {
    return Path.of(System.getProperty("ja3sensor.repoRoot", ".")).resolve("samples/certs")
        .normalize();
  }

  @BeforeAll
  static void readManifest() throws IOException {
    dir = samplesDir();
    samples = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("manifest.tsv"))) {
      if (line.startsWith("#") || line.startsWith("capture\t") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      assertEquals(6, f.length, "manifest.tsv columns: " + line);
      samples.add(new Sample(f[0], f[1], f[2], f[3],
          f[4].equals("-") ? List.of() : List.of(f[4].split(",")),
          f[5].equals("-") ? Set.of() : new TreeSet<>(List.of(f[5].split(",")))));
    }
  }

  @Test
  void everyCaptureIsInTheManifestAndEveryFlagIsShown() throws IOException {
    Set<String> pcaps = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap"))
          .forEach(n -> pcaps.add(n.substring(0, n.length() - 5)));
    }
    Set<String> listed = new TreeSet<>();
    Set<String> flags = new TreeSet<>();
    for (Sample s : samples) {
      listed.add(s.capture());
      flags.addAll(s.flags());
    }
    assertEquals(pcaps, listed, "captures in samples/certs vs manifest.tsv");
    assertEquals(new TreeSet<>(List.of("self_signed", "expired", "not_yet_valid", "weak_key",
        "weak_signature", "name_mismatch")), flags, "every certificate policy flag has a sample");
  }

  @TestFactory
  Stream<DynamicTest> everySample() {
    return samples.stream()
        .map(s -> DynamicTest.dynamicTest(s.capture(), () -> check(s)));
  }

  private static void check(Sample s) throws IOException {
    assumeTrue(Tshark.available(), "tshark not installed");
    OpenSsl.assumeAvailable();
    Path pcap = dir.resolve(s.capture() + ".pcap");
    CliRun run = CliRun.run("read", "--no-progress", pcap.toString());
    assertEquals(0, run.exitCode, s.capture() + ": " + run);
    List<JsonNode> events = run.events();
    assertEquals(1, events.size(), s.capture() + ": one connection, one event:\n" + run.out);
    JsonNode e = events.get(0);
    Handshake h = handshake(pcap);
    assertEquals(s.serverName(), h.serverName, s.capture() + ": SNI tshark reads");
    assertEquals(s.serverName(), CliRun.text(e, "tls.client.server_name"), s.capture());
    assertEquals(s.tlsVersion(), CliRun.text(e, "tls.version"), s.capture());

    CertificateReference.Dissection d = CertificateReference.dissect(pcap, "-d", DECODE_AS);
    if (s.chain().isEmpty()) {
      // TLS 1.3: the Certificate message is encrypted; tshark sees none, the event carries none.
      assertEquals(0, d.server.size() + d.client + d.tls13, s.capture() + ": tshark, certificates");
      assertNull(e.path("tls").path("server").get("hash"), s.capture() + ": " + e);
      assertNull(e.path("tls").path("server").get("x509"), s.capture() + ": " + e);
      assertNull(CliRun.text(e, "tls.server.subject"), s.capture());
      assertNull(CliRun.text(e, "ja3sensor.tls.server.certificate_chain_length"), s.capture());
      assertEquals(Set.of(), certificateFlags(e), s.capture());
      return;
    }
    assertEquals(1, d.server.size(), s.capture() + ": server Certificate messages tshark sees");
    CertificateReference.Message m = d.server.get(0);
    // The bytes on the wire are the PEM files record.sh kept.
    assertEquals(s.chain().size(), m.chain().size(), s.capture() + ": chain length on the wire");
    for (int i = 0; i < s.chain().size(); i++) {
      assertArrayEquals(OpenSsl.der(dir.resolve(s.chain().get(i))), m.chain().get(i),
          s.capture() + ": certificate " + i + " on the wire vs " + s.chain().get(i));
    }
    assertEquals(e, CertificateReference.eventOf(events, m), s.capture() + ": event of the flow");

    // Hashes, chain length, subject, issuer, serial, validity (tshark's bytes, openssl x509).
    byte[] leaf = m.chain().get(0);
    Map<String, String> ossl = CertificateReference.openssl(dir, leaf);
    List<String> problems = new ArrayList<>(CertificateReference.compare(e, m, ossl, true));
    // Every other field, from openssl x509 -text of the same bytes.
    Path leafPem = dir.resolve(s.chain().get(0));
    String text = x509(leafPem, "-text");
    JsonNode x = e.path("tls").path("server").path("x509");
    check(problems, "x509.version_number", group(text, "Version: (\\d+)"),
        x.path("version_number").asText(null));
    String keyAlg = group(text, "Public Key Algorithm: (\\S+)");
    check(problems, "x509.public_key_algorithm",
        keyAlg.equals("rsaEncryption") ? "RSA" : keyAlg.equals("id-ecPublicKey") ? "ECDSA" : keyAlg,
        x.path("public_key_algorithm").asText(null));
    check(problems, "x509.public_key_size", group(text, "Public-Key: \\((\\d+) bit\\)"),
        x.path("public_key_size").asText(null));
    if (keyAlg.equals("rsaEncryption")) {
      check(problems, "x509.public_key_exponent", group(text, "Exponent: (\\d+)"),
          x.path("public_key_exponent").asText(null));
    } else {
      check(problems, "x509.public_key_curve", "nistp" + group(text, "NIST CURVE: P-(\\d+)"),
          x.path("public_key_curve").asText(null));
    }
    String sigAlg = group(text, "Signature Algorithm: (\\S+)");
    check(problems, "x509.signature_algorithm", GO_NAMES.get(sigAlg),
        x.path("signature_algorithm").asText(null));
    check(problems, "x509.alternative_names", String.valueOf(sans(leafPem)),
        String.valueOf(strings(x.path("alternative_names"))));
    for (String who : List.of("subject", "issuer")) {
      Map<String, List<String>> parts = parts(leafPem, who);
      for (String part : PARTS.values()) {
        check(problems, "x509." + who + "." + part,
            String.valueOf(parts.getOrDefault(part, List.of())),
            String.valueOf(strings(x.path(who).path(part))));
      }
      check(problems, "x509." + who + ".distinguished_name", ossl.get(who),
          x.path(who).path("distinguished_name").asText(null));
    }

    // Policy flags, as the reference tools judge them at the ClientHello's capture time.
    Set<String> reference = new TreeSet<>();
    if (selfSigned(leafPem)) {
      reference.add("self_signed");
    }
    Instant notBefore = CertificateReference.opensslDate(ossl.get("notBefore"));
    Instant notAfter = CertificateReference.opensslDate(ossl.get("notAfter"));
    if (h.time.isAfter(notAfter)) {
      reference.add("expired");
    }
    if (h.time.isBefore(notBefore)) {
      reference.add("not_yet_valid");
    }
    if (keyAlg.equals("rsaEncryption")
        && Integer.parseInt(group(text, "Public-Key: \\((\\d+) bit\\)")) < 2048) {
      reference.add("weak_key");
    }
    if (sigAlg.toLowerCase().matches("(sha1|md5|md2).*")) {
      reference.add("weak_signature");
    }
    String host = x509(leafPem, "-checkhost", h.serverName);
    if (host.contains("does NOT match")) {
      reference.add("name_mismatch");
    } else {
      assertTrue(host.contains("does match"), "openssl -checkhost: " + host);
    }
    assertEquals(s.flags(), reference, s.capture() + ": the recording shows what it was made for"
        + " (openssl x509 on the leaf, tshark's capture time " + h.time + ")");
    check(problems, "ja3sensor.policy_flags (server_certificate_*)", String.valueOf(reference),
        String.valueOf(certificateFlags(e)));
    assertTrue(problems.isEmpty(), s.capture() + ":\n  " + String.join("\n  ", problems)
        + "\nevent: " + e);
  }

  /** The ClientHello's capture time and server name, as tshark reads them. */
  private record Handshake(Instant time, String serverName) {}

  private static Handshake handshake(Path pcap) throws IOException {
    String out = CertificateReference.run(dir, List.of("tshark", "-n", "-r", pcap.toString(),
        "-d", DECODE_AS, "-Y", "tls.handshake.type==1", "-T", "fields", "-E", "separator=/t",
        "-e", "frame.time_epoch", "-e", "tls.handshake.extensions_server_name"), null);
    String[] f = out.strip().split("\n")[0].split("\t", -1);
    String[] secs = f[0].split("\\.");
    long nanos = secs.length > 1
        ? Long.parseLong((secs[1] + "000000000").substring(0, 9)) : 0;
    return new Handshake(Instant.ofEpochSecond(Long.parseLong(secs[0]), nanos),
        f.length > 1 ? f[1] : "");
  }

  private static String x509(Path pem, String... opts) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("openssl", "x509", "-in", pem.toString(),
        "-noout"));
    cmd.addAll(List.of(opts));
    return OpenSsl.run(dir, cmd, null, true, 60);
  }

  /**
   * Whether openssl accepts the certificate as its own issuer: it verifies with itself as the only
   * trust anchor (validity dates and security level left out: those are other flags).
   */
  private static boolean selfSigned(Path pem) throws IOException {
    String out = OpenSsl.run(dir, List.of("sh", "-c",
        "openssl verify -no_check_time -auth_level 0 -CAfile \"$0\" \"$0\" >/dev/null 2>&1"
            + " && echo self-signed || echo not", pem.toString()), null, true, 60);
    return out.strip().equals("self-signed");
  }

  /** subjectAltName values as openssl prints them, prefixes (DNS:, IP Address:) removed. */
  private static List<String> sans(Path pem) throws IOException {
    String out = x509(pem, "-ext", "subjectAltName");
    List<String> names = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith(" ")) {
        for (String n : line.strip().split(",\\s*")) {
          names.add(n.substring(n.indexOf(':') + 1));
        }
      }
    }
    return names;
  }

  /** The subject or issuer, one attribute per line (openssl -nameopt multiline), as ECS parts. */
  private static Map<String, List<String>> parts(Path pem, String who) throws IOException {
    String out = x509(pem, "-" + who, "-nameopt", "multiline,-esc_msb,utf8");
    Map<String, List<String>> m = new java.util.HashMap<>();
    Matcher a = Pattern.compile("(?m)^\\s+(\\w+)\\s+= (.*)$").matcher(out);
    while (a.find()) {
      String part = PARTS.get(a.group(1));
      if (part != null) {
        m.computeIfAbsent(part, k -> new ArrayList<>()).add(a.group(2).strip());
      }
    }
    assertTrue(!m.isEmpty(), "openssl printed no " + who + " parts: " + out);
    return m;
  }

  private static Set<String> certificateFlags(JsonNode e) {
    Set<String> out = new TreeSet<>();
    for (JsonNode f : e.path("ja3sensor").path("policy_flags")) {
      if (f.asText().startsWith(PREFIX)) {
        out.add(f.asText().substring(PREFIX.length()));
      }
    }
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "openssl x509 -text has no " + regex);
    return m.group(1);
  }

  private static void check(List<String> problems, String field, String expected, String got) {
    assertNotNull(expected, field + ": no reference value");
    if (!expected.equals(got)) {
      problems.add(field + ": got " + got + ", expected " + expected);
    }
  }
}
