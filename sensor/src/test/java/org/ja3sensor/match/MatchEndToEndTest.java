package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read} over real captures with a test database that marks one client's JA3 and one
 * JA3+JA3S pair as malicious: exactly the handshakes with them are alerts, with the right rule.
 *
 * <p>Captures: ndpi/firefox.pcap and ndpi/chrome.pcap of the conformance corpus (../shared/corpus,
 * from ntop/nDPI's test set). The fingerprints per flow below are the corpus's expectations
 * (expected.tsv: tshark 4.0.17 and nDPI agree), not our own output:
 *
 * <pre>
 * firefox.pcap  client port 51577          JA3 aa7744226c695c0b2e440419848cf700  JA3S 15af977ce25de452b96affa2addb1036
 * firefox.pcap  ports 51583 51588 51599 51600 51601  JA3 df208241e7f3897d4ca38cfe68eabb21  JA3S 2253c82f03b621c5144709b393fde2c9
 * chrome.pcap   ports 64393 64410 64411    JA3 aa50c12a5dfa717d9d6ab34e97de79d5  JA3S 15af977ce25de452b96affa2addb1036
 * chrome.pcap   ports 64394 64408 64409    JA3 1b73862eae8f1711440a446b1ef357fd  JA3S 2253c82f03b621c5144709b393fde2c9
 * </pre>
 */
class MatchEndToEndTest {
  static final String FIREFOX_NEW = "df208241e7f3897d4ca38cfe68eabb21";
  static final String CHROME_A = "aa50c12a5dfa717d9d6ab34e97de79d5";
  static final String CHROME_B = "1b73862eae8f1711440a446b1ef357fd";
  static final String SERVER_1 = "15af977ce25de452b96affa2addb1036";

  @TempDir Path db;
  Path firefox;
  Path chrome;

  @BeforeEach
  void captures() throws Exception {
    Path corpus =
        Sources.repoRoot().resolve("../shared/corpus/ndpi").normalize();
    firefox = corpus.resolve("firefox.pcap");
    chrome = corpus.resolve("chrome.pcap");
    assumeTrue(Files.isRegularFile(firefox) && Files.isRegularFile(chrome),
        "conformance corpus not found at " + corpus + ": skipped");
    Files.writeString(db.resolve("test.csv"),
        "id,type,value,pair_value,label,category,disposition,confidence,source\n"
            // one client's JA3
            + "t:firefox,ja3," + FIREFOX_NEW + ",,Test client family,malware,alert,60,test\n"
            // one JA3+JA3S pair; its JA3S is also used by another client (firefox 51577)
            + "t:pair,ja3+ja3s," + CHROME_A + "," + SERVER_1 + ",Test C2 pair,c2,alert,75,test\n"
            // a decoy pair: both hashes occur in the captures, never together
            + "t:decoy,ja3+ja3s," + CHROME_B + "," + SERVER_1 + ",Decoy pair,c2,alert,75,test\n"
            // context that must enrich without alerting
            + "t:ctx,sni,*.cnr.it,,Research network,unknown,info,50,test\n");
  }

  /** source.port → rule.id, or "-" for events that are not alerts. */
  private static Map<Integer, String> alerts(CliRun r) {
    Map<Integer, String> m = new TreeMap<>();
    for (JsonNode e : r.events()) {
      String kind = CliRun.text(e, "event.kind");
      String rule = CliRun.text(e, "rule.id");
      m.put(e.at("/source/port").asInt(), kind.equals("alert") ? rule : "-");
      assertEquals(kind.equals("alert"), rule != null, e.toString());
    }
    return m;
  }

  @Test
  void exactlyTheMarkedHandshakesAlert() {
    CliRun r = CliRun.run("read", "-q", "--db", db.toString(), firefox.toString(), chrome.toString());
    assertEquals(0, r.exitCode, r.toString());
    Map<Integer, String> expected = new TreeMap<>();
    expected.put(51577, "-");
    for (int p : new int[] {51583, 51588, 51599, 51600, 51601}) {
      expected.put(p, "t:firefox");
    }
    for (int p : new int[] {64393, 64410, 64411}) {
      expected.put(p, "t:pair");
    }
    for (int p : new int[] {64394, 64408, 64409}) {
      expected.put(p, "-");
    }
    assertEquals(expected, alerts(r));

    String version = null;
    for (JsonNode e : r.events()) {
      assertEquals("Research network",
          e.at("/threat/enrichments").get(e.at("/threat/enrichments").size() - 1)
              .at("/indicator/description").asText(), "every flow goes to www.iit.cnr.it");
      if (CliRun.text(e, "event.kind").equals("alert")) {
        version = version == null ? CliRun.text(e, "rule.version") : version;
        assertEquals(version, CliRun.text(e, "rule.version"), "one database version per run");
        assertEquals(2, e.at("/threat/enrichments").size());
        if (CliRun.text(e, "rule.id").equals("t:pair")) {
          assertEquals(73, e.at("/event/severity").asInt());
          assertEquals(CHROME_A + "+" + SERVER_1,
              e.at("/threat/enrichments/0/matched/atomic").asText());
        } else {
          assertEquals(47, e.at("/event/severity").asInt());
        }
      }
    }
    assertTrue(version.matches("[0-9a-f]{12}"), version);
  }

  @Test
  void aScopedAllowInAnExtraDirectorySuppressesTheSingleAlertButNotThePair() throws Exception {
    Path extra = Files.createDirectory(db.resolveSibling(db.getFileName() + "-extra"));
    Files.writeString(extra.resolve("allow.csv"),
        "id,type,value,label,category,disposition,scope_sni\n"
            + "local:ff,ja3," + FIREFOX_NEW + ",Our Firefox build,browser,allow,www.iit.cnr.it\n"
            + "local:chrome,ja3," + CHROME_A + ",Our Chrome build,browser,allow,www.iit.cnr.it\n");
    CliRun r = CliRun.run("read", "-q", "--db", db.toString(), "--db-extra", extra.toString(),
        firefox.toString(), chrome.toString());
    assertEquals(0, r.exitCode, r.toString());
    Map<Integer, String> got = alerts(r);
    assertEquals(List.of("t:pair", "t:pair", "t:pair"),
        got.values().stream().filter(v -> !v.equals("-")).toList());
    for (JsonNode e : r.events()) {
      if (e.at("/source/port").asInt() == 51583) {
        JsonNode en = e.at("/threat/enrichments");
        assertEquals(3, en.size(), "the suppressed alert stays in the enrichment");
        boolean suppressed = false;
        for (JsonNode x : e.at("/ja3sensor/enrichments")) {
          suppressed |= x.at("/suppressed_by").asText().equals("local:ff");
        }
        assertTrue(suppressed, e.toString());
      }
    }
  }

  @Test
  void noDbMeansNoAlerts() {
    CliRun r = CliRun.run("read", "-q", "--no-db", firefox.toString(), chrome.toString());
    assertEquals(0, r.exitCode, r.toString());
    assertEquals(12, r.events().size());
    for (JsonNode e : r.events()) {
      assertEquals("event", CliRun.text(e, "event.kind"));
      assertTrue(e.at("/threat").isMissingNode());
    }
  }

  @Test
  void aBrokenDatabaseStopsReadWithFileAndLine() throws Exception {
    Files.writeString(db.resolve("zz-broken.csv"), "id,type,value,label,disposition\nx,ja3,1,L,info\n");
    CliRun r = CliRun.run("read", "-q", "--db", db.toString(), firefox.toString());
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.err.contains("zz-broken.csv:2"), r.err);
    assertEquals("", r.out);
  }
}
