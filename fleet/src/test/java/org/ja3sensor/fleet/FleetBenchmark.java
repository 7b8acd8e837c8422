package org.ja3sensor.fleet;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.ja3sensor.sink.KafkaBroker;

/**
 * Benchmark (not a test; scripts/bench-fleet.sh runs it): the events per second one aggregator
 * instance (one stream thread, exactly_once_v2, RocksDB) sustains from a topic preloaded with
 * synthetic sensor events, then the delay from an event's send to its new-fingerprint alert
 * being readable (read_committed). Events: {@code --fingerprints} distinct JA3s drawn from a
 * Zipf distribution (exponent 1.1: a few very common, a long tail seen once or twice), each with a
 * JA3S from 50, a client host from 20,000, a sensor from 5 and a server name from 2,000.
 *
 * <p>{@code FleetBenchmark [--events N] [--fingerprints N] [--probes N]}
 */
public final class FleetBenchmark {
  private static final String TOPIC = "bench-events";

  public static void main(String[] args) throws Exception {
    int events = 1_000_000;
    int fingerprints = 3_000;
    int probes = 20;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[i + 1]);
        case "--fingerprints" -> fingerprints = Integer.parseInt(args[i + 1]);
        case "--probes" -> probes = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("fleet-bench-");
    try (KafkaBroker broker = KafkaBroker.startTemporary(KafkaBroker.fullJvmOptions())) {
      broker.createTopic(TOPIC, 3);
      long t0 = System.nanoTime();
      preload(broker.bootstrap(), events, fingerprints);
      System.out.printf("preloaded %,d events (%,d fingerprints) in %.1f s%n",
          events, fingerprints, (System.nanoTime() - t0) / 1e9);

      FleetConfig cfg = FleetConfig.defaults().withInputTopics(List.of(TOPIC));
      Properties p = new Properties();
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleet-bench");
      p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
      p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
      KafkaStreams streams =
          new KafkaStreams(FleetTopology.build(cfg, new FleetCounters(), System::currentTimeMillis), p);
      for (String t : List.of(cfg.newTopic(), cfg.rareTopic(), cfg.spreadTopic(),
          cfg.deadLetterTopic())) {
        broker.createTopic(t, 3);
      }
      long start = System.nanoTime();
      streams.start();
      awaitConsumed(broker.bootstrap(), "fleet-bench", TOPIC, Duration.ofMinutes(30));
      double secs = (System.nanoTime() - start) / 1e9;
      System.out.printf("consumed %,d events in %.1f s (start-up included): %,.0f events/s%n",
          events, secs, events / secs);

      long[] delays = probe(broker.bootstrap(), cfg.newTopic(), probes);
      Arrays.sort(delays);
      System.out.printf("event -> new-fingerprint alert (read_committed), %d probes: median %d ms,"
              + " p90 %d ms, max %d ms%n", probes, delays[probes / 2], delays[probes * 9 / 10],
          delays[probes - 1]);
      streams.close(Duration.ofSeconds(30));
    }
  }

  static String event(Instant t, String ja3, String ja3s, String host, String sensor, String sni) {
    return "{\"@timestamp\":\"" + t + "\",\"event\":{\"kind\":\"event\",\"category\":[\"network\"],"
        + "\"type\":[\"protocol\"],\"dataset\":\"ja3sensor.tls\",\"module\":\"ja3sensor\"},"
        + "\"source\":{\"ip\":\"" + host + "\",\"port\":50000},\"destination\":{\"ip\":\"192.0.2.1\","
        + "\"port\":443},\"network\":{\"transport\":\"tcp\",\"type\":\"ipv4\",\"protocol\":\"tls\"},"
        + "\"tls\":{\"version\":\"1.3\",\"client\":{\"ja3\":\"" + ja3 + "\",\"server_name\":\"" + sni
        + "\"},\"server\":{\"ja3s\":\"" + ja3s + "\"}},\"observer\":{\"name\":\"" + sensor + "\"}}";
  }

  private static void preload(String bootstrap, int events, int fingerprints) {
    double[] cdf = new double[fingerprints];
    double sum = 0;
    for (int i = 0; i < fingerprints; i++) {
      sum += 1 / Math.pow(i + 1, 1.1);
      cdf[i] = sum;
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    SplittableRandom rnd = new SplittableRandom(17);
    // Event times: the last hour before now, in order, so nothing is late or outside the stream.
    long base = System.currentTimeMillis() - 3_600_000L;
    try (KafkaProducer<byte[], byte[]> prod =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        int f = Arrays.binarySearch(cdf, rnd.nextDouble() * sum);
        f = f < 0 ? -f - 1 : f;
        String ja3 = String.format("%032x", f);
        String json = event(Instant.ofEpochMilli(base + 3_600_000L * i / events), ja3,
            String.format("%032x", 1_000_000 + f % 50), "10.0." + rnd.nextInt(80) + "."
                + rnd.nextInt(250), "sensor-" + rnd.nextInt(5), "host" + rnd.nextInt(2000)
                + ".example");
        prod.send(new ProducerRecord<>(TOPIC, ja3.getBytes(StandardCharsets.US_ASCII),
            json.getBytes(StandardCharsets.UTF_8)));
      }
      prod.flush();
    }
  }

  /** Waits until the application's committed offsets reach the topic's end. */
  private static void awaitConsumed(String bootstrap, String group, String topic, Duration max)
      throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      tps.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      Map<TopicPartition, Long> end = new java.util.HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
      long deadline = System.nanoTime() + max.toNanos();
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        boolean done = true;
        for (TopicPartition tp : tps) {
          OffsetAndMetadata o = committed.get(tp);
          done &= o != null && o.offset() >= end.get(tp);
        }
        if (done) {
          return;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("not consumed within " + max);
    }
  }

  /** Sends events with fresh fingerprints one at a time; ms until each one's alert is read. */
  private static long[] probe(String bootstrap, String alertTopic, int n) throws Exception {
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    long[] delays = new long[n];
    try (KafkaConsumer<String, String> c =
            new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer());
        KafkaProducer<byte[], byte[]> prod =
            new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(alertTopic).forEach(i -> tps.add(new TopicPartition(alertTopic, i.partition())));
      c.assign(tps);
      c.seekToEnd(tps);
      tps.forEach(c::position);
      for (int i = 0; i < n; i++) {
        String ja3 = String.format("%032x", 0xabc000000L + i);
        String key = "ja3:" + ja3;
        long t0 = System.nanoTime();
        prod.send(new ProducerRecord<>(TOPIC, ja3.getBytes(StandardCharsets.US_ASCII),
            event(Instant.now(), ja3, String.format("%032x", 1_000_000), "10.9.9.9", "probe",
                "probe.example").getBytes(StandardCharsets.UTF_8)));
        prod.flush();
        boolean seen = false;
        while (!seen) {
          for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(5))) {
            seen |= key.equals(r.key());
          }
          if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
            throw new IllegalStateException("no alert for " + key + " within 60 s");
          }
        }
        delays[i] = (System.nanoTime() - t0) / 1_000_000;
      }
    }
    return delays;
  }
}
