package org.ja3sensor.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet topology on {@link TopologyTestDriver} (no broker): first seen, the learning period,
 * the rare and spread rules and their thresholds, hourly/daily windows with late events, dead
 * letters, and the bounds of the state.
 */
class FleetTopologyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant DAY1 = Instant.parse("2025-03-10T00:00:00Z");
  private static final long WALL = Instant.parse("2025-03-20T00:00:00Z").toEpochMilli();
  private static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String C = "cccccccccccccccccccccccccccccccc";
  private static final String S1 = "11111111111111111111111111111111";

  @TempDir Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, String> in;
  private TestOutputTopic<String, String> newOut;
  private TestOutputTopic<String, String> rareOut;
  private TestOutputTopic<String, String> spreadOut;
  private TestOutputTopic<String, String> dlq;
  private FleetCounters counters;
  private FleetConfig cfg;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void start(FleetConfig c) {
    cfg = c;
    counters = new FleetCounters();
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleet-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(FleetTopology.build(c, counters, () -> WALL), p);
    in = driver.createInputTopic(
        c.inputTopics().get(0), new StringSerializer(), new StringSerializer());
    StringDeserializer d = new StringDeserializer();
    newOut = driver.createOutputTopic(c.newTopic(), d, d);
    rareOut = driver.createOutputTopic(c.rareTopic(), d, d);
    spreadOut = driver.createOutputTopic(c.spreadTopic(), d, d);
    dlq = driver.createOutputTopic(c.deadLetterTopic(), d, d);
  }

  private static FleetConfig ja3Only() {
    return FleetConfig.defaults().withAlertKinds(EnumSet.of(FingerprintKind.JA3));
  }

  /** An event as the sensor writes it (fields the aggregator reads, and a few it ignores). */
  private static String event(
      Instant t, String sensor, String host, String ja3, String ja3s, String sni) {
    ObjectNode e = JSON.createObjectNode();
    e.put("@timestamp", t.toString());
    e.putObject("event").put("kind", "event").put("dataset", "ja3sensor.tls");
    e.putObject("source").put("ip", host).put("port", 50000);
    e.putObject("destination").put("ip", "192.0.2.1").put("port", 443);
    e.putObject("network").put("community_id", "1:" + host + t.getEpochSecond());
    ObjectNode tls = e.putObject("tls");
    ObjectNode c = tls.putObject("client");
    if (ja3 != null) {
      c.put("ja3", ja3);
    }
    if (sni != null) {
      c.put("server_name", sni);
    }
    if (ja3s != null) {
      tls.putObject("server").put("ja3s", ja3s);
    }
    if (sensor != null) {
      e.putObject("observer").put("name", sensor);
    }
    return e.toString();
  }

  private void send(Instant t, String sensor, String host, String ja3) {
    in.pipeInput(ja3, event(t, sensor, host, ja3, null, null), Instant.ofEpochMilli(WALL));
  }

  private static List<JsonNode> read(TestOutputTopic<String, String> t) throws Exception {
    List<JsonNode> l = new ArrayList<>();
    for (String v : t.readValuesToList()) {
      l.add(JSON.readTree(v));
    }
    return l;
  }

  private static String at(JsonNode n, String path) {
    JsonNode c = n;
    for (String p : path.split("\\.")) {
      c = c == null ? null : c.get(p);
    }
    return c == null ? null : c.asText();
  }

  private FpStats stats(String key) {
    KeyValueStore<String, FpStats> s = driver.getKeyValueStore(FleetConfig.STATS_STORE);
    return s.get(key);
  }

  private static Instant h(double hours) {
    return DAY1.plusMillis((long) (hours * 3_600_000));
  }

  @Test
  void newFingerprintAlertsOnceAnywhereInTheFleetWithItsFirstEventAsEvidence() throws Exception {
    start(FleetConfig.defaults());
    in.pipeInput(A, event(h(1), "s1", "10.0.0.1", A, S1, "a.example"));
    in.pipeInput(A, event(h(2), "s2", "10.0.0.2", A, S1, "b.example"));
    in.pipeInput(B, event(h(3), "s2", "10.0.0.2", B, S1, null));
    List<JsonNode> alerts = read(newOut);
    List<String> keys = alerts.stream().map(a -> at(a, "ja3sensor.fleet.key")).sorted().toList();
    assertEquals(
        List.of("ja3+ja3s:" + A + "+" + S1, "ja3+ja3s:" + B + "+" + S1, "ja3:" + A, "ja3:" + B,
            "ja3s:" + S1),
        keys);
    // Server names by fingerprint keep statistics but do not alert by default.
    assertEquals(1, stats("sni:" + A + "|a.example").connections);
    JsonNode a = alerts.stream()
        .filter(x -> ("ja3:" + A).equals(at(x, "ja3sensor.fleet.key"))).findFirst().orElseThrow();
    assertEquals("alert", at(a, "event.kind"));
    assertEquals("new_fingerprint", at(a, "event.action"));
    assertEquals(A, at(a, "tls.client.ja3"));
    assertEquals(h(1).toString(), at(a, "@timestamp"));
    assertEquals("s1", at(a, "ja3sensor.fleet.first_event.observer.name"));
    assertEquals("10.0.0.1", at(a, "ja3sensor.fleet.first_event.source.ip"));
    assertEquals("a.example", at(a, "ja3sensor.fleet.first_event.tls.client.server_name"));
    assertEquals("1", at(a, "ja3sensor.fleet.connections"));
    JsonNode pair = alerts.stream()
        .filter(x -> at(x, "ja3sensor.fleet.key").startsWith("ja3+ja3s:" + A)).findFirst()
        .orElseThrow();
    assertEquals(A, at(pair, "tls.client.ja3"));
    assertEquals(S1, at(pair, "tls.server.ja3s"));

    FpStats s = stats("ja3:" + A);
    assertEquals(2, s.connections);
    assertEquals(2, s.hosts.count());
    assertEquals(List.of("s1", "s2"), s.sensors.sample(10));
    assertEquals(h(1).toEpochMilli(), s.firstSeen);
    assertEquals(h(2).toEpochMilli(), s.lastSeen);
    assertEquals(3, stats("ja3s:" + S1).connections);
  }

  @Test
  void withoutALearningPeriodAnEventOlderThanTheFirstIsNewToo() throws Exception {
    start(ja3Only());
    send(h(2), "s1", "10.0.0.1", A);
    send(h(1), "s2", "10.0.0.2", B); // out of order: older than anything seen before
    assertEquals(List.of(A, B), read(newOut).stream().map(n -> at(n, "tls.client.ja3")).toList());
  }

  @Test
  void sensorNameFallsBackToObserverHostnameThenTheRecordHeader() throws Exception {
    start(ja3Only());
    ObjectNode e = (ObjectNode) JSON.readTree(event(h(1), null, "10.0.0.1", A, null, null));
    e.putObject("observer").put("hostname", "probe-7");
    in.pipeInput(A, e.toString());
    org.apache.kafka.common.header.internals.RecordHeaders hs =
        new org.apache.kafka.common.header.internals.RecordHeaders();
    hs.add(ParseProcessor.HEADER_SENSOR_NAME, "from-header".getBytes());
    in.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(
        B, event(h(1), null, "10.0.0.1", B, null, null), hs, Instant.ofEpochMilli(WALL)));
    assertEquals(List.of("probe-7"), stats("ja3:" + A).sensors.sample(5));
    assertEquals(List.of("from-header"), stats("ja3:" + B).sensors.sample(5));
  }

  @Test
  void nothingAlertsDuringTheLearningPeriodAndWhatItLearnedStaysKnown() throws Exception {
    start(ja3Only().withLearningPeriod(Duration.ofHours(2)).withSpreadMinHosts(3));
    send(h(0), "s1", "10.0.0.1", A);
    send(h(1.9), "s1", "10.0.0.2", B);
    assertTrue(read(newOut).isEmpty(), "no new-fingerprint alert during the learning period");
    // After it: known fingerprints stay quiet (and never count as spreading), new ones alert.
    send(h(2.5), "s2", "10.0.0.3", A);
    send(h(2.6), "s2", "10.0.0.4", A);
    send(h(2.7), "s2", "10.0.0.5", A);
    send(h(3), "s2", "10.0.0.3", C);
    List<JsonNode> alerts = read(newOut);
    assertEquals(1, alerts.size(), alerts.toString());
    assertEquals(C, at(alerts.get(0), "tls.client.ja3"));
    assertTrue(read(spreadOut).isEmpty());
    assertTrue(stats("ja3:" + A).learned);
    // Nor are they rare when the first window closes.
    send(h(25.5), "s2", "10.0.0.3", C);
    List<JsonNode> rare = read(rareOut);
    assertEquals(List.of(C), rare.stream().map(r -> at(r, "tls.client.ja3")).toList());
  }

  @Test
  void rareWhenAtMostNHostsAndFirstSeenRecentlyReportedOnceWhenItsWindowCloses()
      throws Exception {
    start(ja3Only().withRare(2, Duration.ofDays(7), Duration.ofDays(1)).withSpreadMinHosts(10));
    send(h(1), "s1", "10.0.0.1", A); // 1 host: rare
    send(h(2), "s1", "10.0.0.1", B);
    send(h(3), "s2", "10.0.0.2", B); // 2 hosts: still rare (at most N)
    send(h(4), "s1", "10.0.0.1", C);
    send(h(5), "s1", "10.0.0.2", C);
    send(h(6), "s2", "10.0.0.3", C); // 3 hosts: not rare
    read(newOut);
    send(h(24.5), "s1", "10.0.0.9", S1); // the window closes at 24:00 plus the 1 h grace
    assertTrue(read(rareOut).isEmpty(), "window still open within the grace");
    send(h(25.1), "s1", "10.0.0.9", S1);
    List<JsonNode> rare = read(rareOut);
    assertEquals(List.of(A, B), rare.stream().map(r -> at(r, "tls.client.ja3")).sorted().toList());
    JsonNode b = rare.stream().filter(r -> B.equals(at(r, "tls.client.ja3"))).findFirst().get();
    assertEquals("rare_fingerprint", at(b, "event.action"));
    assertEquals("2", at(b, "ja3sensor.fleet.hosts.count"));
    assertEquals("2", at(b, "ja3sensor.fleet.thresholds.rare_max_hosts"));
    assertEquals(DAY1.toString(), at(b, "ja3sensor.fleet.window.start"));
    assertEquals(h(24).toString(), at(b, "ja3sensor.fleet.window.end"));
    assertEquals(h(24).toString(), at(b, "@timestamp"));
    // Once per fingerprint: seen again the next day, A is not reported again.
    send(h(30), "s1", "10.0.0.1", A);
    send(h(49.5), "s1", "10.0.0.9", S1);
    rare = read(rareOut);
    assertEquals(List.of(S1), rare.stream().map(r -> at(r, "tls.client.ja3")).toList());
  }

  @Test
  void rareNeedsFirstSeenWithinDDays() throws Exception {
    // Stream time jumps five days: A, first seen on day 1, is older than D = 2 days at the close.
    start(ja3Only().withRare(1, Duration.ofDays(2), Duration.ofDays(1)));
    send(h(1), "s1", "10.0.0.1", A);
    send(h(4 * 24 + 1), "s1", "10.0.0.1", A);
    send(h(4 * 24 + 2), "s1", "10.0.0.2", B);
    send(h(5 * 24 + 1.5), "s1", "10.0.0.2", C);
    List<JsonNode> rare = read(rareOut);
    assertEquals(List.of(B), rare.stream().map(r -> at(r, "tls.client.ja3")).toList());
  }

  @Test
  void spreadWhenAYoungFingerprintReachesMHostsOnce() throws Exception {
    start(ja3Only().withRare(1, Duration.ofDays(7), Duration.ofDays(1)).withSpreadMinHosts(3));
    send(h(1), "s1", "10.0.0.1", A);
    send(h(2), "s1", "10.0.0.2", A);
    send(h(2.5), "s1", "10.0.0.2", A);
    assertTrue(read(spreadOut).isEmpty(), "two hosts: below the spread threshold");
    send(h(3), "s2", "10.0.0.3", A);
    send(h(4), "s2", "10.0.0.4", A);
    List<JsonNode> spread = read(spreadOut);
    assertEquals(1, spread.size());
    JsonNode s = spread.get(0);
    assertEquals("fingerprint_spread", at(s, "event.action"));
    assertEquals("3", at(s, "ja3sensor.fleet.hosts.count"));
    assertEquals("2", at(s, "ja3sensor.fleet.sensors.count"));
    assertEquals("4", at(s, "ja3sensor.fleet.connections"));
    assertEquals(h(3).toString(), at(s, "@timestamp"));
    assertEquals("10.0.0.1", at(s, "ja3sensor.fleet.first_event.source.ip"));
    // An old fingerprint (first seen more than D ago) reaching M hosts is not "spreading".
    send(h(10), "s1", "10.0.0.1", B);
    send(h(9 * 24), "s1", "10.0.0.2", B);
    send(h(9 * 24 + 1), "s1", "10.0.0.3", B);
    assertTrue(read(spreadOut).isEmpty());
  }

  @Test
  void hourlyAndDailyWindowsCountLateEventsWithinTheGraceOnly() throws Exception {
    start(ja3Only().withTime(Duration.ofMinutes(30), Duration.ofDays(1), Duration.ofDays(30)));
    send(h(1.2), "s1", "10.0.0.1", A);
    send(h(1.4), "s1", "10.0.0.1", A);
    send(h(0.9), "s1", "10.0.0.1", A); // late, out of order: 00:00-01:00 is open until 01:30
    send(h(2.1), "s1", "10.0.0.1", A);
    send(h(2.7), "s1", "10.0.0.1", B); // stream time 02:42: windows before 02:00 closed
    send(h(1.1), "s1", "10.0.0.1", A); // late beyond the grace for 01:00-02:00
    WindowStore<String, Long> hourly = driver.getWindowStore(FleetConfig.HOURLY_STORE);
    assertEquals(1L, hourly.fetch("ja3:" + A, h(0).toEpochMilli()));
    assertEquals(2L, hourly.fetch("ja3:" + A, h(1).toEpochMilli()));
    assertEquals(1L, hourly.fetch("ja3:" + A, h(2).toEpochMilli()));
    WindowStore<String, Long> daily = driver.getWindowStore(FleetConfig.DAILY_STORE);
    assertEquals(5L, daily.fetch("ja3:" + A, DAY1.toEpochMilli()));
    // The totals count every accepted event, late or not, and first seen moves back.
    FpStats s = stats("ja3:" + A);
    assertEquals(5, s.connections);
    assertEquals(h(0.9).toEpochMilli(), s.firstSeen);
    assertEquals(h(2.1).toEpochMilli(), s.lastSeen);
    assertEquals(h(0.9).toString(), s.first.timestamp());
    assertEquals(2, read(newOut).size(), "one new-fingerprint alert for A, one for B");
  }

  @Test
  void badRecordsGoToTheDeadLetterTopicWithTheirReasonAndProcessingGoesOn() throws Exception {
    start(ja3Only());
    send(h(48), "s1", "10.0.0.1", A);
    in.pipeInput("k", "not json {");
    in.pipeInput("k", "[1,2]");
    in.pipeInput("k", "{\"event\":{\"kind\":\"event\"},\"tls\":{\"client\":{\"ja3\":\"" + B + "\"}}}");
    in.pipeInput("k", "{\"@timestamp\":\"yesterday\",\"tls\":{\"client\":{\"ja3\":\"" + B + "\"}}}");
    in.pipeInput("k", event(h(49), "s1", "10.0.0.1", null, null, "x.example"));
    in.pipeInput("k", event(h(48 - 25), "s9", "10.0.0.1", B, null, null)); // 25 h behind
    in.pipeInput("k", event(Instant.parse("2100-01-01T00:00:00Z"), "s9", "10.0.0.1", C, null, null));
    send(h(49), "s1", "10.0.0.2", S1);
    List<JsonNode> dead = read(dlq);
    assertEquals(
        List.of("unparseable", "unparseable", "no_timestamp", "no_timestamp", "no_fingerprint",
            "event_time_outside_stream", "event_time_outside_stream"),
        dead.stream().map(d -> at(d, "error.type")).toList());
    assertEquals("pipeline_error", at(dead.get(0), "event.kind"));
    assertEquals("not json {", at(dead.get(0), "event.original"));
    assertEquals("ja3sensor.tls", at(dead.get(0), "ja3sensor.fleet.source_record.topic"));
    assertEquals("1", at(dead.get(0), "ja3sensor.fleet.source_record.offset"));
    assertTrue(at(dead.get(5), "error.message").contains("stream time"), dead.get(5).toString());
    assertEquals(2, counters.get("dead_letter_unparseable"));
    assertEquals(2, counters.get("dead_letter_event_time_outside_stream"));
    // The stream went on: both good fingerprints alerted; the bad ones left no state behind.
    assertEquals(List.of(A, S1), read(newOut).stream().map(n -> at(n, "tls.client.ja3")).toList());
    assertNull(stats("ja3:" + B));
    assertNull(stats("ja3:" + C));
  }

  @Test
  void eventsFurtherAheadOfTheWallClockThanMaxAheadAreDeadLetters() throws Exception {
    // A broker refuses records too far in its future (message.timestamp.after.max.ms): such an
    // event would stop the stream thread on every retry if it went on to the repartition topic.
    start(ja3Only().withMaxAhead(Duration.ofMinutes(15)));
    Instant wall = Instant.ofEpochMilli(WALL);
    send(wall.minusSeconds(60), "s1", "10.0.0.1", A);
    send(wall.plus(Duration.ofMinutes(14)), "s1", "10.0.0.1", B);
    send(wall.plus(Duration.ofMinutes(16)), "s1", "10.0.0.1", C);
    List<JsonNode> dead = read(dlq);
    assertEquals(1, dead.size(), dead.toString());
    assertEquals("event_time_outside_stream", at(dead.get(0), "error.type"));
    assertTrue(at(dead.get(0), "error.message").contains("wall clock"), dead.get(0).toString());
    assertEquals(List.of(A, B), read(newOut).stream().map(n -> at(n, "tls.client.ja3")).toList());
    assertNull(stats("ja3:" + C));
  }

  @Test
  void perKeySetsAreCappedThenEstimatedAndServerNamesKeepTheTopOnes() throws Exception {
    start(ja3Only().withBounds(4, 2, 1000));
    for (int i = 0; i < 200; i++) {
      String sni = i % 2 == 0 ? "common.example" : "rare" + i + ".example";
      in.pipeInput(A, event(h(1 + i / 1000.0), "s" + (i % 3), "10.0." + (i / 250) + "." + (i % 250),
          A, null, i % 5 == 1 ? "second.example" : sni));
    }
    FpStats s = stats("ja3:" + A);
    assertFalse(s.hosts.isExact());
    assertTrue(Math.abs(s.hosts.count() - 200) <= 10, "estimated hosts " + s.hosts.count());
    assertTrue(s.sensors.isExact());
    assertEquals(3, s.sensors.count());
    assertEquals(2, s.serverNames.top().size());
    assertEquals("common.example", s.serverNames.top().get(0).getKey());
    assertTrue(s.toBytes().length < 4096, "serialised size " + s.toBytes().length);
    FpStats back = FpStats.of(s.toBytes());
    assertEquals(s.hosts.count(), back.hosts.count());
    assertEquals(s.connections, back.connections);
  }

  @Test
  void newKeysBeyondTheTaskCapAreDroppedAndCountedAndIdleKeysExpire() throws Exception {
    start(ja3Only().withBounds(64, 10, 3)
        .withTime(Duration.ofHours(1), Duration.ofDays(30), Duration.ofDays(2)));
    send(h(1), "s1", "10.0.0.1", A);
    send(h(2), "s1", "10.0.0.1", B);
    send(h(3), "s1", "10.0.0.1", C);
    send(h(4), "s1", "10.0.0.1", S1); // a fourth key: over the cap
    assertNull(stats("ja3:" + S1));
    assertEquals(1, counters.get("state_full_dropped"));
    assertEquals(3, read(newOut).size());
    // A keeps being seen; B and C go idle and are forgotten after the 2-day retention.
    send(h(30), "s1", "10.0.0.1", A);
    send(h(60), "s1", "10.0.0.1", A);
    send(h(80), "s1", "10.0.0.1", A);
    assertNotNull(stats("ja3:" + A));
    assertNull(stats("ja3:" + B));
    assertNull(stats("ja3:" + C));
    assertEquals(2, counters.get("keys_expired"));
    // Room again: a new key is kept (and is new again if it was an expired one).
    send(h(81), "s1", "10.0.0.1", B);
    assertNotNull(stats("ja3:" + B));
    assertEquals(List.of(B), read(newOut).stream().map(n -> at(n, "tls.client.ja3")).toList());
  }

  @Test
  void readsJa4AndJa3nWhenTheSensorWritesThem() throws Exception {
    start(FleetConfig.defaults());
    ObjectNode e = (ObjectNode) JSON.readTree(event(h(1), "s1", "10.0.0.1", A, null, "x.example"));
    ((ObjectNode) e.get("tls").get("client"))
        .put("ja4", "t13d1516h2_8daaf6152771_e5627efa2ab1")
        .put("ja3n", C);
    in.pipeInput(A, e.toString());
    List<String> keys =
        read(newOut).stream().map(n -> at(n, "ja3sensor.fleet.key")).sorted().toList();
    assertEquals(
        List.of("ja3:" + A, "ja3n:" + C, "ja4:t13d1516h2_8daaf6152771_e5627efa2ab1"),
        keys);
    // The server name is counted by the client's JA4 (not its JA3) when it has one.
    assertNotNull(stats("sni:t13d1516h2_8daaf6152771_e5627efa2ab1|x.example"));
    assertNull(stats("sni:" + A + "|x.example"));
  }
}
