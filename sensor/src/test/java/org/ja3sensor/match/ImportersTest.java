package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.CsvReader;
import org.ja3sensor.db.DatabaseLoader;
import org.ja3sensor.db.DbFormat;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.db.importer.ImportException;
import org.ja3sensor.db.importer.ImportFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importers on the upstream files of ../shared/fingerprints-sources. Expected counts and values
 * come from that directory's README and its derived tables (computed independently of this code).
 */
class ImportersTest {
  @TempDir Path tmp;

  private static List<Entry> read(ImportFormat f, List<String> only, Path... inputs)
      throws Exception {
    List<String> warnings = new ArrayList<>();
    List<Entry> out = f.read(List.of(inputs), only, warnings);
    assertEquals(List.of(), warnings);
    return out;
  }

  /** Rows of a CSV file with a header, as maps. */
  static List<Map<String, String>> csv(Path p) throws Exception {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(p)) {
      CsvReader c = new CsvReader(r, false);
      List<String> header = c.next().fields();
      CsvReader.Row row;
      while ((row = c.next()) != null) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
          m.put(header.get(i), row.fields().get(i));
        }
        rows.add(m);
      }
    }
    return rows;
  }

  @Test
  void sslblFamiliesAsTheReadmeCountsThem() throws Exception {
    List<Entry> es =
        read(ImportFormat.SSLBL, List.of(), Sources.dir().resolve("abuse.ch-sslbl/ja3_fingerprints.csv"));
    assertEquals(97, es.size());
    Map<String, Integer> families = new TreeMap<>();
    for (Entry e : es) {
      families.merge(e.label(), 1, Integer::sum);
      assertEquals(Disposition.ALERT, e.disposition());
      assertEquals("CC0-1.0", e.licence());
      assertTrue(e.lastSeen().compareTo("2021-08-12") < 0, e.lastSeen());
    }
    // README: Tofsee 45, Adware 24, TrickBot 9, Dridex 4, Quakbot 2, Gozi 2, Adwind 2, one each ...
    assertEquals(45, families.get("Tofsee"));
    assertEquals(24, families.get("Adware"));
    assertEquals(9, families.get("TrickBot"));
    assertEquals(4, families.get("Dridex"));
    assertEquals(2, families.get("Quakbot"));
    assertEquals(2, families.get("Gozi"));
    assertEquals(2, families.get("Adwind"));
    // (the README's "Troldesh" is the file's "Ransomware.Troldesh")
    for (String one : List.of("AsyncRAT", "BitRAT", "JBifrost", "Gootkit", "CoinMiner",
        "TorrentLocker", "Ransomware.Troldesh", "Ransomware", "None")) {
      assertEquals(1, families.get(one), one);
    }
    assertEquals(16, families.size());
    assertEquals(24, es.stream().filter(e -> e.category() == Category.ADWARE).count());
  }

  @Test
  void sslblTruncatedDownloadIsRefused() throws Exception {
    List<String> lines =
        Files.readAllLines(Sources.dir().resolve("abuse.ch-sslbl/ja3_fingerprints.csv"));
    Path cut = tmp.resolve("cut.csv");
    Files.write(cut, lines.subList(0, 40));
    ImportException e = assertThrows(ImportException.class,
        () -> ImportFormat.SSLBL.read(List.of(cut), List.of(), new ArrayList<>()));
    assertTrue(e.getMessage().contains("cut.csv") && e.getMessage().contains("END"), e.getMessage());
  }

  @Test
  void salesforceSkipsTheCopyrightRecord() throws Exception {
    List<Entry> es =
        read(ImportFormat.SALESFORCE, List.of(), Sources.dir().resolve("salesforce-ja3/osx-nix-ja3.csv"));
    assertEquals(157, es.size());
    // README: 51 rows name several apps (the 15 "Used by many ..." rows among them)
    assertEquals(51, es.stream().filter(e -> e.category() == Category.LIBRARY).count());
    assertTrue(es.stream().allMatch(e -> e.disposition() == Disposition.INFO));
    assertEquals("AcroCEF", es.get(0).label());
    assertEquals(List.of("61d50e7771aee7f2f4b89a7200b4d45e"), es.get(0).values());
  }

  @Test
  void etRulesWithPairsFromFlowbits() throws Exception {
    List<Entry> es =
        read(ImportFormat.ET_RULES, List.of(), Sources.dir().resolve("emerging-threats-open/emerging-ja3.rules"));
    // README: 114 rules (107 enabled, 7 commented out): 106 JA3 and 8 JA3S rules; 8 pairs
    List<Entry> ja3 = es.stream().filter(e -> e.type() == EntryType.JA3).toList();
    List<Entry> pairs =
        es.stream().filter(e -> e.type().isPair() && e.disposition() != Disposition.ALLOW).toList();
    assertEquals(106, ja3.size());
    assertEquals(8, pairs.size());
    long disabledRules =
        es.stream()
            .filter(e -> e.disposition() == Disposition.DISABLED && !e.id().contains("sni-"))
            .count();
    assertEquals(7, disabledRules);
    assertEquals(
        1, es.stream().filter(e -> e.confidence() == 70).count(), "only Remcos is confidence High");
    assertTrue(es.stream().filter(e -> e.confidence() == 70).findFirst().get().label()
        .contains("Remcos"));

    // The pairs as the derived C2 reference table (built by hand from the same rules) gives them.
    Map<String, Set<String>> expected = new TreeMap<>();
    for (Map<String, String> r :
        csv(Sources.dir().resolve("derived/c2-ja3-ja3s-reference.csv"))) {
      if (r.get("evidence").contains("emerging-ja3.rules") && r.get("role").equals("pair")) {
        expected.put(r.get("ja3"), new TreeSet<>(List.of(r.get("ja3s").split("\\|"))));
      }
    }
    Map<String, Set<String>> got = new TreeMap<>();
    for (Entry p : pairs) {
      for (String v : p.values()) {
        got.computeIfAbsent(v, k -> new TreeSet<>()).addAll(p.pairValues());
      }
    }
    assertEquals(expected, got);
    Entry poshc2 =
        pairs.stream().filter(p -> p.values().contains("c12f54a3f91dc7bafd92cb59fe009a35")).findFirst().get();
    assertEquals(Disposition.DISABLED, poshc2.disposition(), "ET commented both PoshC2 rules out");

    // The set-only JA3 rules do not alert on their own
    Entry cs = ja3.stream().filter(e -> e.id().equals("et:2028831")).findFirst().get();
    assertEquals(Disposition.INFO, cs.disposition());

    // ET's SNI exclusions on the Rclone client rule are the scope of its pairs
    List<Entry> rclone = pairs.stream().filter(e -> e.label().contains("Rclone")).toList();
    assertEquals(2, rclone.size());
    assertEquals("[!*grafana.com*, !*grafana.org*, !*grafana.net*,"
        + " !*-autoscaling.googleapis.com*]", rclone.get(0).scopeSni().toString());
    // Every rule keeps its direction: the client in $HOME_NET, the server outside
    assertTrue(es.stream().allMatch(e -> e.scopeText().contains("client $HOME_NET")
        && e.scopeText().contains("server $EXTERNAL_NET")), "direction kept on every entry");
    assertTrue(es.stream().noneMatch(e -> e.disposition() == Disposition.ALLOW));
  }

  @Test
  void etRuleNeedingAFlowbitNobodySetsIsListedNotImported() throws Exception {
    Path f = tmp.resolve("x.rules");
    Files.writeString(f, "alert tls any any -> any any (msg:\"X\"; flowbits:isset,nobody;"
        + " ja3s.hash; content:\"" + MatcherTest.B + "\"; sid:1; rev:1;)\n");
    List<String> skipped = new ArrayList<>();
    List<Entry> es = ImportFormat.ET_RULES.read(List.of(f), List.of(), new ArrayList<>(), skipped);
    assertTrue(es.isEmpty());
    assertEquals(1, skipped.size(), skipped.toString());
    assertTrue(skipped.get(0).contains("x.rules:1") && skipped.get(0).contains("nobody"),
        skipped.get(0));
  }

  @Test
  void curlImpersonateJa3Ja3nAndJa4AsTheDerivedTableHasThem() throws Exception {
    Path ci = Sources.dir().resolve("curl-impersonate");
    List<Entry> es =
        read(ImportFormat.CURL_IMPERSONATE, List.of(), ci.resolve("lexiforest-ff5d2b1c"),
            ci.resolve("lexiforest-b7a40369"));
    Set<String> ja4 = new HashSet<>();
    Set<String> ja3 = new HashSet<>();
    Set<String> ja3n = new HashSet<>();
    for (Map<String, String> r :
        csv(Sources.dir().resolve("derived/browser-ja3-ja4-from-curl-impersonate.csv"))) {
      ja4.add(r.get("ja4"));
      ja3n.add(r.get("ja3n"));
      if (r.get("extension_order_randomized").equals("false")) {
        ja3.add(r.get("ja3"));
      }
    }
    assertEquals(18, ja4.size(), "README: 18 distinct JA4");
    Set<String> gotJa4 = new HashSet<>();
    Set<String> gotJa3 = new HashSet<>();
    Set<String> gotJa3n = new HashSet<>();
    for (Entry e : es) {
      (e.type() == EntryType.JA4 ? gotJa4 : e.type() == EntryType.JA3N ? gotJa3n : gotJa3)
          .addAll(e.values());
      assertEquals(Category.BROWSER, e.category());
      assertEquals("MIT", e.licence());
    }
    assertEquals(ja4, gotJa4);
    assertEquals(ja3, gotJa3);
    assertEquals(ja3n, gotJa3n); // every build, the permuting ones too
    assertTrue(gotJa3n.contains("8e19337e7524d2573be54efb2b0784c9"), "Chrome 133+ (browserleaks)");
    // a value FoxIO publishes for Chrome (sources README) labels the Chrome builds
    Entry chrome =
        es.stream().filter(e -> e.values().contains("t13d1516h2_8daaf6152771_02713d6af862")).findFirst().get();
    assertTrue(chrome.label().contains("chrome 131"), chrome.label());
  }

  @Test
  void curlImpersonateUnknownExtensionIsRefused() throws Exception {
    Path y = tmp.resolve("odd.yaml");
    Files.writeString(y, "browser: {name: x, os: y, version: '1'}\nsignature:\n  tls_client_hello:\n"
        + "    ciphersuites: [4865]\n    handshake_version: TLS_VERSION_1_2\n"
        + "    extensions:\n    - type: quantum_teleport\n");
    ImportException e = assertThrows(ImportException.class,
        () -> ImportFormat.CURL_IMPERSONATE.read(List.of(y), List.of(), new ArrayList<>()));
    assertTrue(e.getMessage().contains("odd.yaml") && e.getMessage().contains("quantum_teleport"),
        e.getMessage());
  }

  @Test
  void normalizedC2ReferencePairs() throws Exception {
    List<Entry> es =
        read(ImportFormat.NORMALIZED, List.of("derived-c2-reference"),
            Sources.dir().resolve("derived/indicators-normalized.csv"));
    assertEquals(16, es.size(), "README: 16 hand-curated rows");
    Map<String, Entry> byRef = new HashMap<>();
    for (Entry e : es) {
      byRef.put(e.reference(), e);
    }
    for (Map<String, String> r : csv(Sources.dir().resolve("derived/c2-ja3-ja3s-reference.csv"))) {
      Entry e = byRef.get(r.get("id"));
      assertEquals(List.of(r.get("ja3").split("\\|")), e.values(), r.get("id"));
      if (r.get("role").equals("pair")) {
        assertEquals(EntryType.JA3_JA3S, e.type(), r.get("id"));
        assertEquals(List.of(r.get("ja3s").split("\\|")), e.pairValues(), r.get("id"));
      }
    }
    assertEquals(75, byRef.get("trickbot").confidence(), "pair: medium");
    assertEquals(Disposition.INFO, byRef.get("poshc2").disposition(), "context only");
    assertEquals(Disposition.INFO, byRef.get("go-default-sliver").disposition());
    assertEquals("derived-c2-reference:emotet", byRef.get("emotet").id());
  }

  @Test
  void normalizedMergesRowsWithTheSameKey() throws Exception {
    List<Entry> es =
        read(ImportFormat.NORMALIZED, List.of("netcap-dbs"),
            Sources.dir().resolve("derived/indicators-normalized.csv"));
    // 12 lab rows; Firefox 75 and Chrome 81/Chromium 80 share client JA3s on both server stacks
    assertEquals(8, es.size());
    assertTrue(es.stream().allMatch(e -> e.type().isPair() && e.category() == Category.SERVER));
  }

  @Test
  void importedEntriesLoadBackThroughTheDatabaseFormat() throws Exception {
    List<Entry> es =
        read(ImportFormat.ET_RULES, List.of(), Sources.dir().resolve("emerging-threats-open/emerging-ja3.rules"));
    StringBuilder sb = new StringBuilder(DbFormat.headerLine()).append('\n');
    for (Entry e : es) {
      sb.append(DbFormat.line(e)).append('\n');
    }
    Path db = Files.createDirectory(tmp.resolve("db"));
    Files.writeString(db.resolve("et.csv"), sb);
    Snapshot s = DatabaseLoader.load(List.of(db));
    assertEquals(es.size(), s.entries().size());
    for (int i = 0; i < es.size(); i++) {
      assertEquals(DbFormat.line(es.get(i)), DbFormat.line(s.entries().get(i)));
    }
  }
}
