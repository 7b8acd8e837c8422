package org.ja3sensor.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the fleet topology: topic names, alert rules and state bounds. Immutable; {@link
 * #defaults()} gives the documented defaults (docs/fleet.md) and the {@code with*} methods change
 * one setting each.
 *
 * @param inputTopics topics of sensor events (the events topic, and the alerts topic if sensors
 *     send alerts elsewhere)
 * @param newTopic output: a fingerprint seen for the first time in the fleet
 * @param rareTopic output: a fingerprint rare in a closed rarity window
 * @param spreadTopic output: a young fingerprint reaching many hosts
 * @param deadLetterTopic records that could not be used, with the reason
 * @param alertKinds fingerprint kinds that raise alerts (the others only keep statistics)
 * @param learningPeriod after the first event a task sees, how long nothing alerts
 * @param rareMaxHosts rare: seen from at most this many client hosts ...
 * @param rareFirstSeenWithin ... and first seen at most this long before the window's end
 * @param rareWindow length of a rarity window; rare alerts go out when one closes
 * @param spreadMinHosts spread: a fingerprint first seen within {@code rareFirstSeenWithin}
 *     reaches this many hosts
 * @param grace how late (event time) an event may arrive and still count in its hour/day window
 * @param maxSkew an event this far behind the stream time is a dead letter (a sensor with a wrong
 *     clock, or one replaying old traffic)
 * @param maxAhead an event this far ahead of the aggregator's wall clock is a dead letter: its
 *     timestamp goes on the records the aggregator writes, and a broker refuses records more than
 *     {@code message.timestamp.after.max.ms} (1 hour by default) in its future, which would stop
 *     the stream thread on that record again and again; keep it below that setting
 * @param retention a fingerprint not seen for this long (event time) is forgotten
 * @param exactLimit distinct hosts/sensors kept exactly up to this many per key, then estimated
 * @param topServerNames server names kept per fingerprint (approximate top-k)
 * @param maxKeysPerTask fingerprint keys held per task (partition); beyond it new keys are counted
 *     and dropped
 * @param dailyRetention how long daily counts are kept (hourly counts: two days)
 */
public record FleetConfig(
    List<String> inputTopics,
    String newTopic,
    String rareTopic,
    String spreadTopic,
    String deadLetterTopic,
    Set<FingerprintKind> alertKinds,
    Duration learningPeriod,
    int rareMaxHosts,
    Duration rareFirstSeenWithin,
    Duration rareWindow,
    int spreadMinHosts,
    Duration grace,
    Duration maxSkew,
    Duration maxAhead,
    Duration retention,
    int exactLimit,
    int topServerNames,
    long maxKeysPerTask,
    Duration dailyRetention) {

  public static final String STATS_STORE = "fp-stats";
  public static final String META_STORE = "fleet-meta";
  public static final String HOURLY_STORE = "fp-hourly";
  public static final String DAILY_STORE = "fp-daily";

  public FleetConfig {
    inputTopics = List.copyOf(inputTopics);
    alertKinds = Set.copyOf(alertKinds);
    Objects.requireNonNull(newTopic, "newTopic");
    Objects.requireNonNull(rareTopic, "rareTopic");
    Objects.requireNonNull(spreadTopic, "spreadTopic");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    if (inputTopics.isEmpty()) {
      throw new IllegalArgumentException("input topics: none given, expected at least one");
    }
    requirePositive("rare max hosts", rareMaxHosts);
    requirePositive("exact limit", exactLimit);
    requirePositive("top server names", topServerNames);
    if (spreadMinHosts <= rareMaxHosts) {
      throw new IllegalArgumentException(
          "spread min hosts: " + spreadMinHosts + ", expected more than rare max hosts ("
              + rareMaxHosts + ")");
    }
    if (maxKeysPerTask < 1) {
      throw new IllegalArgumentException("max keys per task: " + maxKeysPerTask + ", expected > 0");
    }
    for (Duration d :
        List.of(rareFirstSeenWithin, rareWindow, maxSkew, maxAhead, retention, dailyRetention)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("duration: " + d + ", expected > 0");
      }
    }
    if (learningPeriod.isNegative() || grace.isNegative()) {
      throw new IllegalArgumentException("learning period and grace: expected >= 0");
    }
  }

  private static void requirePositive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + ": " + v + ", expected > 0");
    }
  }

  /** The documented defaults. */
  public static FleetConfig defaults() {
    return new FleetConfig(
        List.of("ja3sensor.tls"),
        "ja3sensor.fleet.new",
        "ja3sensor.fleet.rare",
        "ja3sensor.fleet.spread",
        "ja3sensor.fleet.dead-letter",
        FingerprintKind.FINGERPRINTS,
        Duration.ZERO,
        2,
        Duration.ofDays(7),
        Duration.ofDays(1),
        10,
        Duration.ofHours(1),
        Duration.ofDays(1),
        Duration.ofMinutes(15),
        Duration.ofDays(30),
        64,
        10,
        2_000_000,
        Duration.ofDays(30));
  }

  public FleetConfig withInputTopics(List<String> v) {
    return new FleetConfig(v, newTopic, rareTopic, spreadTopic, deadLetterTopic, alertKinds,
        learningPeriod, rareMaxHosts, rareFirstSeenWithin, rareWindow, spreadMinHosts, grace,
        maxSkew, maxAhead, retention, exactLimit, topServerNames, maxKeysPerTask, dailyRetention);
  }

  public FleetConfig withOutputTopics(String n, String r, String s, String d) {
    return new FleetConfig(inputTopics, n, r, s, d, alertKinds,
        learningPeriod, rareMaxHosts, rareFirstSeenWithin, rareWindow, spreadMinHosts, grace,
        maxSkew, maxAhead, retention, exactLimit, topServerNames, maxKeysPerTask, dailyRetention);
  }

  public FleetConfig withAlertKinds(Set<FingerprintKind> v) {
    return new FleetConfig(inputTopics, newTopic, rareTopic, spreadTopic, deadLetterTopic, v,
        learningPeriod, rareMaxHosts, rareFirstSeenWithin, rareWindow, spreadMinHosts, grace,
        maxSkew, maxAhead, retention, exactLimit, topServerNames, maxKeysPerTask, dailyRetention);
  }

  public FleetConfig withLearningPeriod(Duration v) {
    return new FleetConfig(inputTopics, newTopic, rareTopic, spreadTopic, deadLetterTopic,
        alertKinds, v, rareMaxHosts, rareFirstSeenWithin, rareWindow, spreadMinHosts, grace,
        maxSkew, maxAhead, retention, exactLimit, topServerNames, maxKeysPerTask, dailyRetention);
  }

  /** Rare: at most {@code maxHosts}, first seen within {@code within}; windows of {@code window}. */
  public FleetConfig withRare(int maxHosts, Duration within, Duration window) {
    return new FleetConfig(inputTopics, newTopic, rareTopic, spreadTopic, deadLetterTopic,
        alertKinds, learningPeriod, maxHosts, within, window, spreadMinHosts, grace,
        maxSkew, maxAhead, retention, exactLimit, topServerNames, maxKeysPerTask, dailyRetention);
  }

  public FleetConfig withSpreadMinHosts(int v) {
    return new FleetConfig(inputTopics, newTopic, rareTopic, spreadTopic, deadLetterTopic,
        alertKinds, learningPeriod, rareMaxHosts, rareFirstSeenWithin, rareWindow, v, grace,
        maxSkew, maxAhead, retention, exactLimit, topServerNames, maxKeysPerTask, dailyRetention);
  }

  public FleetConfig withTime(Duration graceV, Duration maxSkewV, Duration retentionV) {
    return new FleetConfig(inputTopics, newTopic, rareTopic, spreadTopic, deadLetterTopic,
        alertKinds, learningPeriod, rareMaxHosts, rareFirstSeenWithin, rareWindow, spreadMinHosts,
        graceV, maxSkewV, maxAhead, retentionV, exactLimit, topServerNames, maxKeysPerTask,
        dailyRetention);
  }

  public FleetConfig withMaxAhead(Duration v) {
    return new FleetConfig(inputTopics, newTopic, rareTopic, spreadTopic, deadLetterTopic,
        alertKinds, learningPeriod, rareMaxHosts, rareFirstSeenWithin, rareWindow, spreadMinHosts,
        grace, maxSkew, v, retention, exactLimit, topServerNames, maxKeysPerTask, dailyRetention);
  }

  public FleetConfig withBounds(int exact, int topNames, long maxKeys) {
    return new FleetConfig(inputTopics, newTopic, rareTopic, spreadTopic, deadLetterTopic,
        alertKinds, learningPeriod, rareMaxHosts, rareFirstSeenWithin, rareWindow, spreadMinHosts,
        grace, maxSkew, maxAhead, retention, exact, topNames, maxKeys, dailyRetention);
  }
}
