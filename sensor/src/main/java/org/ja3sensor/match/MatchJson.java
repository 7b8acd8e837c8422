package org.ja3sensor.match;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.PolicyFlag;

/**
 * Writes what the {@link Matcher} found ({@link MatchResult}) into the ECS event: {@code
 * threat.enrichments} (every matching entry, ECS fields) with the project's own details of each
 * in {@code ja3sensor.enrichments} (same order, joined by {@code id} = {@code matched.id}), {@code
 * rule.*} and {@code event.severity}/{@code event.risk_score} (alerts), {@code
 * ja3sensor.policy_flags}. Field list in docs/events.md, section "Matching and alerts".
 */
public final class MatchJson {
  private MatchJson() {}

  /** Top-level fields, after those EventJson writes. */
  static void write(MatchResult e, JsonGenerator g) throws IOException {
    if (!e.enrichments.isEmpty()) {
      g.writeObjectFieldStart("threat");
      g.writeArrayFieldStart("enrichments");
      for (Enrichment x : e.enrichments) {
        writeEnrichment(x, g);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    AlertVerdict v = e.verdict;
    if (v != null) {
      Entry r = v.rule().entry();
      g.writeObjectFieldStart("rule");
      g.writeStringField("id", r.id());
      g.writeStringField("name", r.label());
      g.writeStringField("category", r.category().label());
      g.writeStringField("ruleset", r.source());
      nonEmpty(g, "reference", r.reference());
      nonEmpty(g, "license", r.licence());
      nonEmpty(g, "description", r.notes());
      g.writeStringField("version", v.databaseVersion());
      g.writeEndObject();
    }
  }

  /** Fields at the end of EventJson's {@code "event"} and {@code "ja3sensor"} objects. */
  static void writeInto(String object, MatchResult e, JsonGenerator g) throws IOException {
    if ("event".equals(object) && e.verdict != null) {
      g.writeNumberField("severity", e.verdict.severity());
      g.writeNumberField("risk_score", (float) e.verdict.riskScore());
    } else if ("ja3sensor".equals(object)) {
      if (e.policyFlags != 0) {
        g.writeArrayFieldStart("policy_flags");
        for (int f = e.policyFlags; f != 0; f &= f - 1) {
          g.writeString(PolicyFlag.of(Integer.numberOfTrailingZeros(f)).label);
        }
        g.writeEndArray();
      }
      if (!e.enrichments.isEmpty()) {
        g.writeArrayFieldStart("enrichments");
        for (Enrichment x : e.enrichments) {
          writeOwnDetails(x, g);
        }
        g.writeEndArray();
      }
    }
  }

  private static void writeEnrichment(Enrichment x, JsonGenerator g) throws IOException {
    Entry en = x.entry();
    g.writeStartObject();
    g.writeObjectFieldStart("indicator");
    g.writeStringField("description", en.label());
    g.writeStringField("provider", en.source());
    g.writeStringField("confidence", confidenceWord(x.score()));
    nonEmpty(g, "first_seen", en.firstSeen());
    nonEmpty(g, "last_seen", en.lastSeen());
    nonEmpty(g, "reference", en.reference());
    g.writeEndObject();

    g.writeObjectFieldStart("matched");
    g.writeStringField("atomic", x.atomic());
    g.writeStringField("field", en.type().field);
    g.writeStringField("id", en.id());
    g.writeStringField("type", "indicator_match_rule");
    g.writeEndObject();
    g.writeEndObject();
  }

  /** What ECS has no field for, of one enrichment: an element of {@code ja3sensor.enrichments}. */
  private static void writeOwnDetails(Enrichment x, JsonGenerator g) throws IOException {
    Entry en = x.entry();
    g.writeStartObject();
    g.writeStringField("id", en.id());
    g.writeStringField("type", en.type().label);
    g.writeStringField("category", en.category().label());
    g.writeStringField("disposition", en.disposition().label());
    g.writeNumberField("confidence", en.confidence());
    g.writeNumberField("score", x.score());
    g.writeBooleanField("alerting", x.alerting());
    if (x.conflict() != null) {
      g.writeStringField("conflict", x.conflict());
    }
    if (x.stalePenalty() > 0) {
      g.writeNumberField("stale_penalty", x.stalePenalty());
    }
    if (x.suppressedBy() != null) {
      g.writeStringField("suppressed_by", x.suppressedBy());
    }
    nonEmpty(g, "scope", en.scopeText());
    if (en.disposition() == Disposition.ALERT) {
      g.writeBooleanField("corroborated", x.corroborated());
    }
    if (x.collisionWith() != null) {
      g.writeStringField("collision", LIBRARY_DEFAULT);
      g.writeStringField("collision_with", x.collisionWith());
      g.writeBooleanField("demoted", x.demoted());
    }
    if (x.alerting()) {
      g.writeStringField("suppress_with", suppressWith(x));
    }
    nonEmpty(g, "licence", en.licence());
    nonEmpty(g, "notes", en.notes());
    g.writeEndObject();
  }

  /** The collision kind: the ClientHello is also a known library default. */
  public static final String LIBRARY_DEFAULT = "library-default";

  /** What an operator can do so that this alerting entry no longer alerts. */
  static String suppressWith(Enrichment x) {
    Entry en = x.entry();
    String atomic = x.atomic();
    int plus = en.type().isPair() ? atomic.indexOf('+') : -1;
    String value = plus < 0 ? atomic
        : atomic.substring(0, plus) + " and pair_value " + atomic.substring(plus + 1);
    StringBuilder sb = new StringBuilder("a --db-extra entry of type ").append(en.type().label)
        .append(" with value ").append(value)
        .append(" and disposition allow (add scope_sni or scope_destination_ip to allow only that"
            + " traffic), or an entry with id ").append(en.id())
        .append(" and disposition disabled, or --min-alert-score ").append(x.score() + 1);
    return sb.toString();
  }

  /** ECS threat.indicator.confidence for a score: None, Low, Medium, High. */
  public static String confidenceWord(int score) {
    if (score <= 0) {
      return "None";
    }
    return score < 65 ? "Low" : score < 85 ? "Medium" : "High";
  }

  private static void nonEmpty(JsonGenerator g, String name, String value) throws IOException {
    if (value != null && !value.isEmpty()) {
      g.writeStringField(name, value);
    }
  }
}
