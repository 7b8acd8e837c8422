package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ja3sensor.match.Events.alert;
import static org.ja3sensor.match.Events.allow;
import static org.ja3sensor.match.Events.event;
import static org.ja3sensor.match.Events.find;
import static org.ja3sensor.match.Events.info;
import static org.ja3sensor.match.Events.matcher;

import java.time.Instant;
import java.util.List;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.PolicyFlag;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.event.TlsEvent;
import org.junit.jupiter.api.Test;

class MatcherTest {
  static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static final String A2 = "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2";
  static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  static final String B2 = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
  static final String C = "cccccccccccccccccccccccccccccccc";
  static final String D = "dddddddddddddddddddddddddddddddd";

  @Test
  void singleJa3AlertCarriesRuleScoreSeverityAndVersion() {
    Matcher m = matcher(alert("bad", EntryType.JA3, A, 60).build());
    TlsEvent e = event(A, B, "example.com");
    MatchResult eM = m.match(e);
    assertTrue(eM.alert);
    assertEquals(1, eM.enrichments.size());
    assertEquals("bad", eM.verdict.rule().entry().id());
    assertEquals(60, eM.verdict.riskScore());
    assertEquals(47, eM.verdict.severity());
    assertEquals("testversion1", eM.verdict.databaseVersion());
    assertEquals(A, eM.enrichments.get(0).atomic());
  }

  @Test
  void noMatchLeavesTheEventPlain() {
    Matcher m = matcher(alert("bad", EntryType.JA3, A, 60).build());
    TlsEvent e = event(C, B, "example.com");
    MatchResult eM = m.match(e);
    assertFalse(eM.alert);
    assertTrue(eM.enrichments.isEmpty());
    assertNull(eM.verdict);
    assertEquals(0, eM.policyFlags);
  }

  @Test
  void pairMatchesOnlyBothOnTheSameFlow() {
    Matcher m = matcher(alert("pair", EntryType.JA3_JA3S, A, 75).pair(B).build());
    TlsEvent both = event(A, B, null);
    MatchResult bothM = m.match(both);
    assertTrue(bothM.alert);
    assertEquals(A + "+" + B, bothM.enrichments.get(0).atomic());

    for (TlsEvent e : List.of(event(A, C, null), event(D, B, null), event(A, null, null),
        event(null, B, null))) {
      MatchResult eM = m.match(e);
      assertFalse(eM.alert, e.ja3Hash + "/" + e.ja3sHash);
      assertTrue(eM.enrichments.isEmpty());
    }
  }

  @Test
  void pairAlternativesMatchEveryCombination() {
    Matcher m = matcher(alert("pair", EntryType.JA3_JA3S, A, 75).value(A2).pair(B, B2).build());
    for (String ja3 : List.of(A, A2)) {
      for (String ja3s : List.of(B, B2)) {
        TlsEvent e = event(ja3, ja3s, null);
        MatchResult eM = m.match(e);
        assertTrue(eM.alert, ja3 + "+" + ja3s);
      }
    }
  }

  @Test
  void pairOutranksSingleJa3EvenWithLowerScore() {
    Matcher m =
        matcher(
            alert("single", EntryType.JA3, A, 90).build(),
            alert("pair", EntryType.JA3_JA3S, A, 70).pair(B).build());
    TlsEvent e = event(A, B, null);
    MatchResult eM = m.match(e);
    assertEquals("pair", eM.verdict.rule().entry().id());
    assertEquals(2, eM.enrichments.size());
    assertEquals("pair", eM.enrichments.get(0).entry().id(), "the rule is listed first");
    assertTrue(find(eM, "single").alerting());
  }

