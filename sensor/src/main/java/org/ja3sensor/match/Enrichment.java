package org.ja3sensor.match;

import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryType;

/**
 * One database entry that matched one event, with what the matcher concluded about it for this
 * event: its score after the conflict and staleness rules, whether an allow entry suppressed it,
 * and whether it makes the event an alert. Created by {@link Matcher} per event and match.
 */
public final class Enrichment {
  /** Conflict kind: a malicious label and a benign label on the same fingerprint. */
  public static final String MALICIOUS_VS_BENIGN = "malicious-vs-benign";

  private final Entry entry;
  private final String atomic;
  int score;
  int stalePenalty;
  String conflict;
  String suppressedBy;
  boolean alerting;
  boolean corroborated;
  String collisionWith;
  boolean demoted;

  Enrichment(Entry entry, String atomic) {
    this.entry = entry;
    this.atomic = atomic;
    this.score = entry.confidence();
  }

  public Entry entry() {
    return entry;
  }

  /** The event value that matched (for a pair: JA3 + "+" + JA3S). */
  public String atomic() {
    return atomic;
  }

  /** The entry's confidence after this event's adjustments, 0 to 100. */
  public int score() {
    return score;
  }

  /** Points taken off because the entry's last_seen is old at the event's time. */
  public int stalePenalty() {
    return stalePenalty;
  }

  /** {@link #MALICIOUS_VS_BENIGN} or null. */
  public String conflict() {
    return conflict;
  }

  /** The id of the allow entry that suppressed this alert entry, or null. */
  public String suppressedBy() {
    return suppressedBy;
  }

  /** True when this entry makes the event an alert. */
  public boolean alerting() {
    return alerting;
  }

  /**
   * True for an alert entry that is a pair or whose scope names server names, ports or networks
   * ({@link Entry#narrowScope()}): more than one fingerprint of the handshake agrees.
   */
  public boolean corroborated() {
    return corroborated;
  }

  /**
   * The id of the library-default entry that matched the same ClientHello when this is a
   * single-fingerprint alert entry, or null.
   */
  public String collisionWith() {
    return collisionWith;
  }

  /** True when the library collision rule kept this entry from alerting. */
  public boolean demoted() {
    return demoted;
  }

  /** Ranking of entry types for choosing the rule of an alert: pair over single over policy. */
  int rank() {
    EntryType t = entry.type();
    return t.isPair() ? 3 : t == EntryType.POLICY ? 1 : 2;
  }
}
