package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.sink.KafkaBroker;
import org.ja3sensor.sink.KafkaSink;
import org.ja3sensor.sink.TopicReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read --output kafka} end to end against a real broker (one for the class): the events
 * consumed from the topic are exactly the events {@code read} prints to stdout, and a broker crash
 * in the middle of a long read loses and duplicates nothing.
 */
class ReadKafkaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SAMPLES =
      Path.of(System.getProperty("ja3sensor.repoRoot", ".."), "samples");
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

  private static List<String> samples() throws IOException {
    try (Stream<Path> s = Files.list(SAMPLES)) {
      List<String> files =
          s.filter(p -> p.toString().endsWith(".pcap")).map(Path::toString).sorted().toList();
      assertTrue(files.size() >= 5, "sample captures in " + SAMPLES + ": " + files);
      return files;
    }
  }

  private static List<String> lines(String out) {
    List<String> l = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        l.add(CliRun.withoutRunFields(line));
      }
    }
    return l;
  }

  private static Map<String, Integer> multiset(List<String> values) {
    Map<String, Integer> m = new TreeMap<>();
    for (String v : values) {
      m.merge(v, 1, Integer::sum);
    }
    return m;
  }

  private static String expectedKey(String json) throws IOException {
    JsonNode n = JSON.readTree(json);
    String ja3 = CliRun.text(n, "tls.client.ja3");
    return ja3 != null ? ja3 : CliRun.text(n, "tls.server.ja3s");
  }

  private static String header(ConsumerRecord<String, String> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * The consumed records equal {@code expected} as a multiset (each event exactly once), carry the
   * right key and headers, and the events of one key keep stdout's order.
   */
  private static void assertSameEvents(
      List<String> expected, List<ConsumerRecord<String, String>> records, String sensor)
      throws IOException {
    List<String> values = new ArrayList<>();
    Map<String, List<String>> byKeyConsumed = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      values.add(CliRun.withoutRunFields(r.value()));
      assertEquals(expectedKey(r.value()), r.key(), "key of " + r.value());
      assertEquals(EventJson.SCHEMA_VERSION, header(r, KafkaSink.HEADER_SCHEMA_VERSION));
      assertEquals(sensor, header(r, KafkaSink.HEADER_SENSOR_NAME));
      if (r.key() != null) {
        byKeyConsumed
            .computeIfAbsent(r.key(), k -> new ArrayList<>())
            .add(CliRun.withoutRunFields(r.value()));
      }
    }
    assertEquals(expected.size(), values.size(), "number of events");
    assertEquals(multiset(expected), multiset(values));
    Map<String, List<String>> byKeyExpected = new HashMap<>();
    for (String v : expected) {
      String k = expectedKey(v);
      if (k != null) {
        byKeyExpected.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
    assertEquals(byKeyExpected, byKeyConsumed, "order of the events of each key");
  }

  @Test
  void readingTheSamplesIntoKafkaGivesExactlyTheStdoutEvents() throws IOException {
    List<String> files = samples();
    List<String> args = new ArrayList<>(List.of("read", "-q", "--sensor-name", "e2e"));
    args.addAll(files);
    CliRun stdout = CliRun.run(args.toArray(String[]::new));
    assertEquals(0, stdout.exitCode, stdout.err);
    List<String> expected = lines(stdout.out);
    assertTrue(expected.size() >= files.size(), "events from the samples: " + expected.size());

    List<String> kafkaArgs = new ArrayList<>(List.of("read"));
    kafkaArgs.addAll(files);
    kafkaArgs.addAll(
        List.of(
            "--output", "kafka",
            "--kafka-bootstrap", broker.bootstrap(),
            "--kafka-topic", "samples",
            "--spool-dir", tmp.resolve("spool").toString(),
            "--sensor-name", "e2e"));
    CliRun kafka = CliRun.run(kafkaArgs.toArray(String[]::new));
    assertEquals(0, kafka.exitCode, kafka.err);
    assertEquals("", kafka.out, "nothing on stdout with --output kafka");
    assertTrue(
        kafka.err.contains("output     sent " + expected.size() + ","), "summary: " + kafka.err);

    assertSameEvents(
        expected, TopicReader.readAll(broker.bootstrap(), "samples", Duration.ofSeconds(60)), "e2e");
  }

  @Test
  void aBrokerUnreachableAtExitMakesReadFailAndKeepsTheEventsForTheNextRun() throws IOException {
    List<String> files = samples().subList(0, 3);
    broker.stop();
    CliRun run;
    try {
      List<String> args = new ArrayList<>(List.of("read"));
      args.addAll(files);
      args.addAll(
          List.of(
              "--output", "kafka",
              "--kafka-bootstrap", broker.bootstrap(),
              "--kafka-topic", "unreachable",
              "--kafka-close-timeout", "1",
              "--spool-dir", tmp.resolve("spool").toString()));
      run = CliRun.run(args.toArray(String[]::new));
    } finally {
      broker.start();
    }
    assertEquals(3, run.exitCode, run.err);
    assertTrue(run.err.contains("events could not be delivered"), run.err);
    assertTrue(run.err.contains("wait in the spool " + tmp.resolve("spool")), run.err);
  }

  /** Captures the pcap records of the samples: [header(16) + data] each, little-endian pcap. */
  private static List<byte[]> records(List<String> files) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String f : files) {
      byte[] b = Files.readAllBytes(Path.of(f));
      ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(0xa1b2c3d4, bb.getInt(0), f + ": little-endian microsecond pcap expected");
      assertEquals(1, bb.getInt(20), f + ": Ethernet link type expected");
      int pos = 24;
      while (pos + 16 <= b.length) {
        int len = bb.getInt(pos + 8);
        out.add(java.util.Arrays.copyOfRange(b, pos, pos + 16 + len));
        pos += 16 + len;
      }
    }
    return out;
  }

  /** One copy of the sample records, timestamps shifted by {@code copy} hours. */
  private static byte[] copy(List<byte[]> records, int copy) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] r : records) {
      byte[] c = r.clone();
      ByteBuffer bb = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
      bb.putInt(0, bb.getInt(0) + copy * 3600);
      out.writeBytes(c);
    }
    return out.toByteArray();
  }

  private static byte[] pcapHeader() {
    ByteBuffer bb = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    bb.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    bb.putInt(262144).putInt(1);
    return bb.array();
  }

  private static List<String> withoutFilePath(List<String> events) throws IOException {
    List<String> out = new ArrayList<>();
    for (String e : events) {
      ObjectNode n = (ObjectNode) JSON.readTree(e);
      n.remove("log");
      ((ObjectNode) n.get("event")).remove(List.of("id", "created")); // per run
      out.add(JSON.writeValueAsString(n));
    }
    return out;
  }

  @Test
  void brokerCrashDuringALongReadLosesAndDuplicatesNothing() throws Exception {
    List<byte[]> records = records(samples());
    int copies = 12;
    Path whole = tmp.resolve("long.pcap");
    try (OutputStream o = Files.newOutputStream(whole)) {
      o.write(pcapHeader());
      for (int c = 0; c < copies; c++) {
        o.write(copy(records, c));
      }
    }
    CliRun stdout = CliRun.run("read", "-q", "--sensor-name", "long", whole.toString());
    assertEquals(0, stdout.exitCode, stdout.err);
    List<String> expected = lines(stdout.out);

    // The sensor in its own JVM, reading a capture that arrives on stdin copy by copy.
    Path err = tmp.resolve("sensor.err");
    Process sensor =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "read", "-", "-q",
                "--output", "kafka",
                "--kafka-bootstrap", broker.bootstrap(),
                "--kafka-topic", "long-read",
                "--kafka-buffer-bytes", "4k", // small: the outage spills into the spool
                "--kafka-close-timeout", "180",
                "--spool-dir", tmp.resolve("spool").toString(),
                "--sensor-name", "long")
            .redirectOutput(tmp.resolve("sensor.out").toFile())
            .redirectError(err.toFile())
            .start();
    try (OutputStream in = sensor.getOutputStream()) {
      in.write(pcapHeader());
      for (int c = 0; c < 3; c++) {
        in.write(copy(records, c));
      }
      in.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (TopicReader.count(broker.bootstrap(), "long-read") == 0) {
        assertTrue(System.nanoTime() < deadline, "no event reached Kafka: " + Files.readString(err));
        Thread.sleep(100);
      }
      broker.kill();
      for (int c = 3; c < 9; c++) {
        in.write(copy(records, c));
        in.flush();
        Thread.sleep(200);
      }
      broker.start();
      for (int c = 9; c < copies; c++) {
        in.write(copy(records, c));
        in.flush();
      }
    } finally {
      if (!broker.isRunning()) {
        broker.start();
      }
    }
    assertTrue(sensor.waitFor(240, TimeUnit.SECONDS), "sensor did not finish");
    String stderr = Files.readString(err);
    assertEquals(0, sensor.exitValue(), stderr);
    assertTrue(stderr.contains("spooling to"), "the outage went through the spool: " + stderr);

    List<ConsumerRecord<String, String>> records2 =
        TopicReader.readAll(broker.bootstrap(), "long-read", Duration.ofSeconds(60));
    List<String> consumed = new ArrayList<>();
    for (ConsumerRecord<String, String> r : records2) {
      consumed.add(r.value());
    }
    assertEquals(expected.size(), consumed.size(), "number of events; sensor stderr: " + stderr);
    assertEquals(multiset(withoutFilePath(expected)), multiset(withoutFilePath(consumed)));
  }
}