  @Test
  void sniExactAndWildcard() {
    Matcher m =
        matcher(
            alert("exact", EntryType.SNI, "github.com", 50).build(),
            alert("wild", EntryType.SNI, "*.github.com", 50).build());
    assertMatches(m, "github.com", "exact");
    assertMatches(m, "GitHub.COM.", "exact");
    assertMatches(m, "api.github.com", "wild");
    assertMatches(m, "a.b.github.com", "wild");
    assertMatches(m, "evilgithub.com");
    assertMatches(m, "github.com.evil.net");
    assertMatches(m, null);
  }

  private static void assertMatches(Matcher m, String sni, String... ids) {
    TlsEvent e = event(C, null, sni);
    MatchResult eM = m.match(e);
    List<String> got = eM.enrichments.stream().map(x -> x.entry().id()).sorted().toList();
    assertEquals(List.of(ids), got, "server name " + sni);
  }

  @Test
  void allowScopedToServerNameSuppressesOnlyThere() {
    Matcher m =
        matcher(
            alert("et-scanner", EntryType.JA3, A, 40).category(Category.TOOL).build(),
            allow("acronis", EntryType.JA3, A).scopeSni("*.acronis.com").build());
    TlsEvent there = event(A, B, "backup.acronis.com");
    MatchResult thereM = m.match(there);
    assertFalse(thereM.alert);
    assertEquals(2, thereM.enrichments.size(), "the allow suppresses the alert, not the enrichment");
    assertEquals("acronis", find(thereM, "et-scanner").suppressedBy());
    assertFalse(find(thereM, "et-scanner").alerting());

    TlsEvent elsewhere = event(A, B, "example.org");
    MatchResult elsewhereM = m.match(elsewhere);
    assertTrue(elsewhereM.alert);
    assertEquals(1, elsewhereM.enrichments.size(), "out-of-scope allow entry does not match");

    TlsEvent noSni = event(A, B, null);
    MatchResult noSniM = m.match(noSni);
    assertTrue(noSniM.alert, "a server-name scope needs a server name");
  }

  @Test
  void allowScopedToDestinationAndSourceNetworks() {
    Matcher m =
        matcher(
            alert("bad", EntryType.JA3, A, 60).build(),
            allow("to-lab", EntryType.JA3, A).scopeDestination("198.51.100.0/24").build(),
            allow("from-v6", EntryType.JA3, A).scopeSource("2001:db8::/32").build());
    TlsEvent toLab = event(A, null, null);
    MatchResult toLabM = m.match(toLab);
    assertFalse(toLabM.alert);
    assertEquals("to-lab", find(toLabM, "bad").suppressedBy());

    TlsEvent other = event(A, null, null);
    other.serverIp = "203.0.113.5";
    MatchResult otherM = m.match(other);
    assertTrue(otherM.alert);

    TlsEvent v6 = event(A, null, null);
    v6.serverIp = "2001:db9::1";
    v6.clientIp = "2001:db8:1::7";
    MatchResult v6M = m.match(v6);
    assertFalse(v6M.alert);
    assertEquals("from-v6", find(v6M, "bad").suppressedBy());
  }

  @Test
  void unscopedSingleAllowSuppressesItsOwnTypeOnlyAndNeverAPair() {
    Matcher m =
        matcher(
            alert("ja3-bad", EntryType.JA3, A, 60).build(),
            alert("sni-bad", EntryType.SNI, "evil.example", 60).build(),
            alert("pair-bad", EntryType.JA3_JA3S, A, 75).pair(B).build(),
            allow("library", EntryType.JA3, A).category(Category.LIBRARY).build());
    TlsEvent e = event(A, C, "evil.example");
    MatchResult eM = m.match(e);
    assertEquals("library", find(eM, "ja3-bad").suppressedBy());
    assertNull(find(eM, "sni-bad").suppressedBy());
    assertTrue(eM.alert);
    assertEquals("sni-bad", eM.verdict.rule().entry().id());

    TlsEvent p = event(A, B, null);
    MatchResult pM = m.match(p);
    assertTrue(pM.alert);
    assertEquals("pair-bad", pM.verdict.rule().entry().id());
    assertNull(find(pM, "pair-bad").suppressedBy());
  }

