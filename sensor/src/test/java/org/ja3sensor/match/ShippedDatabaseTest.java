package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.cli.CliRun;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.DatabaseLoader;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.ShippedDatabase;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.event.TlsEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database shipped in fingerprints/: it loads, it is what the importers produce, it behaves
 * as the sources README says a sensor should. */
class ShippedDatabaseTest {
  static Snapshot shipped;

  @BeforeAll
  static void load() throws Exception {
    shipped = DatabaseLoader.load(List.of(ShippedDatabase.locate()));
  }

  @Test
  void loadsWithoutWarningsAndCarriesItsLicences() throws Exception {
    assertEquals(List.of(), shipped.warnings());
    assertEquals(10, shipped.files().size());
    assertTrue(shipped.entries().size() > 400, "" + shipped.entries().size());
    Path dir = ShippedDatabase.locate();
    for (String f : List.of("README.md", "licenses/README.md", "licenses/abuse.ch-sslbl.txt",
        "licenses/salesforce-ja3-LICENSE.txt", "licenses/emerging-threats-open-LICENSE.txt",
        "licenses/curl-impersonate-ff5d2b1c-LICENSE", "licenses/curl-impersonate-b7a40369-LICENSE")) {
      assertTrue(Files.size(dir.resolve(f)) > 100, f);
    }
    for (Entry e : shipped.entries()) {
      assertFalse(e.source().isEmpty(), e.id());
      if (!e.source().startsWith("ja3sensor")) {
        assertFalse(e.licence().isEmpty(), e.id() + " has no licence");
      }
    }
  }

  /** Each imported file equals a fresh import of the upstream copy (the database is reproducible). */
  @Test
  void importedFilesAreReproducible(@TempDir Path tmp) throws Exception {
    Path src = Sources.dir();
    Path repo = Sources.repoRoot().resolve("fingerprints");
    String[][] imports = {
      {"10-abuse.ch-sslbl.csv", "sslbl", null, "abuse.ch-sslbl/ja3_fingerprints.csv"},
      {"15-abuse.ch-sslbl-certificates.csv", "sslbl-certs", null,
        "abuse.ch-sslbl/sslblacklist-excerpt.csv"},
      {"20-et-open.csv", "et-rules", null, "emerging-threats-open/emerging-ja3.rules"},
      {"30-salesforce-ja3.csv", "salesforce", null, "salesforce-ja3/osx-nix-ja3.csv"},
      {"40-curl-impersonate.csv", "curl-impersonate", null,
        "curl-impersonate/lexiforest-ff5d2b1c", "curl-impersonate/lexiforest-b7a40369"},
      {"50-derived-c2-reference.csv", "normalized", "derived-c2-reference",
        "derived/indicators-normalized.csv"},
      {"60-netcap-dbs.csv", "normalized", "netcap-dbs", "derived/indicators-normalized.csv"},
    };
    for (String[] imp : imports) {
      Path out = tmp.resolve(imp[0]);
      List<String> args = new ArrayList<>(List.of("db", "import", "--format", imp[1], "-o",
          out.toString()));
      if (imp[2] != null) {
        args.addAll(List.of("--only-source", imp[2]));
      }
      for (int i = 3; i < imp.length; i++) {
        args.add(src.resolve(imp[i]).toString());
      }
      CliRun r = CliRun.run(args.toArray(new String[0]));
      assertEquals(0, r.exitCode, r.toString());
      assertEquals(Files.readString(repo.resolve(imp[0])), Files.readString(out),
          imp[0] + " differs from a fresh import: run scripts/update-fingerprints.sh");
    }
  }

  private static MatchResult match(String ja3, String ja3s) {
    return new Matcher(DatabaseHolder.of(shipped)).match(Events.event(ja3, ja3s, null));
  }

  @Test
  void libraryDefaultWithAMalwareLabelDoesNotAlertAloneButItsPairDoes() {
    // SSLBL "Tofsee" on the common Windows JA3 4d7a28d6 (sources README 4.2)
    MatchResult alone = match("4d7a28d6f2263ed61de88ca66eb011e3", null);
    assertFalse(alone.alert);
    Enrichment tofsee = Events.find(alone, "sslbl:4d7a28d6f2263ed61de88ca66eb011e3");
    assertNotNull(tofsee, "the malware label stays visible");
    assertEquals("library:windows-common-4d7a28d6", tofsee.collisionWith());
    assertTrue(tofsee.demoted() && !tofsee.alerting());
    assertTrue(tofsee.score() <= Matcher.COLLISION_SCORE, "a low score: " + tofsee.score());
    assertNotNull(Events.find(alone, "library:windows-common-4d7a28d6"), "both matches shown");
    // ... but Emotet's JA3+JA3S pair (Salesforce README) alerts
    MatchResult pair = match("4d7a28d6f2263ed61de88ca66eb011e3", "80b3a14bccc8598a1f3bbe83e71f735f");
    assertTrue(pair.alert);
    assertEquals("derived-c2-reference:emotet", pair.verdict.rule().entry().id());
  }

  @Test
  void maliciousVersusBenignLabelsAreBothShownWithALowerScore() {
    // SSLBL "Adware" vs Salesforce "Google Chrome" (label-conflicts.csv)
    MatchResult e = match("bc6c386f480ee97b9d9e52d472b772d8", null);
    Enrichment adware = Events.find(e, "sslbl:bc6c386f480ee97b9d9e52d472b772d8");
    assertEquals(Enrichment.MALICIOUS_VS_BENIGN, adware.conflict());
    assertNotNull(Events.find(e, "salesforce:bc6c386f480ee97b9d9e52d472b772d8"));
    assertTrue(adware.score() < adware.entry().confidence());
  }

  @Test
  void genericTls13Ja3sAloneNeverAlertsButTheCobaltStrikePairDoes() {
    MatchResult server = match(null, "eb1d94daa7e0344597e756a1fb6e7054");
    assertFalse(server.alert);
    assertFalse(server.enrichments.isEmpty());
    MatchResult cs = match("eb88d0b3e1961a0562f006e5ce2a0b87", "eb1d94daa7e0344597e756a1fb6e7054");
    assertTrue(cs.alert);
    assertTrue(cs.verdict.rule().entry().type().isPair());
    assertTrue(cs.verdict.rule().entry().label().contains("Cobalt Strike"));
    MatchResult otherClient = match(MatcherTest.C, "eb1d94daa7e0344597e756a1fb6e7054");
    assertFalse(otherClient.alert);
  }

  @Test
  void browserFingerprintIsContextOnly() {
    MatchResult e = match("cd08e31494f9531f560d64c695473da9", null); // Chrome 98-109 (curl-impersonate)
    assertFalse(e.alert);
    assertEquals(Category.BROWSER, e.enrichments.get(0).entry().category());
    assertNull(e.verdict);
  }
}
