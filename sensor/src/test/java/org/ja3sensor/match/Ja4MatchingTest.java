package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ja3sensor.match.Events.alert;
import static org.ja3sensor.match.Events.allow;
import static org.ja3sensor.match.Events.event;
import static org.ja3sensor.match.Events.info;
import static org.ja3sensor.match.Events.matcher;

import java.util.List;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DbFormat;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.Ja4Pattern;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.event.TlsEvent;
import org.junit.jupiter.api.Test;

/**
 * JA4 and JA3N entries: exact JA4, JA4 with {@code *} parts, JA3N, pairs of JA3N/JA4 with JA3S,
 * allow entries, value validation, and what {@code db check} calls never matching.
 */
class Ja4MatchingTest {
  static final String CHROME = "t13d1516h2_8daaf6152771_e5627efa2ab1";
  static final String CHROME_ECH = "t13d1516h2_8daaf6152771_d8a2da3f94cd";
  static final String FIREFOX = "t13d1717h2_5b57614c22b0_3cbfd9057e0d";
  static final String N1 = "8e19337e7524d2573be54efb2b0784c9";

  static TlsEvent ja4Event(String ja4, String ja3n, String ja3s) {
    TlsEvent e = event(MatcherTest.C, ja3s, null);
    e.ja4 = ja4;
    e.ja3nHash = ja3n;
    return e;
  }

  static List<String> ids(MatchResult e) {
    return e.enrichments.stream().map(x -> x.entry().id()).sorted().toList();
  }

  @Test
  void exactJa4AndJa3nEntriesMatch() {
    Matcher m = matcher(alert("j4", EntryType.JA4, CHROME, 60).build(),
        alert("jn", EntryType.JA3N, N1, 60).build());
    TlsEvent e = ja4Event(CHROME, N1, null);
    MatchResult eR = m.match(e);
    assertEquals(List.of("j4", "jn"), ids(eR));
    assertTrue(eR.alert);
    assertEquals(CHROME, eR.enrichments.stream().filter(x -> x.entry().id().equals("j4"))
        .findFirst().get().atomic());
    TlsEvent other = ja4Event(FIREFOX, MatcherTest.D, null);
    MatchResult otherR = m.match(other);
    assertEquals(List.of(), ids(otherR));
  }

  @Test
  void wildcardPartsMatchAFamily() {
    Matcher m = matcher(
        info("family", EntryType.JA4, "t13d1516h2_8daaf6152771_*", Category.BROWSER).build(),
        info("ciphers", EntryType.JA4, "*_8daaf6152771_*", Category.BROWSER).build(),
        info("exts", EntryType.JA4, "*_*_e5627efa2ab1", Category.BROWSER).build(),
        info("a-and-c", EntryType.JA4, "t13d1516h2_*_e5627efa2ab1", Category.BROWSER).build());
    TlsEvent chrome = ja4Event(CHROME, null, null);
    MatchResult chromeR = m.match(chrome);
    assertEquals(List.of("a-and-c", "ciphers", "exts", "family"), ids(chromeR));
    TlsEvent ech = ja4Event(CHROME_ECH, null, null);
    MatchResult echR = m.match(ech);
    assertEquals(List.of("ciphers", "family"), ids(echR));
    TlsEvent other = ja4Event("t13d1516h1_8daaf6152771_d8a2da3f94cd", null, null);
    MatchResult otherR = m.match(other);
    assertEquals(List.of("ciphers"), ids(otherR));
    TlsEvent firefox = ja4Event(FIREFOX, null, null);
    MatchResult firefoxR = m.match(firefox);
    assertEquals(List.of(), ids(firefoxR));
  }

  @Test
  void onlyTheShapesInUseAreLookedUp() {
    Snapshot s = EntryBuilder.snapshot("v", List.of(
        info("family", EntryType.JA4, "t13d1516h2_8daaf6152771_*", Category.BROWSER).build(),
        info("exact", EntryType.JA4, CHROME, Category.BROWSER).build()));
    assertEquals((1 << 0) | (1 << 4), s.ja4Shapes());
    assertEquals("t13d1516h2_8daaf6152771_*", Ja4Pattern.mask(CHROME, 4));
    assertEquals("*_8daaf6152771_*", Ja4Pattern.mask(CHROME, 5));
    assertEquals("t13d1516h2_*_e5627efa2ab1", Ja4Pattern.mask(CHROME, 2));
  }

  @Test
  void pairsOfJa3nAndJa4WithJa3s() {
    String s1 = MatcherTest.B;
    Matcher m = matcher(alert("p4", EntryType.JA4_JA3S, CHROME, 75).pair(s1).build(),
        alert("pn", EntryType.JA3N_JA3S, N1, 75).pair(s1).build());
    TlsEvent both = ja4Event(CHROME, N1, s1);
    MatchResult bothR = m.match(both);
    assertEquals(List.of("pn", "p4").stream().sorted().toList(), ids(bothR));
    assertEquals(CHROME + "+" + s1, bothR.enrichments.stream()
        .filter(x -> x.entry().id().equals("p4")).findFirst().get().atomic());
    for (TlsEvent e : List.of(ja4Event(CHROME, N1, MatcherTest.D), ja4Event(CHROME, N1, null),
        ja4Event(FIREFOX, MatcherTest.D, s1))) {
      MatchResult eR = m.match(e);
      assertEquals(List.of(), ids(eR));
    }
  }

