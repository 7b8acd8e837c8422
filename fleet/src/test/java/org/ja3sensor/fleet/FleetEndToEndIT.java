package org.ja3sensor.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.ja3sensor.sink.KafkaBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole fleet on a real broker (the sensor tests' child-JVM broker): three sensors ({@code
 * read --output kafka} of different samples, different {@code --sensor-name}) into one topic, two
 * aggregator instances in separate JVMs. Checks the new and rare alerts exactly once (committed
 * reads), a query answered by either instance (forwarded to the owner) and by {@code fleet
 * lookup}, and, after one instance is killed (SIGKILL), its partitions taken over by the other
 * with the statistics intact: sightings of known fingerprints raise no second new alert.
 */
class FleetEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT =
      Path.of(System.getProperty("ja3sensor.repoRoot", "..")).toAbsolutePath().normalize();
  private static final Path FLEET_JAR =
      Path.of(System.getProperty("ja3sensor.fleetJar", "target/ja3sensor-fleet.jar"))
          .toAbsolutePath();
  private static final String TOPIC = "fleet-events";
  private static final String NEW = "fleet.new";
  private static final String RARE = "fleet.rare";
  private static final String DLQ = "fleet.dead-letter";
  /**
   * Short rarity windows and grace, so that the event closing the samples' window is at most 12
   * minutes ahead of the wall clock (an aggregator refuses events more than 15 minutes ahead,
   * {@code --max-ahead}) even when the samples were recorded just now.
   */
  private static final Duration RARE_WINDOW = Duration.ofMinutes(10);
  private static final Duration GRACE = Duration.ofMinutes(1);

  @TempDir Path tmp;

  private KafkaBroker broker;
  private final List<Process> processes = new ArrayList<>();
  private final List<Collector> collectors = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopAll() throws IOException {
    // Keep the children's logs for a failed run.
    Path logs = Path.of("target", "fleet-e2e-logs");
    Files.createDirectories(logs);
    try (var l = Files.list(tmp)) {
      for (Path f : l.filter(f -> f.toString().endsWith(".log")).toList()) {
        Files.copy(f, logs.resolve(f.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    collectors.forEach(Collector::close);
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (broker != null) {
      broker.close();
    }
  }

  private final long start = System.nanoTime();

  /** Progress with the seconds since the test began (in the failsafe output file). */
  private void step(String what) {
    System.err.printf("fleet e2e %6.1f s: %s%n", (System.nanoTime() - start) / 1e9, what);
  }

  private Process child(String name, List<String> jvm, String mainClass, List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve(name + ".log").toFile())
        .start();
    processes.add(p);
    return p;
  }

  /**
   * {@code bin/ja3sensor fleet ARGS} on the built fleet jar, as an operator runs it; the launcher
   * execs java, so the process is the JVM itself (SIGKILL reaches it).
   */
  private ProcessBuilder launcher(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/ja3sensor").toString(), "fleet"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("JA3SENSOR_FLEET_JAR", FLEET_JAR.toString());
    pb.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    return pb;
  }

  private Process aggregator(String name, int port) throws IOException {
    Path props = tmp.resolve(name + ".properties");
    // Fast fail-over for the test: a killed member leaves the group after 6 s.
    Files.writeString(props, "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
    Process p = launcher(
        List.of("run", "--bootstrap", broker.bootstrap(), "--application-id", "fleet-e2e",
            "--input-topic", TOPIC, "--new-topic", NEW, "--rare-topic", RARE,
            "--spread-topic", "fleet.spread", "--dead-letter-topic", DLQ,
            "--state-dir", tmp.resolve(name + "-state").toString(),
            "--rare-window", RARE_WINDOW.toMinutes() + "m", "--grace", GRACE.toMinutes() + "m",
            "--listen", "127.0.0.1:" + port, "--kafka-config", props.toString()))
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve(name + ".log").toFile())
        .start();
    processes.add(p);
    return p;
  }

  /** {@code bin/ja3sensor fleet lookup ARGS}: checks its exit status, returns its output. */
  private JsonNode lookup(int expectedExit, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("lookup"));
    cmd.addAll(List.of(args));
    Path out = tmp.resolve("lookup.out");
    Path err = tmp.resolve("lookup.log");
    Process p = launcher(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    processes.add(p);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fleet lookup still running");
    assertEquals(expectedExit, p.exitValue(),
        "fleet lookup " + List.of(args) + ": " + Files.readString(out) + Files.readString(err));
    if (expectedExit == 2) {
      List<String> lines = Files.readAllLines(err);
      assertEquals(1, lines.size(), "one error line: " + lines);
      assertTrue(lines.get(0).startsWith("ja3sensor fleet: "), lines.get(0));
      return null;
    }
    return JSON.readTree(out.toFile());
  }

  private void sensors(String[]... runs) throws Exception {
    List<Process> ps = new ArrayList<>();
    for (String[] run : runs) {
      List<String> args = new ArrayList<>(List.of("read", "-q"));
      for (int i = 1; i < run.length; i++) {
        args.add(ROOT.resolve("samples").resolve(run[i]).toString());
      }
      args.addAll(List.of("--output", "kafka", "--kafka-bootstrap", broker.bootstrap(),
          "--kafka-topic", TOPIC, "--sensor-name", run[0],
          "--spool-dir", tmp.resolve("spool-" + run[0]).toString()));
      ps.add(child("sensor-" + run[0] + "-" + ps.size(),
          List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
          "org.ja3sensor.cli.Main", args));
    }
    for (Process p : ps) {
      assertTrue(p.waitFor(90, TimeUnit.SECONDS), "sensor still running");
      assertEquals(0, p.exitValue(), "sensor exit status");
    }
  }

  private JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode n = JSON.readTree(r.body());
    ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_status", r.statusCode());
    return n;
  }

  private void awaitRunning(int port, Process p, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertTrue(p.isAlive(), name + " exited: " + Files.readString(tmp.resolve(name + ".log")));
      try {
        if ("RUNNING".equals(get(port, "/stats").path("state").asText())) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(300);
    }
    throw new AssertionError(name + " not RUNNING: " + Files.readString(tmp.resolve(name + ".log")));
  }

  /** Every record of a topic, as a committed (read_committed) consumer sees it now. */
  private List<ConsumerRecord<String, String>> readCommitted(String topic) {
    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        return out;
      }
      List<TopicPartition> tps = new ArrayList<>();
      infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(10));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "reading " + topic);
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /**
   * A read_committed consumer of one topic that keeps everything it has received since the start
   * of the test (the topic read from its beginning, never re-read).
   */
  private final class Collector implements AutoCloseable {
    final KafkaConsumer<String, String> consumer;
    final List<ConsumerRecord<String, String>> records = new ArrayList<>();

    Collector(String topic) {
      Properties p = new Properties();
      p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
      p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
      List<TopicPartition> tps = new ArrayList<>();
      consumer.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
    }

    /** Alert keys and how often each came so far. */
    Map<String, Integer> counts(Duration poll) throws IOException {
      long end = System.nanoTime() + poll.toNanos();
      do {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      } while (System.nanoTime() < end);
      Map<String, Integer> m = new TreeMap<>();
      for (ConsumerRecord<String, String> r : records) {
        String key = JSON.readTree(r.value()).path("ja3sensor").path("fleet").path("key").asText();
        assertEquals(r.key(), key, "record key of " + r.value());
        m.merge(key, 1, Integer::sum);
      }
      return m;
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  /** Alert keys and how often each came, once the expected ones are all there (plus 3 s). */
  private static Map<String, Integer> awaitAlerts(Collector c, Set<String> expected)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      Map<String, Integer> got = c.counts(Duration.ofMillis(500));
      if (got.keySet().containsAll(expected)) {
        // Time for a duplicate to show up, if there were one.
        return c.counts(Duration.ofSeconds(3));
      }
      if (System.nanoTime() >= deadline) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(got.keySet());
        StringBuilder d = new StringBuilder();
        for (ConsumerRecord<String, String> r : c.records) {
          d.append(r.partition()).append('@').append(r.offset()).append('=').append(r.key())
              .append(' ');
        }
        throw new AssertionError("missing " + missing + "; records: " + d);
      }
    }
  }

  /** The alertable keys of the events now in the input topic (the sensors' own output). */
  private Set<String> inputKeys() throws IOException {
    Set<String> keys = new TreeSet<>();
    for (ConsumerRecord<String, String> r : readCommitted(TOPIC)) {
      JsonNode tls = JSON.readTree(r.value()).path("tls");
      String ja3 = tls.path("client").path("ja3").asText(null);
      String ja3s = tls.path("server").path("ja3s").asText(null);
      for (String[] f : new String[][] {
          {"ja4", tls.path("client").path("ja4").asText(null)},
          {"ja3", ja3},
          {"ja3n", tls.path("client").path("ja3n").asText(null)},
          {"ja3s", ja3s},
          {"ja3+ja3s", ja3 != null && ja3s != null ? ja3 + "+" + ja3s : null}}) {
        if (f[1] != null) {
          keys.add(f[0] + ":" + f[1]);
        }
      }
    }
    return keys;
  }

  /**
   * The event time that closes the rarity window of every event now in the input topic: the end
   * of the latest one's window, plus the grace, plus a minute.
   */
  private Instant closingTime() throws IOException {
    long latest = 0;
    for (ConsumerRecord<String, String> r : readCommitted(TOPIC)) {
      Instant t = Instant.parse(JSON.readTree(r.value()).path("@timestamp").asText());
      latest = Math.max(latest, t.toEpochMilli());
    }
    long w = RARE_WINDOW.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(latest, w) * w + w)
        .plus(GRACE).plus(Duration.ofMinutes(1));
  }

  /**
   * Events at {@code time} whose keys land in each of the three partitions: moves every task's
   * stream time.
   */
  private void tick(Instant time) {
    Properties p = new Properties();
    p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    Set<Integer> covered = new TreeSet<>();
    try (KafkaProducer<String, String> prod =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; covered.size() < 3; i++) {
        String ja3 = String.format("%032x", i + 0xfeed);
        int part = Utils.toPositive(Utils.murmur2(("ja3:" + ja3).getBytes(StandardCharsets.UTF_8)))
            % 3;
        if (covered.add(part)) {
          prod.send(new ProducerRecord<>(TOPIC, ja3,
              "{\"@timestamp\":\"" + time + "\",\"observer\":{\"name\":\"tick\"},"
                  + "\"source\":{\"ip\":\"192.0.2.99\"},\"tls\":{\"client\":{\"ja3\":\"" + ja3
                  + "\"}}}"));
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void threeSensorsTwoInstancesAlertsExactlyOnceQueriesAnywhereAndFailOverKeepsState()
      throws Exception {
    broker = KafkaBroker.startTemporary();
    broker.createTopic(TOPIC, 3);
    step("broker up");
    int portA = freePort();
    int portB = freePort();
    Process a = aggregator("a", portA);
    Process b = aggregator("b", portB);
    awaitRunning(portA, a, "a");
    awaitRunning(portB, b, "b");
    step("both aggregators RUNNING");
    Collector newAlerts = new Collector(NEW);
    Collector rareAlerts = new Collector(RARE);
    collectors.add(newAlerts);
    collectors.add(rareAlerts);

    sensors(
        new String[] {"s1", "curl-tls12.pcap", "curl-tls13.pcap"},
        new String[] {"s2", "curl-tls13.pcap", "python-ssl.pcap"},
        new String[] {"s3", "gnutls-cli.pcap", "openssl-s_client.pcap"});
    step("three sensors done");
    Set<String> sampleKeys = inputKeys();
    assertTrue(sampleKeys.size() >= 8, "fingerprints in the samples: " + sampleKeys);
    tick(closingTime());
    Set<String> withTicks = inputKeys();

    // New: every fingerprint once, the ones two sensors saw included. Rare: the samples' (one
    // client host each) once their window closed; the ticks' window is still open.
    Map<String, Integer> news = awaitAlerts(newAlerts, withTicks);
    assertEquals(withTicks, news.keySet());
    news.forEach((k, n) -> assertEquals(1, n, "new-fingerprint alerts for " + k));
    step("new alerts checked");
    Map<String, Integer> rare = awaitAlerts(rareAlerts, sampleKeys);
    assertEquals(sampleKeys, rare.keySet());
    rare.forEach((k, n) -> assertEquals(1, n, "rare alerts for " + k));
    assertTrue(readCommitted(DLQ).isEmpty(), "dead letters: " + readCommitted(DLQ));
    step("rare alerts checked");

    // A JA3 both s1 and s2 sent (curl-tls13): either instance answers, one of them by asking
    // the other; fleet lookup gives the same.
    Map<String, JsonNode> before = new HashMap<>();
    Set<String> servedBy = new TreeSet<>();
    for (String key : sampleKeys) {
      JsonNode fromA = get(portA, "/fingerprints/" + enc(key));
      JsonNode fromB = get(portB, "/fingerprints/" + enc(key));
      assertEquals(200, fromA.get("_status").asInt(), fromA.toString());
      assertEquals(fromA.get("results"), fromB.get("results"), key);
      before.put(key, fromA.get("results").get(0));
      servedBy.add(fromA.get("results").get(0).get("served_by").asText());
    }
    assertEquals(Set.of("127.0.0.1:" + portA, "127.0.0.1:" + portB), servedBy,
        "both instances own some keys");
    JsonNode shared = null;
    for (JsonNode s : before.values()) {
      if (s.get("key").asText().startsWith("ja3:") && s.get("sensors").get("count").asInt() == 2) {
        shared = s;
      }
    }
    assertTrue(shared != null, "a JA3 seen by two sensors: " + before.values());
    assertEquals(Set.of("s1", "s2"),
        new TreeSet<>(JSON.convertValue(shared.get("sensors").get("names"), List.class)));
    String sharedJa3 = shared.get("fingerprint").get("value").asText();
    JsonNode looked = lookup(0, sharedJa3, "--url", "http://127.0.0.1:" + portB);
    assertEquals(shared.get("connections"), looked.get("results").get(0).get("connections"));
    lookup(1, "ja3:" + "0".repeat(32), "--url", "http://127.0.0.1:" + portA);
    lookup(2, sharedJa3, "--url", "http://127.0.0.1:" + freePort(), "--timeout", "1s");
    JsonNode rareList = get(portA, "/fingerprints?rare=true");
    assertEquals(withTicks.size(), rareList.get("count").asInt(), rareList.toString());
    step("queries checked; killing b");

    // Kill B: A takes its partitions over and restores their state from the changelogs.
    b.destroyForcibly();
    assertTrue(b.waitFor(20, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (String key : sampleKeys) {
      while (true) {
        JsonNode r = get(portA, "/fingerprints/" + enc(key));
        if (r.get("_status").asInt() == 200
            && r.get("results").get(0).get("served_by").asText().endsWith(":" + portA)) {
          JsonNode now = r.get("results").get(0);
          assertEquals(before.get(key).get("connections"), now.get("connections"), key);
          assertEquals(before.get(key).get("first_seen"), now.get("first_seen"), key);
          assertEquals(before.get(key).get("hosts"), now.get("hosts"), key);
          break;
        }
        assertTrue(System.nanoTime() < deadline, "A did not take " + key + " over: " + r);
        Thread.sleep(500);
      }
    }

    // More traffic: known fingerprints raise no new alert, the unknown ones exactly one.
    sensors(new String[] {"s3", "java-httpclient.pcap", "curl-tls12.pcap"});
    step("a took over; fourth sensor run done");
    Set<String> all = inputKeys();
    assertNotEquals(withTicks, all, "java-httpclient brings new fingerprints");
    news = awaitAlerts(newAlerts, all);
    assertEquals(all, news.keySet());
    news.forEach((k, n) -> assertEquals(1, n, "new-fingerprint alerts for " + k));
    JsonNode after = get(portA, "/fingerprints/" + enc("ja3:" + sharedJa3));
    assertEquals(200, after.get("_status").asInt(), after.toString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%2B");
  }
}
