package org.ja3sensor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A scrape of a live {@code /metrics} endpoint over HTTP, parsed by the Prometheus project's own
 * Python parser (Debian's python3-prometheus-client; a format error fails the test). Samples are
 * keyed {@code name{"label":"value",...}} with the labels sorted, e.g. {@code
 * ja3sensor_hellos_total{"kind":"client","transport":"tcp"}}.
 */
public final class Exposition {
  private static final String PARSE = String.join("\n",
      "import sys, json",
      "from prometheus_client.parser import text_string_to_metric_families as parse",
      "for f in parse(sys.stdin.read()):",
      "    for s in f.samples:",
      "        labels = json.dumps(s.labels, sort_keys=True, separators=(',', ':'))",
      "        print('\\t'.join([s.name, labels, repr(s.value)]))");

  private Exposition() {}

  /** GET http://127.0.0.1:PORT/metrics, 200 and text/plain, parsed. */
  public static Map<String, Double> scrape(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    return parse(r.body());
  }

  /** Scrapes until two scrapes 300 ms apart agree on every ja3sensor_ sample but timestamps. */
  public static Map<String, Double> scrapeUntilStable(int port) throws Exception {
    Map<String, Double> last = null;
    for (int i = 0; i < 50; i++) {
      Map<String, Double> now = ours(scrape(port));
      if (now.equals(last)) {
        return now;
      }
      last = now;
      Thread.sleep(300);
    }
    throw new AssertionError("metrics never settled: " + last);
  }

  private static Map<String, Double> ours(Map<String, Double> all) {
    Map<String, Double> m = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (k.startsWith("ja3sensor_") && !k.startsWith("ja3sensor_database_loaded")) {
        m.put(k, v);
      }
    });
    return m;
  }

  /**
   * Runs a Python {@code script} (Debian's python3, which has the python3-prometheus-client
   * package, not one earlier on the PATH such as pyenv's) with {@code text} on its stdin; its
   * output lines. Fails unless it exits 0 within 30 s.
   */
  public static List<String> python(String script, String text) throws Exception {
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    Process py = new ProcessBuilder(python, "-c", script).redirectErrorStream(true).start();
    py.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    py.getOutputStream().close();
    String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(py.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, py.exitValue(), out);
    return out.lines().toList();
  }

  /** The sum of every sample of a family ({@code name{...}}). */
  public static double sum(Map<String, Double> samples, String name) {
    return samples.entrySet().stream().filter(e -> e.getKey().startsWith(name + "{"))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  /** The exposition text parsed by prometheus_client (fails on a format error). */
  public static Map<String, Double> parse(String text) throws Exception {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String line : python(PARSE, text)) {
      String[] f = line.split("\t");
      if (f.length == 3) {
        m.put(f[0] + f[1], Double.parseDouble(f[2]));
      }
    }
    return m;
  }
}
