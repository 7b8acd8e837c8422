package org.ja3sensor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.ja3sensor.event.EventJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink against a real single-node broker (one per class): delivery, keys and headers,
 * an outage in the middle of a stream, and a spool too small for the outage.
 */
class KafkaSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KafkaBroker broker;

  @TempDir Path tmp;

  @BeforeAll
  static void startBroker() throws IOException {
    broker = KafkaBroker.startTemporary();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /** A synthetic event of about 300 bytes; every 50th is an alert. */
  private static String json(String run, int seq) {
    return "{\"run\":\"" + run + "\",\"seq\":" + seq + ",\"tls\":{\"client\":{\"ja3\":\""
        + key(seq) + "\",\"ja3_string\":\"771,4865-4866-4867-49195-49199,0-23-65281-10-11-35-16"
        + "-5-13-18-51-45-43-27,29-23-24,0\"}},\"pad\":\"" + "x".repeat(seq % 90) + "\"}";
  }

  private static String key(int seq) {
    return seq % 11 == 0 ? null : String.format("%032x", (seq % 37) * 0x9E3779B97F4AL);
  }

  private static boolean alert(int seq) {
    return seq % 50 == 0;
  }

  private static int seqOf(ConsumerRecord<String, String> r) throws IOException {
    JsonNode n = JSON.readTree(r.value());
    return n.get("seq").asInt();
  }

  private KafkaSinkConfig config(String topic, String alertTopic) {
    return KafkaSinkConfig.of(broker.bootstrap(), tmp.resolve("spool"))
        .withTopics(topic, alertTopic)
        .withSensorName("sensor-a")
        .withCloseTimeout(Duration.ofSeconds(120));
  }

  /**
   * Checks that the records hold each of {@code expected} exactly once, that within a partition
   * they are in publishing order, and that records of one key share a partition.
   */
  private static void assertExactlyOnceInOrder(
      List<ConsumerRecord<String, String>> records, Set<Integer> expected, String what)
      throws IOException {
    Map<Integer, Integer> count = new HashMap<>();
    Map<Integer, Integer> lastSeqInPartition = new HashMap<>();
    Map<String, Integer> partitionOfKey = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      int seq = seqOf(r);
      count.merge(seq, 1, Integer::sum);
      Integer last = lastSeqInPartition.put(r.partition(), seq);
      if (last != null) {
        assertTrue(
            seq > last,
            what + ": partition " + r.partition() + " has seq " + seq + " after " + last);
      }
      if (r.key() != null) {
        Integer p = partitionOfKey.putIfAbsent(r.key(), r.partition());
        assertTrue(p == null || p == r.partition(), what + ": key " + r.key() + " split");
      }
    }
    List<Integer> dups = new ArrayList<>();
    count.forEach((s, n) -> {
      if (n > 1) {
        dups.add(s);
      }
    });
    assertEquals(List.of(), dups, what + ": events delivered more than once");
    Set<Integer> missing = new HashSet<>(expected);
    missing.removeAll(count.keySet());
    assertEquals(Set.of(), missing, what + ": events never delivered");
    Set<Integer> extra = new HashSet<>(count.keySet());
    extra.removeAll(expected);
    assertEquals(Set.of(), extra, what + ": unexpected events");
  }

  private static String header(ConsumerRecord<String, String> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void deliversEveryEventOnceInOrderWithKeysHeadersAndAlertTopic() throws IOException {
    broker.createTopic("basic", 3);
    broker.createTopic("basic-alerts", 1);
    int n = 20_000;
    KafkaSink sink = new KafkaSink(config("basic", "basic-alerts"));
    for (int i = 0; i < n; i++) {
      sink.publish(json("basic", i), key(i), alert(i));
    }
    sink.close();
    Map<String, Long> c = sink.counters();
    assertEquals(n, c.get("sent"), "counters " + c);
    assertEquals(0, c.get("failed"), "counters " + c);
    assertEquals(0, c.get("spooled"), "counters " + c);
    assertEquals(0, c.get("replayed"), "counters " + c);

    List<ConsumerRecord<String, String>> events =
        TopicReader.readAll(broker.bootstrap(), "basic", Duration.ofSeconds(60));
    List<ConsumerRecord<String, String>> alerts =
        TopicReader.readAll(broker.bootstrap(), "basic-alerts", Duration.ofSeconds(60));
    Set<Integer> wantEvents = new HashSet<>();
    Set<Integer> wantAlerts = new HashSet<>();
    for (int i = 0; i < n; i++) {
      (alert(i) ? wantAlerts : wantEvents).add(i);
    }
    assertExactlyOnceInOrder(events, wantEvents, "events topic");
    assertExactlyOnceInOrder(alerts, wantAlerts, "alerts topic");

    Set<Integer> partitions = new HashSet<>();
    for (ConsumerRecord<String, String> r : events) {
      int seq = seqOf(r);
      assertEquals(json("basic", seq), r.value(), "value of seq " + seq);
      assertEquals(key(seq), r.key(), "key of seq " + seq);
      assertEquals(EventJson.SCHEMA_VERSION, header(r, KafkaSink.HEADER_SCHEMA_VERSION));
      assertEquals("sensor-a", header(r, KafkaSink.HEADER_SENSOR_NAME));
      partitions.add(r.partition());
    }
    assertEquals(3, partitions.size(), "keys spread over the 3 partitions");
    assertEquals("sensor-a", header(alerts.get(0), KafkaSink.HEADER_SENSOR_NAME));
  }

  @Test
  void brokerCrashInTheMiddleOfAStreamLosesAndDuplicatesNothing() throws Exception {
    broker.createTopic("outage", 3);
    // A small memory bound so that the outage spills into the spool.
    KafkaSinkConfig cfg = config("outage", null).withBounds(256 * 1024, 64L << 20);
    KafkaSink sink = new KafkaSink(cfg);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong published = new AtomicLong();
    AtomicLong slowestPublishNanos = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    Thread producer =
        new Thread(
            () -> {
              try {
                int i = 0;
                while (!stop.get()) {
                  for (int k = 0; k < 20; k++, i++) {
                    long t0 = System.nanoTime();
                    sink.publish(json("outage", i), key(i), false);
                    long dt = System.nanoTime() - t0;
                    slowestPublishNanos.accumulateAndGet(dt, Math::max);
                  }
                  published.set(i);
                  Thread.sleep(2); // about 5 000 events/s, a busy sensor's rate
                }
              } catch (Exception e) {
                failures.incrementAndGet();
                e.printStackTrace();
              }
            },
            "test-publisher");
    producer.start();
    try {
      waitUntil(() -> sink.counters().get("sent") > 2_000, Duration.ofSeconds(60));
      broker.kill();
      // Keep producing while the broker is down, well past the memory bound.
      waitUntil(() -> sink.counters().get("spooled") > 5_000, Duration.ofSeconds(60));
      broker.start();
      long atRestart = published.get();
      // ... and while the spool is being replayed.
      waitUntil(() -> published.get() > atRestart + 5_000, Duration.ofSeconds(60));
    } finally {
      stop.set(true);
      producer.join();
      if (!broker.isRunning()) {
        broker.start();
      }
    }
    assertEquals(0, failures.get(), "publish threw");
    sink.close();
    long n = published.get();
    Map<String, Long> c = sink.counters();
    assertEquals(n, c.get("sent"), "counters " + c);
    assertEquals(0, c.get("failed"), "counters " + c);
    assertTrue(c.get("spooled") > 5_000, "counters " + c);
    assertEquals(c.get("spooled"), c.get("replayed"), "counters " + c);
    // Not asserted: retried > 0. Whether the producer had a batch in flight when the broker died
    // is timing (seen 0 once on a loaded machine); the outage shows in spooled and replayed.
    assertTrue(
        slowestPublishNanos.get() < 1_000_000_000L,
        "publish blocked for " + slowestPublishNanos.get() / 1_000_000 + " ms");

    Set<Integer> want = new HashSet<>();
    for (int i = 0; i < n; i++) {
      want.add(i);
    }
    assertExactlyOnceInOrder(
        TopicReader.readAll(broker.bootstrap(), "outage", Duration.ofSeconds(120)),
        want,
        "after a broker crash");
  }

  @Test
  void outageLongerThanTheSpoolIsCountedAndReportedThenTheSpoolIsReplayedFirst()
      throws Exception {
    broker.createTopic("small-spool", 3);
    broker.stop();
    int n = 2_000;
    KafkaSinkConfig cfg =
        config("small-spool", null)
            .withBounds(16 * 1024, 64 * 1024)
            .withCloseTimeout(Duration.ofSeconds(3));
    KafkaSink sink = new KafkaSink(cfg);
    UndeliveredEventsException e;
    try {
      for (int i = 0; i < n; i++) {
        sink.publish(json("small", i), key(i), false);
      }
      e = assertThrows(UndeliveredEventsException.class, sink::close);
    } finally {
      broker.start();
    }
    Map<String, Long> c = sink.counters();
    assertTrue(c.get("failed") > 0, "counters " + c);
    assertEquals(c.get("failed"), e.lost(), e.getMessage());
    assertEquals(c.get("spool_pending"), e.spooled(), e.getMessage());
    assertEquals(0, c.get("sent"), "counters " + c);
    assertTrue(e.spooled() > 0 && e.spooled() + e.lost() == n, e.getMessage());
    assertTrue(e.getMessage().contains(tmp.resolve("spool").toString()), e.getMessage());

    // The next run with the same spool sends the spooled events before its own.
    KafkaSink next = new KafkaSink(config("small-spool", null));
    for (int i = n; i < n + 50; i++) {
      next.publish(json("small", i), key(i), false);
    }
    next.close();
    Map<String, Long> c2 = next.counters();
    // While the old spool is replayed, new events queue behind it in the spool.
    assertEquals(e.spooled() + c2.get("spooled"), c2.get("replayed"), "counters " + c2);
    assertEquals(e.spooled() + 50, c2.get("sent"), "counters " + c2);
    assertEquals(0, c2.get("failed"), "counters " + c2);

    List<ConsumerRecord<String, String>> records =
        TopicReader.readAll(broker.bootstrap(), "small-spool", Duration.ofSeconds(60));
    Set<Integer> delivered = new HashSet<>();
    for (ConsumerRecord<String, String> r : records) {
      delivered.add(seqOf(r));
    }
    for (int i = n; i < n + 50; i++) {
      assertTrue(delivered.contains(i), "new event " + i + " delivered");
    }
    // Exactly once and in order (the replayed events come before the new ones in each partition).
    assertExactlyOnceInOrder(records, delivered, "after replay");
    assertEquals(e.spooled() + 50, records.size());
  }

  @Test
  void shutdownWhileTheBrokerIsDownSpoolsWhatTheProducerHeldAndTheNextRunSendsItOnce()
      throws Exception {
    broker.createTopic("shutdown", 3);
    KafkaSinkConfig cfg = config("shutdown", null).withCloseTimeout(Duration.ofSeconds(2));
    KafkaSink sink = new KafkaSink(cfg);
    for (int i = 0; i < 1_000; i++) {
      sink.publish(json("shutdown", i), key(i), false);
    }
    waitUntil(() -> sink.counters().get("sent") == 1_000, Duration.ofSeconds(60));
    // Nothing is in flight now, so nothing written by the broker can lack its acknowledgement.
    broker.kill();
    UndeliveredEventsException e;
    try {
      // These reach the producer (and stay there, unacknowledged) or the memory queue.
      for (int i = 1_000; i < 3_000; i++) {
        sink.publish(json("shutdown", i), key(i), false);
      }
      Thread.sleep(300);
      e = assertThrows(UndeliveredEventsException.class, sink::close);
    } finally {
      broker.start();
    }
    Map<String, Long> c = sink.counters();
    assertEquals(0, e.lost(), e.getMessage());
    assertEquals(2_000, e.spooled(), e.getMessage());
    assertEquals(1_000, c.get("sent"), "counters " + c);
    assertEquals(2_000, c.get("spool_pending"), "counters " + c);
    assertTrue(c.get("spool_bytes") >= 2_000L * json("shutdown", 0).length(), "counters " + c);

    KafkaSink next = new KafkaSink(config("shutdown", null));
    for (int i = 3_000; i < 3_100; i++) {
      next.publish(json("shutdown", i), key(i), false);
    }
    next.close();
    Map<String, Long> c2 = next.counters();
    assertEquals(2_100, c2.get("sent"), "counters " + c2);
    assertEquals(0, c2.get("failed"), "counters " + c2);

    Set<Integer> want = new HashSet<>();
    for (int i = 0; i < 3_100; i++) {
      want.add(i);
    }
    assertExactlyOnceInOrder(
        TopicReader.readAll(broker.bootstrap(), "shutdown", Duration.ofSeconds(60)),
        want,
        "after a shutdown with the broker down");
  }

  private static void waitUntil(java.util.function.BooleanSupplier cond, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!cond.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not reached within " + max);
      Thread.sleep(50);
    }
    assertNotNull(broker);
  }
}
