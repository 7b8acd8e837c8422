package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ja3sensor.match.Events.alert;
import static org.ja3sensor.match.Events.event;
import static org.ja3sensor.match.Events.info;
import static org.ja3sensor.match.Events.matcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.event.TlsEvent;
import org.junit.jupiter.api.Test;

class MatchJsonTest {
  static final String A = MatcherTest.A;
  static final String B = MatcherTest.B;
  private final EventJson json = new EventJson();

  private JsonNode write(TlsEvent e, MatchResult r) throws Exception {
    return new ObjectMapper().readTree(json.toJson(e, r));
  }

  @Test
  void alertWritesRuleThreatSeverityAndRiskScore() throws Exception {
    Matcher m =
        matcher(
            alert("c2-pair", EntryType.JA3_JA3S, A, 75)
                .pair(B)
                .category(Category.C2)
                .label("Cobalt Strike")
                .source("derived")
                .licence("CC0-1.0")
                .reference("https://example.org/cs")
                .firstSeen("2021-06-22")
                .lastSeen("2023-01-02T03:04:05Z")
                .build(),
            info("chrome", EntryType.JA3, A, Category.BROWSER).label("Chrome 99").build());
    TlsEvent e = event(A, B, "x.example");
    MatchResult eM = m.match(e);
    JsonNode j = write(e, eM);
    assertEquals("alert", j.at("/event/kind").asText());
    assertEquals(73, j.at("/event/severity").asInt());
    assertEquals(75.0, j.at("/event/risk_score").asDouble());
    assertEquals("c2-pair", j.at("/rule/id").asText());
    assertEquals("Cobalt Strike", j.at("/rule/name").asText());
    assertEquals("c2", j.at("/rule/category").asText());
    assertEquals("derived", j.at("/rule/ruleset").asText());
    assertEquals("CC0-1.0", j.at("/rule/license").asText());
    assertEquals("testversion1", j.at("/rule/version").asText());

    JsonNode en = j.at("/threat/enrichments");
    assertEquals(2, en.size());
    JsonNode first = en.get(0);
    assertEquals("Cobalt Strike", first.at("/indicator/description").asText());
    assertEquals("derived", first.at("/indicator/provider").asText());
    assertEquals("Medium", first.at("/indicator/confidence").asText());
    assertEquals("2021-06-22", first.at("/indicator/first_seen").asText());
    assertEquals("2023-01-02T03:04:05Z", first.at("/indicator/last_seen").asText());
    assertEquals(A + "+" + B, first.at("/matched/atomic").asText());
    assertEquals("tls.client.ja3+tls.server.ja3s", first.at("/matched/field").asText());
    assertEquals("indicator_match_rule", first.at("/matched/type").asText());
    JsonNode own = j.at("/ja3sensor/enrichments");
    assertEquals(2, own.size(), "one ja3sensor.enrichments element per threat.enrichments one");
    assertEquals("c2-pair", own.get(0).at("/id").asText());
    assertEquals(first.at("/matched/id").asText(), own.get(0).at("/id").asText());
    assertEquals("alert", own.get(0).at("/disposition").asText());
    assertTrue(own.get(0).at("/alerting").asBoolean());
    assertTrue(first.at("/ja3sensor").isMissingNode(), "nothing of ours inside threat.*");
    JsonNode second = en.get(1);
    assertEquals("Chrome 99", second.at("/indicator/description").asText());
    assertEquals("tls.client.ja3", second.at("/matched/field").asText());
    assertEquals("chrome", own.get(1).at("/id").asText());
    assertEquals("info", own.get(1).at("/disposition").asText());
    assertFalse(own.get(1).at("/alerting").asBoolean());
  }

  @Test
  void enrichmentWithoutAlertHasNoRuleNorSeverity() throws Exception {
    Matcher m = matcher(info("chrome", EntryType.JA3, A, Category.BROWSER).build());
    TlsEvent e = event(A, null, null);
    MatchResult eM = m.match(e);
    JsonNode j = write(e, eM);
    assertEquals("event", j.at("/event/kind").asText());
    assertTrue(j.at("/event/severity").isMissingNode());
    assertTrue(j.at("/rule").isMissingNode());
    assertEquals(1, j.at("/threat/enrichments").size());
  }

  @Test
  void plainEventHasNoMatchFields() throws Exception {
    TlsEvent e = event(A, B, null);
    MatchResult eM = matcher().match(e);
    JsonNode j = write(e, eM);
    assertTrue(j.at("/threat").isMissingNode());
    assertTrue(j.at("/rule").isMissingNode());
    assertTrue(j.at("/ja3sensor/policy_flags").isMissingNode());
    assertTrue(j.at("/ja3sensor/enrichments").isMissingNode());
    assertNull(eM.verdict);
  }

  @Test
  void policyFlagsInOwnNamespace() throws Exception {
    TlsEvent e = event(A, null, null);
    e.clientHello = Events.hello(0x0303, new int[] {0x0000, 0xc02f}, new int[0], null);
    MatchResult eM = matcher().match(e);
    JsonNode j = write(e, eM);
    assertTrue(j.at("/tls/policy_flags").isMissingNode(), "not inside ECS's tls");
    JsonNode flags = j.at("/ja3sensor/policy_flags");
    assertEquals(2, flags.size());
    assertEquals("client_offers_null_cipher", flags.get(0).asText());
    assertEquals("client_offers_anon_cipher", flags.get(1).asText());
    assertEquals(A, j.at("/tls/client/ja3").asText(), "the existing tls fields stay");
  }

  @Test
  void confidenceWords() {
    assertEquals("None", MatchJson.confidenceWord(0));
    assertEquals("Low", MatchJson.confidenceWord(40));
    assertEquals("Low", MatchJson.confidenceWord(60));
    assertEquals("Medium", MatchJson.confidenceWord(75));
    assertEquals("High", MatchJson.confidenceWord(90));
  }
}
