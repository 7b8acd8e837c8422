package org.ja3sensor.fleet;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.ja3sensor.sink.KafkaBroker;

/**
 * Benchmark (not a test; scripts/bench-fleet.sh runs it): the events per second one aggregator
 * instance (one stream thread, exactly_once_v2, RocksDB) sustains from a topic preloaded with
 * synthetic sensor events, then the delay from an event's send to its new-fingerprint alert
 * being readable (read_committed). Events: {@code --fingerprints} distinct JA3s drawn from a
 * Zipf distribution (exponent 1.1: a few very common, a long tail seen once or twice), each with a
 * JA3N and JA4 shared by two JA3s, a JA3S from 50, a client host from 20,000, a sensor from 5 and
 * a server name from 2,000: six keys per event (JA4, JA3, JA3N, JA3S, JA3+JA3S, SNI by JA4).
 *
 * <p>It always ends: it fails at once when the application stops (a stream thread's error shuts
 * the client down instead of being replaced), when the committed offsets stop moving for {@code
 * --stall} seconds, or after {@code --timeout} seconds; a probe whose alert does not come within
 * 60 s is counted as lost, not waited for. The broker is a child JVM that exits when this JVM
 * does (it watches its stdin), and this JVM ends with {@code System.exit}, so no client thread
 * keeps it alive.
 *
 * <p>Besides the wall-clock rate it prints the CPU time the aggregator (this JVM) and the broker
 * (its child JVM) spent on the backlog, which depends much less on what else runs on the machine,
 * and the 1-minute load average sampled every 10 s.
 *
 * <p>{@code FleetBenchmark [--events N] [--fingerprints N] [--probes N] [--timeout S] [--stall S]
 * [--set STREAMS_PROPERTY=VALUE]...}: {@code --set} (repeatable) overrides one of the Kafka
 * Streams properties the aggregator runs with ({@link FleetMain.Run#tuning}), for trials.
 */
public final class FleetBenchmark {
  private static final String TOPIC = "bench-events";
  private static final String APP = "fleet-bench";

  public static void main(String[] args) {
    int status;
    try {
      status = run(args);
    } catch (Exception e) {
      System.err.println("fleet benchmark: " + e);
      status = 1;
    }
    System.exit(status);
  }

