package org.ja3sensor.sink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Benchmark (not a test): events per second from {@link KafkaSink} to a local broker, per
 * compression type. Run with scripts/bench-kafka.sh; results go into docs/performance.md.
 *
 * <p>Usage: {@code KafkaSinkBenchmark [--events N] [--bootstrap HOST:PORT] [--compression
 * lz4,zstd,none]}. Without {@code --bootstrap} it starts a temporary broker with the options of
 * the developer broker. The events are synthetic ECS JSON of realistic size (about 900 bytes,
 * 200 distinct JA3 keys, varying addresses and timestamps).
 */
public final class KafkaSinkBenchmark {
  private KafkaSinkBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = 500_000;
    String bootstrap = null;
    List<String> compressions = List.of("lz4", "zstd", "none");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--bootstrap" -> bootstrap = args[++i];
        case "--compression" -> compressions = List.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    String[] json = new String[4096];
    String[] keys = new String[json.length];
    long bytes = 0;
    for (int i = 0; i < json.length; i++) {
      keys[i] = String.format("%032x", (i % 200) * 0x9E3779B97F4A7C15L);
      json[i] = event(i, keys[i]);
      bytes += json[i].length();
    }
    System.out.printf("event size: %d bytes on average%n", bytes / json.length);
    KafkaBroker broker = null;
    if (bootstrap == null) {
      broker = KafkaBroker.startTemporary(KafkaBroker.fullJvmOptions());
      bootstrap = broker.bootstrap();
    }
    try {
      // Warm-up: JIT of the sink, producer and broker.
      run(bootstrap, "warmup", "lz4", Math.min(events, 100_000), json, keys);
      List<String> lines = new ArrayList<>();
      for (String c : compressions) {
        lines.add(run(bootstrap, "bench-" + c, c, events, json, keys));
      }
      System.out.println();
      System.out.println("| compression | events | publish calls/s | delivered events/s | MB/s of JSON |");
      System.out.println("| --- | --- | --- | --- | --- |");
      lines.forEach(System.out::println);
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }

  private static String run(
      String bootstrap, String topic, String compression, int n, String[] json, String[] keys)
      throws Exception {
    Path spool = Files.createTempDirectory("ja3sensor-bench-spool");
    Properties p = new Properties();
    p.setProperty("compression.type", compression);
    KafkaSinkConfig cfg =
        KafkaSinkConfig.of(bootstrap, spool)
            .withTopics(topic, null)
            .withProducerProperties(p)
            .withCloseTimeout(Duration.ofMinutes(5));
    KafkaSink sink = new KafkaSink(cfg);
    long bytes = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      int k = i & (json.length - 1);
      sink.publish(json[k], keys[k], false);
      bytes += json[k].length();
    }
    long t1 = System.nanoTime();
    Thread watch =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(10_000);
                  System.out.println("closing: " + sink.debugState());
                }
              } catch (InterruptedException e) {
                // done
              }
            });
    watch.setDaemon(true);
    watch.start();
    sink.close();
    watch.interrupt();
    long t2 = System.nanoTime();
    Map<String, Long> c = sink.counters();
    double pubRate = n / ((t1 - t0) / 1e9);
    double rate = n / ((t2 - t0) / 1e9);
    double mbs = bytes / 1e6 / ((t2 - t0) / 1e9);
    System.out.printf(
        "%s %s: %d events, publish %.0f/s, delivered %.0f/s (%.1f MB/s), counters %s%n",
        topic, compression, n, pubRate, rate, mbs, c);
    if (c.get("sent") != n) {
      throw new IllegalStateException("not every event was sent: " + c);
    }
    return String.format(
        "| %s | %d | %.0f | %.0f | %.1f |", compression, n, pubRate, rate, mbs);
  }

  /** A synthetic event shaped like the sensor's ECS JSON. */
  private static String event(int i, String ja3) {
    long ts = 1_714_564_800_000_000L + i * 1_337L;
    String ip = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    return "{\"@timestamp\":\"2024-05-01T12:00:" + String.format("%02d.%06d", (ts / 1_000_000) % 60, ts % 1_000_000)
        + "Z\",\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"protocol\"],"
        + "\"dataset\":\"ja3sensor.tls\",\"module\":\"ja3sensor\"},\"source\":{\"ip\":\"" + ip
        + "\",\"port\":" + (32768 + i % 28000) + "},\"destination\":{\"ip\":\"192.0.2." + (i % 200)
        + "\",\"port\":443},\"network\":{\"transport\":\"tcp\",\"type\":\"ipv4\",\"protocol\":\"tls\","
        + "\"community_id\":\"1:" + Integer.toHexString(i * 0x45d9f3b) + "VhbG9uZ3N0cmluZw==\"},"
        + "\"tls\":{\"version\":\"1.3\",\"version_protocol\":\"tls\",\"cipher\":\"0x1301\","
        + "\"next_protocol\":\"h2\",\"client\":{\"ja3\":\"" + ja3 + "\",\"ja3_string\":\"771,"
        + "4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
        + "0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-21,29-23-24,0\",\"server_name\":\"www"
        + (i % 500) + ".example.com\",\"alpn\":[\"h2\",\"http/1.1\"],\"legacy_version\":\"0x0303\","
        + "\"supported_versions\":[\"0x0304\",\"0x0303\"]},\"server\":{\"ja3s\":\""
        + String.format("%032x", (i % 50) * 0x2545F4914F6CDD1DL) + "\",\"ja3s_string\":"
        + "\"771,4865,43-51\"}},\"log\":{\"file\":{\"path\":\"/data/capture.pcap\"}},"
        + "\"ja3sensor\":{\"trigger\":\"server_hello\"}}";
  }
}
