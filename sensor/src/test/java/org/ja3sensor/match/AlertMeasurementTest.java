package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * False and true alerts of the shipped database at default settings, on real captures: the
 * samples (samples/*.pcap) and the library defaults (samples/libraries/*.pcap, recorded by
 * samples/record-libraries.sh from real clients). Each capture is replayed as the rules expect to
 * see it: the client moved into the home network (10.1.2.3), the server outside (203.0.113.10),
 * optionally on another server port ({@link PcapRewrite}).
 *
 * <p>False alerts: none of these benign handshakes may alert (docs/detection.md gives the figure
 * per 10,000 handshakes). True alerts: for each kind of alerting entry (JA3, JA3S, JA3+JA3S pair,
 * server-name scope, port scope) a capture that must alert with the expected rule, so that
 * tightening the policy cannot silently disable detection.
 */
class AlertMeasurementTest {
  static final byte[] CLIENT = {10, 1, 2, 3};
  static final byte[] SERVER = {(byte) 203, 0, 113, 10};
  /** samples/curl-tls12.expected.tsv (tshark 4.0.17): the client's JA3 and the server's JA3S. */
  static final String CURL12_JA3 = "a800670a9e75f9768d052dd7f0be5728";
  static final String CURL12_JA3S = "a548c224ffe85e7076d7897c27f6758c";

  /**
   * The two ClientHellos of the conformance corpus that SSLBL lists as "Tofsee" (JA3 to file),
   * with tshark's JA3 of each from ../shared/corpus/expected.tsv. Neither is a library default any
   * kept source documents (docs/detection.md, "Still alerting"), so both stay alerts.
   */
  static final Map<String, String> TOFSEE = Map.of(
      "fd80fa9c6120cdeea8520510f3c644ac", "ndpi/tls_torrent.pcapng",
      "1fe4c7a3544eb27afec2adfb3a3dbf60", "suricata-verify/tls__tls-certs-alert.pcap");

  @TempDir Path tmp;

  static Path samples() {
    return Sources.repoRoot().resolve("samples");
  }

  /** The server port of a sample: from its expected.tsv (tshark), 443 for the library captures. */
  static int serverPort(Path pcap) throws Exception {
    Path tsv = pcap.resolveSibling(pcap.getFileName().toString().replace(".pcap", ".expected.tsv"));
    if (!Files.exists(tsv)) {
      return 443;
    }
    for (String l : Files.readAllLines(tsv)) {
      String[] f = l.split("\t");
      if (!l.startsWith("#") && f.length > 6 && f[6].equals("ja3")) {
        return Integer.parseInt(f[5]);
      }
    }
    throw new AssertionError("no ja3 row in " + tsv);
  }

  private Path replay(Path pcap, int newPort) throws Exception {
    Path out = tmp.resolve(pcap.getParent().getFileName() + "-" + newPort + "-"
        + pcap.getFileName());
    PcapRewrite.rewrite(pcap, out, serverPort(pcap), CLIENT, SERVER, newPort);
    return out;
  }

  private Path replay(Path pcap) throws Exception {
    return replay(pcap, serverPort(pcap));
  }

  private static List<Path> pcaps(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
    }
  }

  private Path db(String csv) throws Exception {
    Path d = Files.createTempDirectory(tmp, "db");
    Files.writeString(d.resolve("local.csv"),
        "id,type,value,pair_value,label,category,disposition,confidence,source,scope_sni\n" + csv);
    return d;
  }

  private static List<JsonNode> read(String... args) {
    List<String> a = new ArrayList<>(List.of("read", "-q"));
    a.addAll(List.of(args));
    CliRun r = CliRun.run(a.toArray(new String[0]));
    assertEquals(0, r.exitCode, r.toString());
    return r.events();
  }

  private static List<JsonNode> alerts(List<JsonNode> events) {
    return events.stream().filter(e -> "alert".equals(CliRun.text(e, "event.kind"))).toList();
  }

  @Test
  void noFalseAlertOnTheSamplesAndTheLibraryDefaults() throws Exception {
    List<Path> originals = new ArrayList<>(pcaps(samples()));
    originals.addAll(pcaps(samples().resolve("libraries")));
    assertTrue(originals.size() >= 27, "samples and library captures: " + originals);
    List<String> asRecorded = originals.stream().map(Path::toString).toList();
    List<JsonNode> recorded = read(asRecorded.toArray(new String[0]));
    assertEquals(List.of(), alerts(recorded), "as recorded (loopback)");

    List<String> replayed = new ArrayList<>();
    for (Path p : originals) {
      replayed.add(p.getFileName().toString().equals("curl-ipv6.pcap") ? p.toString()
          : replay(p).toString());
    }
    List<JsonNode> events = read(replayed.toArray(new String[0]));
    List<JsonNode> alerts = alerts(events);
    assertTrue(events.size() >= originals.size(), events.size() + " handshakes");
    assertEquals(List.of(), alerts, "false alerts per 10,000 handshakes: "
        + 10_000.0 * alerts.size() / events.size());
    long onLibraries = events.stream().filter(e -> e.toString().contains("\"library\"")).count();
    assertTrue(onLibraries >= 16, "the library captures match their library entries: "
        + onLibraries);
  }

  @Test
  void portScopedEtRuleAlertsOnlyOnItsPorts() throws Exception {
    // The issue's case: OpenSSL 3 without SNI has the JA3 of ET's AnchorMail rule (465, 993)
    Path openssl = samples().resolve("libraries/openssl-s_client-noservername.pcap");
    Path sTime = samples().resolve("libraries/openssl-s_time.pcap");
    assertEquals(List.of(), alerts(read(replay(openssl).toString(), replay(sTime).toString())));
    List<JsonNode> imaps = read(replay(openssl, 993).toString());
    assertEquals(1, alerts(imaps).size());
    JsonNode e = imaps.get(0);
    assertEquals("et:2035359", CliRun.text(e, "rule.id"));
    JsonNode rule = e.at("/ja3sensor/enrichments/0");
    assertEquals("client $HOME_NET; server $EXTERNAL_NET; server port 465|993",
        rule.at("/scope").asText());
    assertTrue(rule.at("/corroborated").asBoolean());
    assertEquals("library-default", rule.at("/collision").asText());
    assertNotNull(rule.at("/suppress_with").textValue());
  }

  @Test
  void singleJa3AndJa3sEntriesAlert() throws Exception {
    Path curl = replay(samples().resolve("curl-tls12.pcap"));
    List<JsonNode> ja3 = read("--db-extra", db("t:ja3,ja3," + CURL12_JA3
        + ",,Test family,malware,alert,60,test,\n").toString(), curl.toString());
    assertEquals("t:ja3", CliRun.text(alerts(ja3).get(0), "rule.id"));
    List<JsonNode> ja3s = read("--db-extra", db("t:ja3s,ja3s," + CURL12_JA3S
        + ",,Test C2 server,c2,alert,60,test,\n").toString(), curl.toString());
    assertEquals("t:ja3s", CliRun.text(alerts(ja3s).get(0), "rule.id"));
  }

  @Test
  void pairAndServerNameScopeAlertOnALibraryDefaultButTheBareJa3DoesNot() throws Exception {
    Path lib = replay(samples().resolve("libraries/python-ssl.pcap"));
    JsonNode plain = read("--no-db", lib.toString()).get(0);
    String ja3 = CliRun.text(plain, "tls.client.ja3");
    String ja3s = CliRun.text(plain, "tls.server.ja3s");

    // a bare JA3 alert entry on a library default: both matches shown, low score, no alert
    Path bare = db("t:bare,ja3," + ja3 + ",,Test RAT,malware,alert,60,test,\n");
    JsonNode demoted = read("--db-extra", bare.toString(), lib.toString()).get(0);
    assertEquals("event", CliRun.text(demoted, "event.kind"));
    JsonNode x = demoted.at("/ja3sensor/enrichments");
    boolean sawRat = false;
    boolean sawLibrary = false;
    for (JsonNode n : x) {
      sawRat |= n.at("/id").asText().equals("t:bare")
          && n.at("/demoted").asBoolean()
          && n.at("/score").asInt() <= Matcher.COLLISION_SCORE;
      sawLibrary |= n.at("/category").asText().equals("library");
    }
    assertTrue(sawRat && sawLibrary, x.toString());
    // ... the knob makes it alert
    assertEquals("t:bare", CliRun.text(alerts(read("--library-collisions", "alert",
        "--db-extra", bare.toString(), lib.toString())).get(0), "rule.id"));

    // a pair on the same library default alerts
    List<JsonNode> pair = read("--db-extra", db("t:pair,ja3+ja3s," + ja3 + "," + ja3s
        + ",Test C2 pair,c2,alert,75,test,\n").toString(), lib.toString());
    assertEquals("t:pair", CliRun.text(alerts(pair).get(0), "rule.id"));

    // a server-name scope alerts on its names only
    List<JsonNode> named = read("--db-extra", db("t:sni,ja3," + ja3
        + ",,Test C2 by name,c2,alert,60,test,*.example.test\n").toString(), lib.toString());
    assertEquals("t:sni", CliRun.text(alerts(named).get(0), "rule.id"));
    List<JsonNode> other = read("--db-extra", db("t:sni,ja3," + ja3
        + ",,Test C2 by name,c2,alert,60,test,*.other.test\n").toString(), lib.toString());
    assertFalse(other.get(0).toString().contains("t:sni"));
  }

  @Test
  void theCorpusAlertsOnlyOnItsTwoSslblTofseeHellosAndTheyStayAlerts() throws Exception {
    Path corpus = Sources.repoRoot().resolve("../shared/corpus").normalize();
    assumeTrue(Files.isRegularFile(corpus.resolve("expected.tsv")),
        "conformance corpus not found at " + corpus + ": skipped");
    // tshark's JA3 of each file (the reference, not our output)
    Map<String, List<String>> tsharkJa3 = new TreeMap<>();
    for (String l : Files.readAllLines(corpus.resolve("expected.tsv"))) {
      String[] f = l.split("\t", -1);
      if (f.length > 9 && f[1].equals("ja3") && f[9].startsWith("tshark")) {
        tsharkJa3.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[8]);
      }
    }
    TOFSEE.forEach((ja3, file) -> assertTrue(tsharkJa3.getOrDefault(file, List.of()).contains(ja3),
        file + " has tshark JA3 " + ja3));

    List<String> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files = s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$")).map(Path::toString)
          .sorted().toList();
    }
    assertTrue(files.size() >= 80, "corpus captures: " + files.size());
    List<JsonNode> events = read(files.toArray(new String[0]));
    assertTrue(events.size() >= 180, events.size() + " handshakes");
    Map<String, String> alertJa3ToRule = new TreeMap<>();
    for (JsonNode e : alerts(events)) {
      alertJa3ToRule.put(CliRun.text(e, "tls.client.ja3"), CliRun.text(e, "rule.id"));
      JsonNode rule = e.at("/ja3sensor/enrichments/0");
      assertEquals("Tofsee", CliRun.text(e, "rule.name"), e.toString());
      assertEquals("abuse.ch-sslbl", CliRun.text(e, "rule.ruleset"));
      assertEquals(60, rule.at("/score").asInt(), rule.toString()); // SSLBL's, not demoted
      // no library default collides, nothing corroborates, and the event says how to suppress it
      assertTrue(rule.at("/collision").isMissingNode() || rule.at("/collision").isNull(),
          rule.toString());
      assertFalse(rule.at("/corroborated").asBoolean(), rule.toString());
      assertNotNull(rule.at("/suppress_with").textValue(), rule.toString());
    }
    Map<String, String> expected = new TreeMap<>();
    TOFSEE.keySet().forEach(ja3 -> expected.put(ja3, "sslbl:" + ja3));
    assertEquals(expected, alertJa3ToRule,
        "alerts on the corpus (" + events.size() + " handshakes), JA3 to rule");
  }
}