  @Test
  void ja4AllowSuppressesJa4AlertsAsJa3AllowsDo() {
    Matcher m = matcher(alert("bad", EntryType.JA4, "t13d1516h2_8daaf6152771_*", 60).build(),
        allow("ok", EntryType.JA4, CHROME).build());
    TlsEvent e = ja4Event(CHROME, null, null);
    MatchResult eR = m.match(e);
    assertFalse(eR.alert);
    assertEquals("ok", Events.find(eR, "bad").suppressedBy());
    TlsEvent ech = ja4Event(CHROME_ECH, null, null);
    MatchResult echR = m.match(ech);
    assertTrue(echR.alert, "the allow names one JA4, not the family");
    // An unscoped JA4 allow does not suppress a JA3 alert (its own type only, like JA3).
    Matcher m2 = matcher(alert("ja3bad", EntryType.JA3, MatcherTest.C, 60).build(),
        allow("ok", EntryType.JA4, CHROME).build());
    TlsEvent e2 = ja4Event(CHROME, null, null);
    MatchResult e2R = m2.match(e2);
    assertTrue(e2R.alert);
  }

  @Test
  void valuesAreValidated() {
    assertEquals(CHROME, DbFormat.normalizeValue(EntryType.JA4, " " + CHROME.toUpperCase()
        .replace("T13D1516H2", "t13d1516h2") + " "));
    assertEquals("t13d1516H2_8daaf6152771_*",
        DbFormat.normalizeValue(EntryType.JA4, "t13d1516H2_8daaf6152771_*"));
    assertNull(DbFormat.normalizeValue(EntryType.JA4, "*_*_*"));
    assertNull(DbFormat.normalizeValue(EntryType.JA4, "t13d1516h2_8daaf6152771"));
    assertNull(DbFormat.normalizeValue(EntryType.JA4, "x13d1516h2_8daaf6152771_e5627efa2ab1"));
    assertNull(DbFormat.normalizeValue(EntryType.JA4, "t13d1516h2_8daaf615277_e5627efa2ab1"));
    assertNull(DbFormat.normalizeValue(EntryType.JA4_JA3S, "t13d1516h2_8daaf6152771_*"));
    assertEquals(CHROME, DbFormat.normalizeValue(EntryType.JA4_JA3S, CHROME));
    assertEquals(N1, DbFormat.normalizeValue(EntryType.JA3N, N1.toUpperCase()));
    assertEquals(EntryType.JA4_JA3S, EntryType.parse("ja4+ja3s"));
    assertEquals(EntryType.JA3N_JA3S, EntryType.parse("JA3N+JA3S"));
    assertTrue(EntryType.JA4_JA3S.isPair() && !EntryType.JA4_JA3S.isSingleFingerprint());
    assertEquals(EntryType.JA4, EntryType.JA4_JA3S.clientSide());
  }

  @Test
  void valuesNoHelloCanProduce() {
    assertNull(Ja4Pattern.whyNeverMatches(CHROME));
    assertNull(Ja4Pattern.whyNeverMatches("t12i000000_000000000000_000000000000"));
    assertNull(Ja4Pattern.whyNeverMatches("t13d0102h2_" + "1".repeat(12) + "_000000000000"));
    assertNull(Ja4Pattern.whyNeverMatches("*_8daaf6152771_*"));
    assertTrue(Ja4Pattern.whyNeverMatches("t14d1516h2_8daaf6152771_e5627efa2ab1")
        .startsWith("version \"14\""));
    assertTrue(Ja4Pattern.whyNeverMatches("t13d0016h2_8daaf6152771_e5627efa2ab1")
        .startsWith("no ciphers"));
    assertTrue(Ja4Pattern.whyNeverMatches("t13d1516h2_000000000000_e5627efa2ab1")
        .contains("part b is 000000000000"));
    assertTrue(Ja4Pattern.whyNeverMatches("t13d1501h2_8daaf6152771_e5627efa2ab1")
        .contains("fewer than SNI and ALPN"));
    assertTrue(Ja4Pattern.whyNeverMatches("t13i1500h2_8daaf6152771_*")
        .contains("fewer than SNI and ALPN"));
    assertTrue(Ja4Pattern.whyNeverMatches("t13i150000_8daaf6152771_e5627efa2ab1")
        .startsWith("no extensions"));
  }

  @Test
  void checkListsEntriesThatCanNeverMatch() {
    Snapshot s = EntryBuilder.snapshot("v", List.of(
        info("ok", EntryType.JA4, CHROME, Category.BROWSER).build(),
        info("v14", EntryType.JA4, "t14d1516h2_8daaf6152771_e5627efa2ab1", Category.BROWSER)
            .build(),
        info("s", EntryType.JA4S, "t130200_1301_234ea6891581", Category.SERVER).build()));
    List<DatabaseCheck.Finding> f = DatabaseCheck.neverMatching(s);
    assertEquals(2, f.size(), f.toString());
    assertTrue(f.get(0).toString().contains("v14"), f.toString());
    assertTrue(f.get(1).kind().contains("JA4S"), f.toString());
  }
}