  @Test
  void scopedSingleAllowSuppressesEverySingleAlertButNotAPair() {
    Matcher m =
        matcher(
            alert("ja3-bad", EntryType.JA3, A, 60).build(),
            alert("ja3s-bad", EntryType.JA3S, B, 60).build(),
            alert("pair-bad", EntryType.JA3_JA3S, A, 75).pair(B).build(),
            allow("known", EntryType.JA3, A).scopeSni("update.example.com").build());
    TlsEvent e = event(A, B, "update.example.com");
    MatchResult eM = m.match(e);
    assertEquals("known", find(eM, "ja3-bad").suppressedBy());
    assertEquals("known", find(eM, "ja3s-bad").suppressedBy());
    assertNull(find(eM, "pair-bad").suppressedBy());
    assertEquals("pair-bad", eM.verdict.rule().entry().id());
  }

  @Test
  void pairAllowSuppressesPairAndSingles() {
    Matcher m =
        matcher(
            alert("ja3-bad", EntryType.JA3, A, 60).build(),
            alert("pair-bad", EntryType.JA3_JA3S, A, 75).pair(B).build(),
            allow("pair-ok", EntryType.JA3_JA3S, A).pair(B).build());
    TlsEvent e = event(A, B, null);
    MatchResult eM = m.match(e);
    assertFalse(eM.alert);
    assertEquals(3, eM.enrichments.size());
    TlsEvent other = event(A, C, null);
    MatchResult otherM = m.match(other);
    assertTrue(otherM.alert, "the pair allow does not cover another server");
  }

  @Test
  void maliciousVersusBenignConflictLowersTheScoreAndShowsBoth() {
    Matcher m =
        matcher(
            alert("sslbl", EntryType.JA3, A, 60).category(Category.ADWARE).build(),
            alert("et", EntryType.JA3, A, 40).category(Category.ADWARE).build(),
            info("salesforce", EntryType.JA3, A, Category.APPLICATION).label("Google Chrome").build());
    TlsEvent e = event(A, null, null);
    MatchResult eM = m.match(e);
    assertEquals(3, eM.enrichments.size());
    Enrichment sslbl = find(eM, "sslbl");
    Enrichment et = find(eM, "et");
    assertEquals(Enrichment.MALICIOUS_VS_BENIGN, sslbl.conflict());
    assertEquals(60 - Matcher.CONFLICT_PENALTY, sslbl.score());
    assertEquals(40 - Matcher.CONFLICT_PENALTY, et.score());
    assertTrue(sslbl.alerting());
    assertFalse(et.alerting(), "below the minimum alert score after the conflict");
    assertTrue(eM.alert);
    assertEquals("sslbl", eM.verdict.rule().entry().id());
    assertEquals(30, eM.verdict.riskScore());
    assertEquals(21, eM.verdict.severity());
    assertNull(find(eM, "salesforce").conflict());
  }

  @Test
  void conflictOnlyOnTheSameField() {
    Matcher m =
        matcher(
            alert("bad-client", EntryType.JA3, A, 60).build(),
            info("generic-server", EntryType.JA3S, B, Category.SERVER).build());
    TlsEvent e = event(A, B, null);
    MatchResult eM = m.match(e);
    assertNull(find(eM, "bad-client").conflict());
    assertEquals(60, eM.verdict.riskScore());
  }

