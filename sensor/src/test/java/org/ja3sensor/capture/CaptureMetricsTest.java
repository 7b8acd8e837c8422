package org.ja3sensor.capture;

import static org.ja3sensor.capture.LiveTools.runClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ja3sensor.metrics.Exposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capture --metrics-listen} scraped during a live capture: two veths into two namespaces,
 * each with an {@code openssl s_server}, captured together ({@code -i A -i B}) with two handles
 * per interface in a fanout group; real curl and {@code openssl s_client} clients. The endpoint
 * is scraped over HTTP between the clients and after them, parsed with python3-prometheus-client,
 * and its values are checked against the events written and the {@code final} line: packets,
 * hellos by kind and transport, drops per interface, events.
 */
class CaptureMetricsTest {
  private static final int TLS_PORT = 4433;

  @TempDir Path dir;

  @Test
  void scrapesDuringAndAfterALiveCaptureAgreeWithTheFinalLine() throws Exception {
    NetNs.assumeRootAnd("ip", "openssl", "curl");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    NetNs.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out",
        cert.toString(), "-days", "2", "-subj", "/CN=metrics.test");
    List<Process> servers = new ArrayList<>();
    try (NetNs a = NetNs.hostToNamespace(); NetNs b = NetNs.hostToNamespace()) {
      for (NetNs n : List.of(a, b)) {
        servers.add(new ProcessBuilder(NetNs.inNs(n.ns, "openssl", "s_server", "-accept",
            Integer.toString(TLS_PORT), "-cert", cert.toString(), "-key", key.toString(), "-www",
            "-quiet")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start());
        LiveTools.awaitListening(n.nsIp, TLS_PORT);
      }
      int port = freePort();
      try (SensorProcess sensor = SensorProcess.start(dir, null, "capture", "-i", a.hostIf, "-i",
          b.hostIf, "--capture-threads", "2", "--stats-interval", "0", "--metrics-listen",
          "127.0.0.1:" + port)) {
        sensor.awaitStderr("worker(s)", 30_000);
        Map<String, Double> before = Exposition.scrape(port);
        assertEquals(0.0, Exposition.sum(before, "ja3sensor_events_total"), before.toString());

        // three connections to A, then a scrape while the capture runs
        String urlA = "https://" + a.nsIp + ":" + TLS_PORT + "/";
        runClient(List.of("curl", "-sk", "-o", "/dev/null", "--max-time", "10", urlA));
        runClient(List.of("curl", "-sk", "-o", "/dev/null", "--max-time", "10", "--tlsv1.2",
            "--tls-max", "1.2", urlA));
        runClient(List.of("openssl", "s_client", "-connect", a.nsIp + ":" + TLS_PORT));
        Map<String, Double> during = Exposition.scrapeUntilStable(port);
        assertEquals(3.0, during.get("ja3sensor_events_total{}"), during.toString());
        assertEquals(3.0, during.get(hellos("client", "tcp")), during.toString());
        assertEquals(0.0, during.get(hellos("client", "quic")), during.toString());
        assertTrue(during.get("ja3sensor_packets_total{}") >= 3 * 6, during.toString());

        // two more to B
        runClient(List.of("curl", "-sk", "-o", "/dev/null", "--max-time", "10",
            "https://" + b.nsIp + ":" + TLS_PORT + "/"));
        runClient(List.of("openssl", "s_client", "-connect", b.nsIp + ":" + TLS_PORT, "-tls1_2"));
        Map<String, Double> after = Exposition.scrapeUntilStable(port);
        assertTrue(after.get("ja3sensor_packets_total{}") > during.get("ja3sensor_packets_total{}"));

        long[] exit = sensor.terminate(15_000);
        assertEquals(0, exit[0], sensor.stderr());
        Map<String, Long> fin = sensor.finalCounters();
        int events = sensor.events().size();
        assertEquals(5, events, sensor.stdout());

        assertEquals((double) fin.get("packets"), after.get("ja3sensor_packets_total{}"));
        assertEquals((double) fin.get("bytes"), after.get("ja3sensor_received_bytes_total{}"));
        assertEquals((double) events, after.get("ja3sensor_events_total{}"));
        assertEquals((double) fin.get("events"), after.get("ja3sensor_events_total{}"));
        long quicClient = fin.getOrDefault("quic.client_hellos", 0L);
        long quicServer = fin.getOrDefault("quic.server_hellos", 0L);
        assertEquals(5L, fin.get("client_hellos"));
        assertEquals((double) fin.get("client_hellos") - quicClient,
            after.get(hellos("client", "tcp")));
        assertEquals((double) fin.get("server_hellos") - quicServer,
            after.get(hellos("server", "tcp")));
        assertEquals((double) quicClient, after.get(hellos("client", "quic")));
        assertEquals((double) quicServer, after.get(hellos("server", "quic")));
        assertEquals((double) fin.get("alerts"), Exposition.sum(after, "ja3sensor_alerts_total"));
        assertEquals((double) fin.get("anomalies"),
            Exposition.sum(after, "ja3sensor_anomalies_total"));
        // drops: one series per interface and kind (the two fanout handles added up), equal to
        // the final line's per-interface values, whose sums are the totals
        for (String where : new String[] {"kernel", "interface", "queue"}) {
          String name = where.equals("interface") ? "if_dropped" : where + "_dropped";
          long total = 0;
          for (NetNs n : List.of(a, b)) {
            long v = fin.get("interface." + n.hostIf + "." + name);
            total += v;
            assertEquals((double) v, after.get("ja3sensor_dropped_packets_total{\"interface\":\""
                + n.hostIf + "\",\"where\":\"" + where + "\"}"), where + " " + after);
          }
          assertEquals((long) fin.get(name), total, name);
        }
        assertEquals(6, after.keySet().stream()
            .filter(k -> k.startsWith("ja3sensor_dropped_packets_total{")).count(),
            after.toString());
        assertTrue(sensor.stderr().contains("2 capture threads in PACKET_FANOUT group"),
            sensor.stderr());
      }
    } finally {
      for (Process s : servers) {
        s.destroyForcibly();
      }
    }
  }

  private static String hellos(String kind, String transport) {
    return "ja3sensor_hellos_total{\"kind\":\"" + kind + "\",\"transport\":\"" + transport
        + "\"}";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
