package org.ja3sensor.match;

import org.ja3sensor.db.Snapshot;

/**
 * Why an event is an alert: the deciding entry (the rule), the risk score and ECS severity, and
 * the version of the database that matched.
 *
 * @param rule the highest-ranked alerting enrichment (a pair outranks a single fingerprint)
 * @param riskScore 0 to 100, the rule's score for this event
 * @param severity ECS event.severity: 21 low, 47 medium, 73 high
 * @param databaseVersion {@link Snapshot#version()} of the snapshot used
 */
public record AlertVerdict(Enrichment rule, int riskScore, int severity, String databaseVersion) {}
