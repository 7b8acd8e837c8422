package org.ja3sensor.match;

import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.PolicyFlag;
import org.ja3sensor.event.JsonWriter;

/**
 * Writes what the {@link Matcher} found ({@link MatchResult}) into the ECS event: {@code
 * threat.enrichments} (every matching entry, ECS fields) with the project's own details of each
 * in {@code ja3sensor.enrichments} (same order, joined by {@code id} = {@code matched.id}), {@code
 * rule.*} and {@code event.severity}/{@code event.risk_score} (alerts), {@code
 * ja3sensor.policy_flags}. Field list in docs/events.md, section "Matching and alerts".
 */
public final class MatchJson {
  private MatchJson() {}

  // Field names (see JsonWriter).
  private static final JsonWriter.Text N_ALERTING = JsonWriter.name("alerting");
  private static final JsonWriter.Text N_ATOMIC = JsonWriter.name("atomic");
  private static final JsonWriter.Text N_CATEGORY = JsonWriter.name("category");
  private static final JsonWriter.Text N_COLLISION = JsonWriter.name("collision");
  private static final JsonWriter.Text N_COLLISION_WITH = JsonWriter.name("collision_with");
  private static final JsonWriter.Text N_CONFIDENCE = JsonWriter.name("confidence");
  private static final JsonWriter.Text N_CONFLICT = JsonWriter.name("conflict");
  private static final JsonWriter.Text N_CORROBORATED = JsonWriter.name("corroborated");
  private static final JsonWriter.Text N_DEMOTED = JsonWriter.name("demoted");
  private static final JsonWriter.Text N_DESCRIPTION = JsonWriter.name("description");
  private static final JsonWriter.Text N_DISPOSITION = JsonWriter.name("disposition");
  private static final JsonWriter.Text N_ENRICHMENTS = JsonWriter.name("enrichments");
  private static final JsonWriter.Text N_FIELD = JsonWriter.name("field");
  private static final JsonWriter.Text N_FIRST_SEEN = JsonWriter.name("first_seen");
  private static final JsonWriter.Text N_ID = JsonWriter.name("id");
  private static final JsonWriter.Text N_INDICATOR = JsonWriter.name("indicator");
  private static final JsonWriter.Text N_LAST_SEEN = JsonWriter.name("last_seen");
  private static final JsonWriter.Text N_LICENCE = JsonWriter.name("licence");
  private static final JsonWriter.Text N_LICENSE = JsonWriter.name("license");
  private static final JsonWriter.Text N_MATCHED = JsonWriter.name("matched");
  private static final JsonWriter.Text N_NAME = JsonWriter.name("name");
  private static final JsonWriter.Text N_NOTES = JsonWriter.name("notes");
  private static final JsonWriter.Text N_POLICY_FLAGS = JsonWriter.name("policy_flags");
  private static final JsonWriter.Text N_PROVIDER = JsonWriter.name("provider");
  private static final JsonWriter.Text N_REFERENCE = JsonWriter.name("reference");
  private static final JsonWriter.Text N_RISK_SCORE = JsonWriter.name("risk_score");
  private static final JsonWriter.Text N_RULE = JsonWriter.name("rule");
  private static final JsonWriter.Text N_RULESET = JsonWriter.name("ruleset");
  private static final JsonWriter.Text N_SCOPE = JsonWriter.name("scope");
  private static final JsonWriter.Text N_SCORE = JsonWriter.name("score");
  private static final JsonWriter.Text N_SEVERITY = JsonWriter.name("severity");
  private static final JsonWriter.Text N_STALE_PENALTY = JsonWriter.name("stale_penalty");
  private static final JsonWriter.Text N_SUPPRESSED_BY = JsonWriter.name("suppressed_by");
  private static final JsonWriter.Text N_SUPPRESS_WITH = JsonWriter.name("suppress_with");
  private static final JsonWriter.Text N_THREAT = JsonWriter.name("threat");
  private static final JsonWriter.Text N_TYPE = JsonWriter.name("type");
  private static final JsonWriter.Text N_VERSION = JsonWriter.name("version");