  private static int run(String[] args) throws Exception {
    int events = 1_000_000;
    int fingerprints = 3_000;
    int probes = 20;
    long timeoutS = 1800;
    long stallS = 180;
    Properties overrides = new Properties();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + ": value missing");
      }
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[i + 1]);
        case "--fingerprints" -> fingerprints = Integer.parseInt(args[i + 1]);
        case "--probes" -> probes = Integer.parseInt(args[i + 1]);
        case "--timeout" -> timeoutS = Long.parseLong(args[i + 1]);
        case "--stall" -> stallS = Long.parseLong(args[i + 1]);
        case "--set" -> {
          String kv = args[i + 1];
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--set " + kv + ": expected PROPERTY=VALUE");
          }
          overrides.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
    Path dir = Files.createTempDirectory("fleet-bench-");
    try (KafkaBroker broker = KafkaBroker.startTemporary(KafkaBroker.fullJvmOptions())) {
      broker.createTopic(TOPIC, 3);
      long t0 = System.nanoTime();
      Set<String> sentinels = preload(broker.bootstrap(), events, fingerprints);
      System.out.printf("preloaded %,d events (%,d fingerprints) in %.1f s%n",
          events, fingerprints, (System.nanoTime() - t0) / 1e9);

      FleetConfig cfg = FleetConfig.defaults().withInputTopics(List.of(TOPIC));
      for (String t : List.of(cfg.newTopic(), cfg.rareTopic(), cfg.spreadTopic(),
          cfg.deadLetterTopic())) {
        broker.createTopic(t, 3);
      }
      Properties p = new Properties();
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
      p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
      p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
      p.putAll(overrides);
      // What `fleet run` adds (exception handlers, throughput settings), unless overridden.
      FleetMain.Run.tuning(p);
      System.out.println("streams properties: " + new java.util.TreeMap<>(p));
      FleetCounters counters = new FleetCounters();
      KafkaStreams streams = new KafkaStreams(
          FleetTopology.build(cfg, counters, System::currentTimeMillis), p);
      AtomicLong runningAt = new AtomicLong();
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING) {
          runningAt.compareAndSet(0, System.nanoTime());
        }
      });
      streams.setUncaughtExceptionHandler(e -> {
        System.err.println("fleet benchmark: stream thread failed: " + e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      try {
        Load load = new Load();
        long cpuSelf0 = cpuSelf();
        long cpuBroker0 = cpuChildren();
        long start = System.nanoTime();
        streams.start();
        awaitAlerts(streams, broker.bootstrap(), cfg.newTopic(), sentinels, events, deadline,
            stallS, load);
        long end = System.nanoTime();
        load.sample();
        double cpuSelf = (cpuSelf() - cpuSelf0) / 1e9;
        double cpuBroker = (cpuChildren() - cpuBroker0) / 1e9;
        System.out.printf("CPU time on the backlog: aggregator %.1f s, broker %.1f s (%.0f + %.0f"
                + " us per event); 1-minute load average during it: %s%n", cpuSelf, cpuBroker,
            cpuSelf * 1e6 / events, cpuBroker * 1e6 / events, load);
        long running = runningAt.get() == 0 ? start : runningAt.get();
        System.out.printf("processed %,d events (all of their keys) in %.1f s from start"
                + " (%,.0f events/s), %.1f s from RUNNING (%,.0f events/s); dead letters: %d%n",
            events, (end - start) / 1e9, events / ((end - start) / 1e9), (end - running) / 1e9,
            events / ((end - running) / 1e9), deadLetters(counters));

        long[] delays = probe(streams, broker.bootstrap(), cfg.newTopic(), probes, deadline);
        long[] got = Arrays.stream(delays).filter(d -> d >= 0).sorted().toArray();
        if (got.length == 0) {
          System.out.printf("event -> new-fingerprint alert: none for any of %d probes%n", probes);
          return 1;
        }
        System.out.printf("event -> new-fingerprint alert (read_committed), %d probes: median %d ms,"
                + " p90 %d ms, max %d ms, lost %d; all: %s%n", probes, got[got.length / 2],
            got[Math.min(got.length - 1, got.length * 9 / 10)], got[got.length - 1],
            probes - got.length, Arrays.toString(delays));
        return 0;
      } finally {
        streams.close(Duration.ofSeconds(30));
      }
    }
  }

  /** CPU time of this JVM (all threads), ns. */
  private static long cpuSelf() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU time of the child processes (the broker's JVM), ns. */
  private static long cpuChildren() {
    return ProcessHandle.current().descendants()
        .mapToLong(h -> h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
  }

  /** The 1-minute load average (/proc/loadavg) sampled now and then: min, mean, max. */
  static final class Load {
    private double min = Double.MAX_VALUE;
    private double max;
    private double sum;
    private int n;

    void sample() {
      try {
        double l = Double.parseDouble(
            Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        min = Math.min(min, l);
        max = Math.max(max, l);
        sum += l;
        n++;
      } catch (java.io.IOException | RuntimeException e) {
        // no /proc: no load figures
      }
    }

    @Override
    public String toString() {
      return n == 0 ? "unknown"
          : String.format("min %.1f, mean %.1f, max %.1f (%d samples)", min, sum / n, max, n);
    }
  }

  private static long deadLetters(FleetCounters counters) {
    return counters.snapshot().entrySet().stream()
        .filter(e -> e.getKey().startsWith("dead_letter_")).mapToLong(Map.Entry::getValue).sum();
  }

  private static void checkRunning(KafkaStreams streams) {
    KafkaStreams.State s = streams.state();
    if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR
        || s == KafkaStreams.State.NOT_RUNNING || s == KafkaStreams.State.PENDING_SHUTDOWN) {
      throw new IllegalStateException("the application stopped: " + s);
    }
  }

  /**
   * One sensor event as the sensor writes it (the fields the aggregator reads). Its JA3N and JA4
   * are shared by two consecutive JA3 values, as extension-order randomisation makes one client
   * give several JA3s but one JA3N and one JA4.
   */
  static String event(Instant t, String ja3, String ja3s, String host, String sensor, String sni) {
    long family = Long.parseLong(ja3.substring(16), 16) / 2;
    String ja3n = String.format("%032x", (1L << 40) + family);
    String ja4 = String.format("t13d1516h2_%012x_%012x", family, family % 7);
    return "{\"@timestamp\":\"" + t + "\",\"event\":{\"kind\":\"event\",\"category\":[\"network\"],"
        + "\"type\":[\"protocol\"],\"dataset\":\"ja3sensor.tls\",\"module\":\"ja3sensor\"},"
        + "\"source\":{\"ip\":\"" + host + "\",\"port\":50000},\"destination\":{\"ip\":\"192.0.2.1\","
        + "\"port\":443},\"network\":{\"transport\":\"tcp\",\"type\":\"ipv4\",\"protocol\":\"tls\"},"
        + "\"tls\":{\"version\":\"1.3\",\"client\":{\"ja3\":\"" + ja3 + "\",\"ja3n\":\"" + ja3n
        + "\",\"ja4\":\"" + ja4 + "\",\"server_name\":\"" + sni
        + "\"},\"server\":{\"ja3s\":\"" + ja3s + "\"}},\"observer\":{\"name\":\"" + sensor + "\"}}";
  }

  /**
   * Preloads the events, then the sentinels: in each input partition, after its share of the
   * events, one event per repartition partition whose JA3 key lands in it. Once the new-fingerprint
   * alerts of all nine JA3s are out, every event before them went through both stages of the
   * topology (parse, repartition, statistics); committed input offsets alone say only that the
   * first stage is done. Returns the sentinels' keys.
   */
  private static Set<String> preload(String bootstrap, int events, int fingerprints) {
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
      Set<String> keys = new HashSet<>();
      long next = 0xe00000000L;
      for (int part = 0; part < 3; part++) {
        for (int target = 0; target < 3; target++) {
          String ja3;
          do {
            ja3 = String.format("%032x", next++);
          } while (Utils.toPositive(Utils.murmur2(("ja3:" + ja3).getBytes(StandardCharsets.UTF_8)))
              % 3 != target);
          keys.add("ja3:" + ja3);
          prod.send(new ProducerRecord<>(TOPIC, part, ja3.getBytes(StandardCharsets.US_ASCII),
              event(Instant.now(), ja3, String.format("%032x", 1_000_000), "10.9.9.8", "sentinel",
                  "sentinel.example").getBytes(StandardCharsets.UTF_8)));
        }
      }
      prod.flush();
      return keys;
    }
  }

  /**
   * Waits until the new-fingerprint alerts of all {@code keys} are readable (read_committed),
   * printing the application's committed offsets (all its input and repartition partitions) every
   * 10 s; fails when the application stops, when those offsets do not move for {@code stallS}
   * seconds, or at the deadline.
   */
  private static void awaitAlerts(KafkaStreams streams, String bootstrap, String alertTopic,
      Set<String> keys, long total, long deadline, long stallS, Load load) throws Exception {
    Set<String> missing = new HashSet<>(keys);
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (Admin admin = Admin.create(ap);
        KafkaConsumer<String, String> c =
            new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(alertTopic, Duration.ofSeconds(60))
          .forEach(i -> tps.add(new TopicPartition(alertTopic, i.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      long lastDone = -1;
      long lastMove = System.nanoTime();
      long lastCheck = 0;
      long begin = System.nanoTime();
      while (!missing.isEmpty()) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          missing.remove(r.key());
        }
        checkRunning(streams);
        long now = System.nanoTime();
        if (now > deadline) {
          throw new IllegalStateException("--timeout reached; sentinel alerts missing: " + missing);
        }
        if (now - lastCheck < TimeUnit.SECONDS.toNanos(10)) {
          continue;
        }
        lastCheck = now;
        load.sample();
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(APP).partitionsToOffsetAndMetadata()
                .get(60, TimeUnit.SECONDS);
        long input = 0;
        long all = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
          all += e.getValue().offset();
          input += e.getKey().topic().equals(TOPIC) ? e.getValue().offset() : 0;
        }
        if (all != lastDone) {
          lastDone = all;
          lastMove = now;
        } else if (now - lastMove > TimeUnit.SECONDS.toNanos(stallS)) {
          throw new IllegalStateException("committed offsets stalled for " + stallS + " s (input "
              + input + " of " + total + ", state " + streams.state() + ")");
        }
        System.out.printf("  ... %4d s: input %,d of %,d committed, repartition %,d (state %s,"
                + " load %s)%n", (now - begin) / 1_000_000_000L, input, total + keys.size(),
            all - input, streams.state(), Files.readString(Path.of("/proc/loadavg")).trim());
      }
    }
  }

  /** Sends events with fresh fingerprints one at a time; ms until each one's alert is read. */
  private static long[] probe(
      KafkaStreams streams, String bootstrap, String alertTopic, int n, long deadline)
      throws Exception {
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
      c.partitionsFor(alertTopic, Duration.ofSeconds(60)).forEach(i -> tps.add(new TopicPartition(alertTopic, i.partition())));
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
          checkRunning(streams);
          long now = System.nanoTime();
          if (now - t0 > TimeUnit.SECONDS.toNanos(60) || now > deadline) {
            break;
          }
        }
        // -1: lost (no alert within 60 s, or --timeout reached).
        delays[i] = seen ? (System.nanoTime() - t0) / 1_000_000 : -1;
      }
    }
    return delays;
  }
}