  @Test
  void staleEntriesWeighLessAtTheEventsTime() {
    Matcher m = matcher(alert("old", EntryType.JA3, A, 60).lastSeen("2019-01-01").build());
    TlsEvent recent = event(A, null, null); // 2024-06-01: 5 full years later
    MatchResult recentM = m.match(recent);
    assertEquals(Matcher.MAX_STALE_PENALTY, find(recentM, "old").stalePenalty());
    assertEquals(40, recentM.verdict.riskScore());

    TlsEvent twoYears = event(A, null, null);
    twoYears.timestampNanos = Instant.parse("2021-02-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    MatchResult twoYearsM = m.match(twoYears);
    assertEquals(5, find(twoYearsM, "old").stalePenalty());

    TlsEvent then = event(A, null, null);
    then.timestampNanos = Instant.parse("2019-06-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    MatchResult thenM = m.match(then);
    assertEquals(0, find(thenM, "old").stalePenalty());
    assertEquals(60, thenM.verdict.riskScore());
  }

  @Test
  void minimumAlertScore() {
    Entry weak = alert("weak", EntryType.JA3, A, 15).build();
    TlsEvent e = event(A, null, null);
    MatchResult eM = new Matcher(DatabaseHolder.of(EntryBuilder.snapshot("v", List.of(weak)))).match(e);
    assertFalse(eM.alert);
    assertEquals(1, eM.enrichments.size());
    eM = new Matcher(DatabaseHolder.of(EntryBuilder.snapshot("v", List.of(weak))), 10, false).match(e);
    assertTrue(eM.alert);
  }

  @Test
  void disabledEntriesNeverMatchButCanBeLookedUp() {
    Entry off = alert("off", EntryType.JA3, A, 90).disposition(Disposition.DISABLED).build();
    Snapshot s = EntryBuilder.snapshot("v", List.of(off));
    TlsEvent e = event(A, null, null);
    MatchResult eM = new Matcher(DatabaseHolder.of(s)).match(e);
    assertTrue(eM.enrichments.isEmpty());
    assertEquals(List.of(off), s.find(A.toUpperCase()));
  }

  @Test
  void policyFlagsAreAlwaysComputedAndAlertOnlyThroughEntries() {
    TlsEvent e = event(C, B, "legacy.example");
    e.clientHello = Events.hello(0x0301, new int[] {0x0005, 0x0035}, new int[0], "legacy.example");
    e.serverHello = new org.ja3sensor.tls.ServerHello(0x0301, 0x0005, 0, new int[0], 0, null, false);
    Matcher none = matcher();
    MatchResult eM = none.match(e);
    int expected =
        PolicyFlag.CLIENT_OFFERS_ONLY_TLS11_OR_LOWER.bit()
            | PolicyFlag.CLIENT_OFFERS_RC4_CIPHER.bit()
            | PolicyFlag.SERVER_SELECTED_TLS11_OR_LOWER.bit()
            | PolicyFlag.SERVER_SELECTED_RC4_CIPHER.bit();
    assertEquals(expected, eM.policyFlags);
    assertFalse(eM.alert);

    Matcher m =
        matcher(
            alert("rc4", EntryType.POLICY, "server_selected_rc4_cipher", 100)
                .category(Category.POLICY)
                .build(),
            allow("legacy-box", EntryType.POLICY, "server_selected_rc4_cipher")
                .scopeDestination("10.9.9.9")
                .build());
    eM = m.match(e);
    assertTrue(eM.alert);
    assertEquals("rc4", eM.verdict.rule().entry().id());
    assertEquals("server_selected_rc4_cipher", eM.verdict.rule().atomic());
    assertEquals(47, eM.verdict.severity(), "policy alerts are at most medium");

    e.serverIp = "10.9.9.9";
    eM = m.match(e);
    assertFalse(eM.alert, "allowed for that server");
    assertNotNull(find(eM, "legacy-box"));
  }

  @Test
  void eachMatchIsComputedAfresh() {
    Matcher m = matcher(alert("bad", EntryType.JA3, A, 60).build());
    TlsEvent e = event(A, null, null);
    MatchResult eM = m.match(e);
    e.ja3Hash = C;
    eM = m.match(e);
    assertFalse(eM.alert);
    assertTrue(eM.enrichments.isEmpty());
    assertNull(eM.verdict);
  }
}