  /** Top-level fields, after those EventJson writes. */
  static void write(MatchResult e, JsonWriter g) {
    if (!e.enrichments.isEmpty()) {
      g.object(N_THREAT);
      g.array(N_ENRICHMENTS);
      for (Enrichment x : e.enrichments) {
        writeEnrichment(x, g);
      }
      g.endArray();
      g.endObject();
    }
    AlertVerdict v = e.verdict;
    if (v != null) {
      Entry r = v.rule().entry();
      g.object(N_RULE);
      g.string(N_ID, r.id());
      g.string(N_NAME, r.label());
      g.string(N_CATEGORY, r.category().label());
      g.string(N_RULESET, r.source());
      nonEmpty(g, N_REFERENCE, r.reference());
      nonEmpty(g, N_LICENSE, r.licence());
      nonEmpty(g, N_DESCRIPTION, r.notes());
      g.string(N_VERSION, v.databaseVersion());
      g.endObject();
    }
  }

  /** Fields at the end of EventJson's {@code "event"} and {@code "ja3sensor"} objects. */
  static void writeInto(String object, MatchResult e, JsonWriter g) {
    if ("event".equals(object) && e.verdict != null) {
      g.number(N_SEVERITY, e.verdict.severity());
      g.number(N_RISK_SCORE, (float) e.verdict.riskScore());
    } else if ("ja3sensor".equals(object)) {
      if (e.policyFlags != 0) {
        g.array(N_POLICY_FLAGS);
        for (int f = e.policyFlags; f != 0; f &= f - 1) {
          g.string(PolicyFlag.of(Integer.numberOfTrailingZeros(f)).label);
        }
        g.endArray();
      }
      if (!e.enrichments.isEmpty()) {
        g.array(N_ENRICHMENTS);
        for (Enrichment x : e.enrichments) {
          writeOwnDetails(x, g);
        }
        g.endArray();
      }
    }
  }

  private static void writeEnrichment(Enrichment x, JsonWriter g) {
    Entry en = x.entry();
    g.startObject();
    g.object(N_INDICATOR);
    g.string(N_DESCRIPTION, en.label());
    g.string(N_PROVIDER, en.source());
    g.string(N_CONFIDENCE, confidenceWord(x.score()));
    nonEmpty(g, N_FIRST_SEEN, en.firstSeen());
    nonEmpty(g, N_LAST_SEEN, en.lastSeen());
    nonEmpty(g, N_REFERENCE, en.reference());
    g.endObject();

    g.object(N_MATCHED);
    g.string(N_ATOMIC, x.atomic());
    g.string(N_FIELD, en.type().field);
    g.string(N_ID, en.id());
    g.string(N_TYPE, "indicator_match_rule");
    g.endObject();
    g.endObject();
  }

  /** What ECS has no field for, of one enrichment: an element of {@code ja3sensor.enrichments}. */
  private static void writeOwnDetails(Enrichment x, JsonWriter g) {
    Entry en = x.entry();
    g.startObject();
    g.string(N_ID, en.id());
    g.string(N_TYPE, en.type().label);
    g.string(N_CATEGORY, en.category().label());
    g.string(N_DISPOSITION, en.disposition().label());
    g.number(N_CONFIDENCE, en.confidence());
    g.number(N_SCORE, x.score());
    g.bool(N_ALERTING, x.alerting());
    if (x.conflict() != null) {
      g.string(N_CONFLICT, x.conflict());
    }
    if (x.stalePenalty() > 0) {
      g.number(N_STALE_PENALTY, x.stalePenalty());
    }
    if (x.suppressedBy() != null) {
      g.string(N_SUPPRESSED_BY, x.suppressedBy());
    }
    nonEmpty(g, N_SCOPE, en.scopeText());
    if (en.disposition() == Disposition.ALERT) {
      g.bool(N_CORROBORATED, x.corroborated());
    }
    if (x.collisionWith() != null) {
      g.string(N_COLLISION, LIBRARY_DEFAULT);
      g.string(N_COLLISION_WITH, x.collisionWith());
      g.bool(N_DEMOTED, x.demoted());
    }
    if (x.alerting()) {
      g.string(N_SUPPRESS_WITH, suppressWith(x));
    }
    nonEmpty(g, N_LICENCE, en.licence());
    nonEmpty(g, N_NOTES, en.notes());
    g.endObject();
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

  private static void nonEmpty(JsonWriter g, JsonWriter.Text name, String value) {
    if (value != null && !value.isEmpty()) {
      g.string(name, value);
    }
  }
}
