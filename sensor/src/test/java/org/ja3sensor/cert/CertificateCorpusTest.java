package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.ja3sensor.Tshark;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Certificate conformance on the shared corpus: for every server Certificate message (TLS 1.2 and
 * older, STARTTLS included) that tshark dissects, the event of that flow from {@code read} carries
 * the SHA-1, SHA-256 and MD5 of the leaf's DER bytes as tshark gives them, the chain length
 * tshark counts, and the subject, issuer, serial number and validity {@code openssl x509} prints
 * of that DER. tshark and openssl run when the test runs; no value is stored.
 */
class CertificateCorpusTest {
  /** The corpus holds this many server Certificate messages in this many captures (tshark 4.0). */
  static final int MESSAGES = 61;
  static final int CAPTURES = 38;
  /** Client certificates (ndpi/tls_client_certificate_with_missing_server_one.pcapng), left out. */
  static final int CLIENT_CERTIFICATES = 2;

  /**
   * Leaves the JDK's CertificateFactory rejects while openssl parses them (docs/certificates.md,
   * "Where the sensor and openssl differ"): the event has hashes and chain length, no parsed field.
   */
  static final Map<String, String> JDK_REJECTS = Map.of(
      "zeek/tls__CVE-2015-3194.pcap",
      "RSASSA-PSS signature algorithm without its MGF1 parameters (the CVE's malformed certificate):"
          + " 'Missing MGF1 parameters'");

  /** tshark's dissection of every capture that holds a server Certificate message, by file. */
  private static final Map<String, CertificateReference.Dissection> DISSECTED = new TreeMap<>();
  private static int clientCertificates;
  private static int tls13OrQuic;
  private static Path corpus;

  /** {@code ../shared/corpus} beside the repository, or -Dja3sensor.corpusDir (as CorpusConformanceTest). */
  static Path corpusDir() {
    String dir = System.getProperty("ja3sensor.corpusDir");
    if (dir != null) {
      return Path.of(dir);
    }
    Path root = Path.of(System.getProperty("ja3sensor.repoRoot", "."));
    return root.resolve("../shared/corpus").normalize();
  }

  @BeforeAll
  static void dissectCorpus() throws Exception {
    corpus = corpusDir();
    assumeTrue(Files.isRegularFile(corpus.resolve("expected.tsv")),
        "conformance corpus not found at " + corpus + " (it sits beside the repository in CI)");
    assumeTrue(Tshark.available(), "tshark not installed");
    assumeTrue(OpenSsl.available(), "openssl not installed");
    List<Path> captures;
    try (Stream<Path> s = Files.walk(corpus)) {
      captures = s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$")).sorted().toList();
    }
    assertTrue(captures.size() >= 89, "expected the 89 corpus captures, found " + captures.size());
    // tshark's start-up dominates: two at a time (the CI machine has two cores).
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Map<String, Future<CertificateReference.Dissection>> jobs = new TreeMap<>();
      for (Path p : captures) {
        String rel = corpus.relativize(p).toString();
        // As the manifest was made: this one file is TLS on port 80, which tshark must be told.
        String[] extra = rel.endsWith("tls_port_80.pcapng")
            ? new String[] {"-d", "tcp.port==80,tls"} : new String[0];
        jobs.put(rel, pool.submit(() -> CertificateReference.dissect(p, extra)));
      }
      for (Map.Entry<String, Future<CertificateReference.Dissection>> j : jobs.entrySet()) {
        CertificateReference.Dissection d = j.getValue().get();
        clientCertificates += d.client;
        tls13OrQuic += d.tls13 + d.udp;
        if (!d.server.isEmpty()) {
          DISSECTED.put(j.getKey(), d);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theCorpusHoldsTheCertificatesTheIssueCounts() {
    int messages = DISSECTED.values().stream().mapToInt(d -> d.server.size()).sum();
    assertEquals(MESSAGES, messages, "server Certificate messages tshark dissects (TLS 1.2 and older)");
    assertEquals(CAPTURES, DISSECTED.size(), "captures holding them: " + DISSECTED.keySet());
    assertEquals(CLIENT_CERTIFICATES, clientCertificates, "client certificates left out");
    // doq.pcapng and quic-v2.pcapng embed their TLS 1.3 keys: tshark decrypts those certificates.
    assertEquals(2, tls13OrQuic, "TLS 1.3 / QUIC certificates left out (encrypted on the wire)");
    assertTrue(DISSECTED.keySet().containsAll(JDK_REJECTS.keySet()), "listed rejects still exist");
  }

  @TestFactory
  Stream<DynamicTest> everyServerCertificateOfTheCorpus() {
    return DISSECTED.entrySet().stream().map(f -> DynamicTest.dynamicTest(f.getKey(),
        () -> checkCapture(f.getKey(), f.getValue())));
  }

  private static void checkCapture(String rel, CertificateReference.Dissection d) {
    CliRun run = CliRun.run("read", "--no-progress", corpus.resolve(rel).toString());
    assertEquals(0, run.exitCode, rel + ": " + run);
    List<JsonNode> events = run.events();
    List<String> problems = new ArrayList<>();
    boolean rejected = JDK_REJECTS.containsKey(rel);
    for (CertificateReference.Message m : d.server) {
      JsonNode e = CertificateReference.eventOf(events, m);
      if (e == null) {
        problems.add(m.where() + ": no event of this flow with certificate fields");
        continue;
      }
      Map<String, String> ossl;
      try {
        ossl = CertificateReference.openssl(corpus, m.chain().get(0));
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      for (String p : CertificateReference.compare(e, m, ossl, !rejected)) {
        problems.add(m.where() + ": " + p);
      }
      if (rejected) {
        assertNotNull(ossl.get("subject"), rel + ": openssl parses the leaf the JDK rejects");
        assertNull(CliRun.text(e, "tls.server.subject"), rel + ": " + JDK_REJECTS.get(rel));
        assertNull(CliRun.text(e, "tls.server.x509.serial_number"), rel);
      }
    }
    assertTrue(problems.isEmpty(), rel + ":\n  " + String.join("\n  ", problems) + "\n" + run.err);
  }
}
