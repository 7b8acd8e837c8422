package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ja3sensor.match.Events.alert;
import static org.ja3sensor.match.Events.event;
import static org.ja3sensor.match.Events.info;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.HomeNet;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.event.TlsEvent;
import org.junit.jupiter.api.Test;

/**
 * The library-default collision policy: a single-fingerprint alert entry on a ClientHello that a
 * library-category entry also describes does not alert at default settings (both stay in the
 * event, the alert entry with a low score); pairs and narrowly scoped entries still alert; {@code
 * --library-collisions alert} restores the alert. And every alerting enrichment explains itself.
 */
class LibraryCollisionTest {
  static final String A = MatcherTest.A;
  static final String B = MatcherTest.B;
  static final String JA4 = "t13d1516h2_8daaf6152771_02713d6af862";

  private static Matcher matcher(Matcher.LibraryCollisions policy, Entry... entries) {
    return new Matcher(DatabaseHolder.of(EntryBuilder.snapshot("v1", List.of(entries))),
        Matcher.DEFAULT_MIN_ALERT_SCORE, false, HomeNet.defaults(), policy);
  }

  private static Entry library(EntryType type, String value) {
    return info("lib", type, value, Category.LIBRARY).label("OpenSSL 3 s_client").build();
  }

  @Test
  void singleJa3OnALibraryDefaultIsDemoted() {
    Entry rat = alert("rat", EntryType.JA3, A, 60).build();
    MatchResult r = matcher(Matcher.LibraryCollisions.DEMOTE, rat, library(EntryType.JA3, A))
        .match(event(A, null, null));
    assertFalse(r.alert);
    assertNull(r.verdict);
    assertEquals(2, r.enrichments.size(), "both matches stay in the event");
    Enrichment x = Events.find(r, "rat");
    assertEquals("lib", x.collisionWith());
    assertTrue(x.demoted());
    assertEquals(Matcher.COLLISION_SCORE, x.score());
  }

  @Test
  void aLibraryJa4DemotesAJa3AlertOnTheSameClientHello() {
    TlsEvent e = event(A, null, null);
    e.ja4 = JA4;
    MatchResult r = matcher(Matcher.LibraryCollisions.DEMOTE, alert("rat", EntryType.JA3, A, 60)
        .build(), library(EntryType.JA4, JA4)).match(e);
    assertFalse(r.alert);
    assertTrue(Events.find(r, "rat").demoted());
  }

  @Test
  void theKnobLetsItAlert() {
    MatchResult r = matcher(Matcher.LibraryCollisions.ALERT, alert("rat", EntryType.JA3, A, 60)
        .build(), library(EntryType.JA3, A)).match(event(A, null, null));
    assertTrue(r.alert);
    assertEquals(60, r.verdict.riskScore(), "a library label is not a conflicting label");
    assertEquals("lib", r.verdict.rule().collisionWith());
    assertFalse(r.verdict.rule().demoted());
  }

  @Test
  void corroboratedMatchesStillAlert() {
    Entry lib = library(EntryType.JA3, A);
    Matcher m = matcher(Matcher.LibraryCollisions.DEMOTE,
        alert("pair", EntryType.JA3_JA3S, A, 75).pair(B).build(),
        alert("imaps", EntryType.JA3, A, 40).scopeDestinationPort("465|993").build(),
        alert("named", EntryType.JA3, A, 60).scopeSni("*.c2.example").build(),
        alert("outbound", EntryType.JA3, A, 60).scopeSource("$HOME_NET")
            .scopeDestination("$EXTERNAL_NET").build(), lib);
    MatchResult pair = m.match(event(A, B, null));
    assertTrue(pair.alert);
    assertEquals("pair", pair.verdict.rule().entry().id());

    TlsEvent imaps = event(A, null, null);
    imaps.serverPort = 993;
    MatchResult p = m.match(imaps);
    assertTrue(p.alert);
    assertEquals("imaps", p.verdict.rule().entry().id());
    assertTrue(p.verdict.rule().corroborated());

    MatchResult n = m.match(event(A, null, "a.c2.example"));
    assertTrue(n.alert);
    assertEquals("named", n.verdict.rule().entry().id());

    TlsEvent out = event(A, null, null);
    out.clientIp = "192.168.1.20";
    MatchResult o = m.match(out);
    assertFalse(o.alert, "a direction alone does not corroborate: every client goes out");
    assertTrue(Events.find(o, "outbound").demoted());
  }

  @Test
  void anAlertExplainsItself() throws Exception {
    Matcher m = matcher(Matcher.LibraryCollisions.DEMOTE,
        alert("imaps", EntryType.JA3, A, 40).label("Mail C2").source("et-open")
            .scopeSource("$HOME_NET").scopeDestination("$EXTERNAL_NET")
            .scopeDestinationPort("465|993").build(),
        library(EntryType.JA3, A));
    TlsEvent e = event(A, null, null);
    e.clientIp = "10.0.0.5";
    e.serverPort = 465;
    MatchResult r = m.match(e);
    JsonNode j = new ObjectMapper().readTree(new EventJson().toJson(e, r));
    JsonNode ecs = j.at("/threat/enrichments/0");
    assertEquals("imaps", ecs.at("/matched/id").asText());
    assertEquals("et-open", ecs.at("/indicator/provider").asText());
    JsonNode rule = j.at("/ja3sensor/enrichments/0");
    assertEquals("imaps", rule.at("/id").asText());
    assertEquals(40, rule.at("/confidence").asInt());
    assertEquals("client $HOME_NET; server $EXTERNAL_NET; server port 465|993",
        rule.at("/scope").asText());
    assertTrue(rule.at("/corroborated").asBoolean());
    assertEquals("library-default", rule.at("/collision").asText());
    assertEquals("lib", rule.at("/collision_with").asText());
    String suppress = rule.at("/suppress_with").asText();
    assertTrue(suppress.contains("type ja3 with value " + A + " and disposition allow")
        && suppress.contains("id imaps and disposition disabled")
        && suppress.contains("--min-alert-score 41"), suppress);
    JsonNode lib = j.at("/ja3sensor/enrichments/1");
    assertEquals("library", lib.at("/category").asText());
    assertTrue(lib.at("/suppress_with").isMissingNode());
  }
}
