package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of the fingerprint database during a live capture (issue 5): {@code capture} runs on
 * the host end of a veth with {@code --db-extra DIR}, real curl connections go to {@code openssl
 * s_server} in a namespace, and the user file in DIR is changed while the sensor runs:
 *
 * <ol>
 *   <li>an unrelated entry: curl's handshakes are events, not alerts;
 *   <li>the file replaced atomically (temporary file, then rename) by one that marks curl's JA3
 *       (taken from the first events) as an alert: once a probe connection comes out as an alert,
 *       every later connection is an alert with that rule and the new {@code rule.version};
 *   <li>the file rewritten in place with another alert entry for the same JA3: same again, with a
 *       third version;
 *   <li>a second file with an error on its line 3 added: the log names file and line, and later
 *       connections are still alerts of the third version.
 * </ol>
 *
 * Each connection is identified by curl's local port ({@code -w %{local_port}}), so the test checks
 * one event per connection, in the phase it belongs to; SIGTERM, exit 0, no kernel or queue drops.
 * The expected versions are those {@code db stats} computes for the same files.
 */
class CaptureReloadTest {
  static final int PORT = 4433;
  static final String HEADER = "id,type,value,label,category,disposition,confidence,source\n";
  /** A JA3 that no client here produces. */
  static final String UNRELATED_JA3 = "0123456789abcdef0123456789abcdef";

  static final int N = 3; // connections before the change
  static final int M = 3; // connections after each change

  @TempDir Path dir;

  private NetNs net;
  private SensorProcess sensor;
  private String url;

  /** Every connection made, by client port, in order: the phase it belongs to. */
  private final Map<Integer, String> connections = new LinkedHashMap<>();

