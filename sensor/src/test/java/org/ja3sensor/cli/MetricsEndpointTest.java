package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --metrics-listen}: a {@code read --follow} child process is scraped over HTTP while it
 * waits for more files; the exposition is parsed by the Prometheus project's own Python parser
 * (Debian's python3-prometheus-client), and its values equal the end summary's. A port already
 * taken, or an address of another machine, is a one-line error before anything is read.
 */
class MetricsEndpointTest {
  private static final Path ROOT =
      Path.of(System.getProperty("ja3sensor.repoRoot", "..")).toAbsolutePath().normalize();
  private static final String[] SAMPLES = {"curl-tls12.pcap", "curl-tls13.pcap",
      "gnutls-cli.pcap"};
  /** Prints tab-separated "TYPE family type help" and "SAMPLE name labels value" lines from stdin. */
  private static final String PARSE = String.join("\n",
      "import sys, json",
      "from prometheus_client.parser import text_string_to_metric_families as parse",
      "for f in parse(sys.stdin.read()):",
      "    print('\\t'.join(['TYPE', f.name, f.type, json.dumps(f.documentation)]))",
      "    for s in f.samples:",
      "        labels = json.dumps(s.labels, sort_keys=True, separators=(',', ':'))",
      "        print('\\t'.join(['SAMPLE', s.name, labels, repr(s.value)]))");

  @TempDir Path tmp;

  @Test
  void scrapeOfAFollowedReadEqualsItsSummary() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("rot"));
    Instant base = Instant.now().minusSeconds(100);
    for (int i = 0; i < SAMPLES.length; i++) {
      Path p = dir.resolve("cap" + i + ".pcap");
      Files.copy(ROOT.resolve("samples").resolve(SAMPLES[i]), p);
      Files.setLastModifiedTime(p, FileTime.from(base.plusSeconds(10 * i)));
    }
    int port = freePort();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "org.ja3sensor.cli.Main", "read", "--follow", dir.toString(), "--follow-settle", "1",
        "--metrics-listen", "127.0.0.1:" + port)
        .redirectOutput(tmp.resolve("out").toFile())
        .redirectError(tmp.resolve("err").toFile())
        .start();
    Map<String, Double> scraped;
    List<String> types;
    try {
      awaitState(dir, "cap" + (SAMPLES.length - 1) + ".pcap", p);
      // The last file is recorded once read; its events may still be with the emitter.
      String text = scrapeUntilStable(port);
      List<String> parsed = parse(text);
      scraped = new HashMap<>();
      types = new ArrayList<>();
      for (String line : parsed) {
        String[] f = line.split("\t", 4);
        if (f[0].equals("SAMPLE")) {
          scraped.put(f[1] + f[2], Double.parseDouble(f[3]));
        } else {
          types.add(line);
        }
      }
    } finally {
      p.toHandle().destroy(); // SIGTERM: the summary is printed on the way out
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    String err = Files.readString(tmp.resolve("err"));
    assertEquals(0, p.exitValue(), err);

    // Every ja3sensor family has its HELP text, the JVM's metrics are there too.
    long ours = types.stream().filter(t -> t.startsWith("TYPE\tja3sensor_")).count();
    assertTrue(ours >= 15, types.toString());
    for (String t : types) {
      assertFalse(t.endsWith("\t\"\""), "no HELP: " + t);
    }
    assertTrue(scraped.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")),
        scraped.keySet().toString());

    Matcher packets = find(err, "packets +(\\d+) \\((\\d+) TCP");
    assertEquals(Double.parseDouble(packets.group(1)), scraped.get("ja3sensor_packets_total{}"));
    assertEquals(Double.parseDouble(packets.group(2)),
        scraped.get("ja3sensor_tcp_packets_total{}"));
    assertEquals(Double.parseDouble(find(err, "bytes +(\\d+)").group(1)),
        scraped.get("ja3sensor_received_bytes_total{}"));
    Matcher flows = find(err, "flows +(\\d+) \\((\\d+) evicted idle");
    assertEquals(Double.parseDouble(flows.group(1)), scraped.get("ja3sensor_flows_total{}"));
    assertEquals(Double.parseDouble(flows.group(2)),
        scraped.get("ja3sensor_flows_evicted_total{\"reason\":\"idle\"}"));
    Matcher hellos = find(err, "hellos +(\\d+) client, (\\d+) server");
    assertEquals(Double.parseDouble(hellos.group(1)),
        scraped.get("ja3sensor_hellos_total{\"kind\":\"client\",\"transport\":\"tcp\"}"));
    assertEquals(Double.parseDouble(hellos.group(2)),
        scraped.get("ja3sensor_hellos_total{\"kind\":\"server\",\"transport\":\"tcp\"}"));
    assertEquals(0.0,
        scraped.get("ja3sensor_hellos_total{\"kind\":\"client\",\"transport\":\"quic\"}"));
    Matcher alerts = find(err, "alerts +(\\d+) \\((\\d+) high, (\\d+) medium, (\\d+) low");
    String[] severities = {"high", "medium", "low"};
    for (int i = 0; i < 3; i++) {
      assertEquals(Double.parseDouble(alerts.group(i + 2)), scraped.get(
          "ja3sensor_alerts_total{\"severity\":\"" + severities[i] + "\"}"), severities[i]);
    }
    double events = Double.parseDouble(find(err, "events +(\\d+)").group(1));
    assertTrue(events >= SAMPLES.length, err);
    assertEquals(events, scraped.get("ja3sensor_events_total{}"));
    double anomalies = scraped.entrySet().stream()
        .filter(e -> e.getKey().startsWith("ja3sensor_anomalies_total{"))
        .mapToDouble(Map.Entry::getValue).sum();
    assertEquals(Double.parseDouble(find(err, "anomalies +(\\d+)").group(1)), anomalies);
    assertTrue(scraped.get(
        "ja3sensor_database_entries{\"disposition\":\"alert\",\"type\":\"ja3\"}") > 0,
        scraped.toString());
    assertEquals(1.0, scraped.keySet().stream()
        .filter(k -> k.startsWith("ja3sensor_database_info{\"version\":")).count());
    assertEquals(0.0, scraped.get("ja3sensor_database_reloads_total{\"result\":\"success\"}"));
  }

  @Test
  void aPortAlreadyTakenIsAOneLineErrorBeforeAnythingIsRead() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String value = "127.0.0.1:" + taken.getLocalPort();
      CliRun r = CliRun.run("read", "--metrics-listen", value,
          ROOT.resolve("samples/curl-tls12.pcap").toString());
      assertEquals(2, r.exitCode, r.toString());
      assertEquals("", r.out);
      String err = r.err.strip();
      assertEquals(1, err.lines().count(), err);
      assertTrue(err.contains("--metrics-listen " + value) && err.contains("already in use"), err);
    }
  }

  @Test
  void anAddressOfAnotherMachineIsAOneLineError() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    CliRun r = CliRun.run("capture", "-i", "lo", "--metrics-listen", "192.0.2.1:9810");
    assertEquals(2, r.exitCode, r.toString());
    assertEquals("", r.out);
    String err = r.err.strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains("--metrics-listen 192.0.2.1:9810")
        && err.contains("not an address of this machine"), err);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitState(Path dir, String name, Process p) throws Exception {
    Path state = dir.resolve(".ja3sensor-follow.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(state) && Files.readString(state).contains("\"" + name + "\"")) {
        return;
      }
      assertTrue(p.isAlive(), "read --follow exited early");
      Thread.sleep(100);
    }
    throw new AssertionError("state never listed " + name);
  }

  /** Scrapes until two scrapes half a second apart agree on the ja3sensor counters. */
  private static String scrapeUntilStable(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build();
    String last = null;
    for (int i = 0; i < 40; i++) {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
      String ours = ja3sensorLines(r.body());
      if (ours.equals(last)) {
        return r.body();
      }
      last = ours;
      Thread.sleep(500);
    }
    throw new AssertionError("metrics never settled:\n" + last);
  }

  private static String ja3sensorLines(String text) {
    StringBuilder b = new StringBuilder();
    text.lines().filter(l -> l.startsWith("ja3sensor_")
        && !l.startsWith("ja3sensor_database_loaded")).forEach(l -> b.append(l).append('\n'));
    return b.toString();
  }

  /** The exposition parsed by prometheus_client's parser (fails on a format error). */
  private static List<String> parse(String text) throws Exception {
    return org.ja3sensor.metrics.Exposition.python(PARSE, text);
  }

  private static Matcher find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " in\n" + text);
    return m;
  }
}