  @Test
  void newEntriesMatchNewTrafficNothingDroppedBadFileRejected() throws Exception {
    NetNs.assumeRootAnd("ip", "openssl", "curl");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    NetNs.run(
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
        "-subj", "/CN=reload.test");
    Path db = dir.resolve("db");
    Files.createDirectory(db);
    Path local = db.resolve("local.csv");
    Files.writeString(
        local,
        HEADER + "local:unrelated,ja3," + UNRELATED_JA3 + ",Unrelated,malware,alert,90,local\n");
    String v1 = dbVersion(db);

    try (NetNs n = NetNs.hostToNamespace()) {
      net = n;
      Process server =
          new ProcessBuilder(
                  NetNs.inNs(
                      net.ns, "openssl", "s_server", "-accept", Integer.toString(PORT), "-cert",
                      cert.toString(), "-key", key.toString(), "-www", "-quiet"))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("server.log").toFile())
              .start();
      try {
        LiveTools.awaitListening(net.nsIp, PORT);
        url = "https://" + net.nsIp + ":" + PORT + "/";
        try (SensorProcess s =
            SensorProcess.start(
                dir, null, "capture", "-i", net.hostIf, "--stats-interval", "0",
                "--db-extra", db.toString(), "--db-reload-delay", "200",
                // curl's hello is a known library default: a bare JA3 entry on it is demoted
                // by default (docs/detection.md); this test is about reloading, not that policy
                "--library-collisions", "alert")) {
          sensor = s;
          sensor.awaitStderr("worker(s)", 30_000);
          run(v1, db, local);
        }
      } finally {
        server.destroyForcibly();
      }
    }
  }

  private void run(String v1, Path db, Path local) throws Exception {
    // 1. The unrelated entry: curl's handshakes are not alerts.
    List<Integer> before = connect(N, "before");
    String ja3 = null;
    for (int port : before) {
      JsonNode e = awaitEvent(port);
      assertEquals("event", CliRun.text(e, "event.kind"), "no alert before the change: " + e);
      String j = CliRun.text(e, "tls.client.ja3");
      assertNotNull(j, "JA3 of " + e);
      assertTrue(ja3 == null || ja3.equals(j), "curl's JA3 is always the same: " + ja3 + ", " + e);
      ja3 = j;
    }
    assertNotEquals(UNRELATED_JA3, ja3);

    // 2. Replaced atomically by a file that marks curl's JA3.
    String v2Text =
        HEADER + "local:unrelated,ja3," + UNRELATED_JA3 + ",Unrelated,malware,alert,90,local\n"
            + "local:curl-a,ja3," + ja3 + ",Reload test client A,malware,alert,90,local\n";
    Path tmp = db.resolve(".local.csv.tmp");
    Files.writeString(tmp, v2Text);
    Files.move(tmp, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    String v2 = dbVersion(db);
    assertNotEquals(v1, v2, "db stats: a different file, a different version");
    probeUntilRule("local:curl-a", v2, "probe-a");
    for (int port : connect(M, "after-a")) {
      assertAlert(awaitEvent(port), "local:curl-a", "Reload test client A", v2);
    }

    // 3. Rewritten in place: another entry for the same JA3 replaces the first one.
    Files.writeString(
        local,
        HEADER + "local:curl-b,ja3," + ja3 + ",Reload test client B,c2,alert,95,local\n",
        StandardCharsets.UTF_8);
    String v3 = dbVersion(db);
    assertNotEquals(v2, v3);
    assertNotEquals(v1, v3);
    probeUntilRule("local:curl-b", v3, "probe-b");
    for (int port : connect(M, "after-b")) {
      assertAlert(awaitEvent(port), "local:curl-b", "Reload test client B", v3);
    }

    // 4. A second file with an error on line 3: rejected, version v3 stays in force.
    Path broken = db.resolve("zz-broken.csv");
    Path tmp2 = db.resolve(".zz-broken.csv.tmp");
    Files.writeString(
        tmp2,
        HEADER
            + "local:curl-c,ja3," + ja3 + ",Reload test client C,c2,alert,95,local\n"
            + "local:bad,ja3,not-an-md5,Broken,malware,alert,50,local\n");
    Files.move(tmp2, broken, StandardCopyOption.ATOMIC_MOVE);
    String rejected = awaitStderrLine("reload rejected", 15_000);
    assertTrue(
        rejected.contains(broken + ":3:") && rejected.contains("\"value\"")
            && rejected.contains("not-an-md5"),
        "the log line names file, line, column and value: " + rejected);
    assertTrue(rejected.contains(v3), "the log line names the version that stays: " + rejected);
    for (int port : connect(M, "after-broken")) {
      assertAlert(awaitEvent(port), "local:curl-b", "Reload test client B", v3);
    }

    // Stop: one event per connection, nothing dropped.
    Thread.sleep(300); // the last FIN/ACKs reach the sensor
    long[] exit = sensor.terminate(15_000);
    assertEquals(0, exit[0], "exit status after SIGTERM:\n" + sensor.stderr());
    List<JsonNode> events = sensor.events();
    Map<Integer, JsonNode> byPort = new HashMap<>();
    for (JsonNode e : events) {
      int port = e.get("source").get("port").asInt();
      assertEquals(net.hostIp, CliRun.text(e, "source.ip"));
      assertEquals(net.nsIp, CliRun.text(e, "destination.ip"));
      assertNull(byPort.put(port, e), "two events for port " + port + ":\n" + sensor.stdout());
      assertTrue(connections.containsKey(port), "an event for no connection of ours: " + e);
    }
    assertEquals(
        connections.keySet(), byPort.keySet(),
        "one event per connection " + connections + ":\n" + sensor.stdout());
    // A probe made before the reload took effect has the previous version's verdict.
    for (Map.Entry<Integer, String> c : connections.entrySet()) {
      String got = verdict(byPort.get(c.getKey()));
      switch (c.getValue()) {
        case "probe-a" -> assertTrue(
            got.equals("event") || got.equals("local:curl-a@" + v2), c + ": " + got);
        case "probe-b" -> assertTrue(
            got.equals("local:curl-a@" + v2) || got.equals("local:curl-b@" + v3), c + ": " + got);
        default -> {
          // checked while running
        }
      }
    }
    Map<String, Long> counters = sensor.finalCounters();
    long n = connections.size();
    assertEquals(n, counters.get("events"), "events counter");
    assertEquals(n, counters.get("client_hellos"), "client_hellos counter");
    assertEquals(0L, counters.get("kernel_dropped"), "kernel_dropped");
    assertEquals(0L, counters.get("queue_dropped"), "queue_dropped");
    assertNull(counters.get("events_lost"), "events_lost is printed only when not zero");
  }

  /**
   * Makes one connection at a time until its event is an alert of {@code rule}: the reload has
   * taken effect (at most 15 s).
   */
  private void probeUntilRule(String rule, String version, String phase) throws Exception {
    long end = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < end) {
      JsonNode e = awaitEvent(connect(1, phase).get(0));
      if (rule.equals(CliRun.text(e, "rule.id"))) {
        assertEquals(version, CliRun.text(e, "rule.version"), e.toString());
        return;
      }
      Thread.sleep(100);
    }
    fail("no alert of " + rule + " within 15 s of the change:\n" + sensor.stderr());
  }

  /** "event" for an event that is not an alert, else "RULE_ID@RULE_VERSION". */
  private static String verdict(JsonNode e) {
    String kind = CliRun.text(e, "event.kind");
    return kind.equals("alert")
        ? CliRun.text(e, "rule.id") + "@" + CliRun.text(e, "rule.version")
        : kind;
  }

  private static void assertAlert(JsonNode e, String rule, String name, String version) {
    assertEquals("alert", CliRun.text(e, "event.kind"), e.toString());
    assertEquals(rule, CliRun.text(e, "rule.id"), e.toString());
    assertEquals(name, CliRun.text(e, "rule.name"), e.toString());
    assertEquals(version, CliRun.text(e, "rule.version"), e.toString());
  }

  /** {@code count} curl connections one after the other; returns their client ports. */
  private List<Integer> connect(int count, String phase) throws IOException, InterruptedException {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Process p =
          new ProcessBuilder(
                  "curl", "-sk", "-o", "/dev/null", "--max-time", "10", "-w", "%{local_port}", url)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("curl did not finish");
      }
      assertEquals(0, p.exitValue(), "curl failed (output " + out + ")");
      int port = Integer.parseInt(out);
      assertTrue(connections.put(port, phase) == null, "client port " + port + " used twice");
      ports.add(port);
    }
    return ports;
  }

  /** Waits (at most 10 s) for the event of the connection from client port {@code port}. */
  private JsonNode awaitEvent(int port) throws IOException, InterruptedException {
    long end = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < end) {
      for (JsonNode e : sensor.events()) {
        if (e.get("source").get("port").asInt() == port) {
          return e;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "no event for client port " + port + " within 10 s:\n" + sensor.stdout() + "\n"
            + sensor.stderr());
  }

  private String awaitStderrLine(String text, long timeoutMillis)
      throws IOException, InterruptedException {
    sensor.awaitStderr(text, timeoutMillis);
    for (String line : sensor.stderr().split("\n")) {
      if (line.contains(text)) {
        return line;
      }
    }
    throw new AssertionError("unreachable");
  }

  /** The version {@code db stats} reports for the shipped database plus {@code db}. */
  private static String dbVersion(Path db) {
    CliRun r = CliRun.run("db", "stats", "--db-extra", db.toString());
    assertEquals(0, r.exitCode, r.toString());
    Matcher m =
        Pattern.compile("^version ([0-9a-f]+)", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE)
            .matcher(r.out + r.err);
    assertTrue(m.find(), "db stats names the version:\n" + r.out + r.err);
    return m.group(1);
  }
}
