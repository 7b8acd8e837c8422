package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients, real server, real capture: {@code openssl s_server} inside a network namespace,
 * {@code capture} on the host end of the veth, curl and {@code openssl s_client} connecting, and
 * tcpdump recording the same traffic. The sensor is stopped with SIGTERM and must have written one
 * event per connection, with the JA3 and JA3S that tshark computes from tcpdump's file.
 */
class CaptureTlsTest {
  static final int PORT = 4433;

  @TempDir Path dir;

  @Test
  void oneEventPerConnectionWithTsharksJa3AndJa3s() throws Exception {
    NetNs.assumeRootAnd("ip", "openssl", "curl", "tcpdump", "tshark");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    NetNs.run(
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
        "-subj", "/CN=capture.test");

    try (NetNs net = NetNs.hostToNamespace()) {
      Process server =
          new ProcessBuilder(
                  NetNs.inNs(
                      net.ns, "openssl", "s_server", "-accept", Integer.toString(PORT), "-cert",
                      cert.toString(), "-key", key.toString(), "-www", "-quiet"))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("server.log").toFile())
              .start();
      LiveTools.awaitListening(net.nsIp, PORT);

      Path pcap = dir.resolve("tcpdump.pcap");
      Process tcpdump =
          LiveTools.startTcpdump(net.hostIf, pcap, "tcp", dir.resolve("tcpdump.log"));
      try (SensorProcess sensor =
          SensorProcess.start(
              dir, null, "capture", "-i", net.hostIf, "--sensor-name", "sensor-under-test",
              "--stats-interval", "0")) {
        sensor.awaitStderr("worker(s)", 30_000);

        String url = "https://" + net.nsIp + ":" + PORT + "/";
        String hostPort = net.nsIp + ":" + PORT;
        List<List<String>> clients = new ArrayList<>();
        clients.add(List.of("curl", "-sk", "-o", "/dev/null", "--max-time", "10", url));
        clients.add(
            List.of("curl", "-sk", "-o", "/dev/null", "--max-time", "10", "--tlsv1.2",
                "--tls-max", "1.2", url));
        clients.add(List.of("openssl", "s_client", "-connect", hostPort, "-servername", "a.test"));
        clients.add(List.of("openssl", "s_client", "-connect", hostPort, "-tls1_2"));
        clients.add(
            List.of("openssl", "s_client", "-connect", hostPort, "-servername", "b.test",
                "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-no_tls1_3"));
        for (List<String> c : clients) {
          LiveTools.runClient(c);
        }
        Thread.sleep(500); // the last FIN/ACKs reach the sensor

        long[] exit = sensor.terminate(15_000);
        assertEquals(0, exit[0], "exit status after SIGTERM:\n" + sensor.stderr());
        assertTrue(exit[1] < 10_000, "shutdown took " + exit[1] + " ms");

        // tcpdump leaves frames still in the kernel's buffer when it is stopped (no drain, unlike
        // the sensor): give it past libpcap's block timeout before stopping it.
        Thread.sleep(1200);
        tcpdump.destroy();
        tcpdump.waitFor(10, TimeUnit.SECONDS);
        server.destroy();

        Map<Integer, String[]> expected = tsharkFingerprints(pcap);
        assertEquals(
            clients.size(),
            expected.size(),
            "tshark sees one handshake per client; tcpdump: "
                + Files.readString(dir.resolve("tcpdump.log"))
                + "\nsensor events:\n"
                + sensor.stdout());

        List<JsonNode> events = sensor.events();
        assertEquals(
            clients.size(), events.size(), "one event per connection:\n" + sensor.stdout());
        for (JsonNode e : events) {
          int port = e.get("source").get("port").asInt();
          String[] want = expected.remove(port);
          assertNotNull(want, "an event for a connection tshark did not see: " + e);
          assertEquals(net.hostIp, CliRun.text(e, "source.ip"));
          assertEquals(net.nsIp, CliRun.text(e, "destination.ip"));
          assertEquals(PORT, e.get("destination").get("port").asInt());
          assertEquals(want[0], CliRun.text(e, "tls.client.ja3_string"), "JA3 string, port " + port);
          assertEquals(want[1], CliRun.text(e, "tls.client.ja3"), "JA3, port " + port);
          assertEquals(want[2], CliRun.text(e, "tls.server.ja3s_string"), "JA3S string " + port);
          assertEquals(want[3], CliRun.text(e, "tls.server.ja3s"), "JA3S, port " + port);
          assertEquals("sensor-under-test", CliRun.text(e, "observer.name"));
          assertEquals(net.hostIf, CliRun.text(e, "observer.ingress.interface.name"));
          assertNull(e.get("log"), "no log.file.path for live capture");
        }
        assertTrue(expected.isEmpty(), "every connection has its event");

        Map<String, Long> c = sensor.finalCounters();
        assertEquals(0L, c.get("kernel_dropped"));
        assertEquals(0L, c.get("queue_dropped"));
        assertEquals((long) clients.size(), c.get("events"));
        assertEquals((long) clients.size(), c.get("client_hellos"));
        assertEquals((long) clients.size(), c.get("server_hellos"));
      } finally {
        tcpdump.destroyForcibly();
        server.destroyForcibly();
      }
    }
  }

  /**
   * Per client port: JA3 string, JA3, JA3S string, JA3S as tshark computes them (first
   * ClientHello and first ServerHello of each TCP connection).
   */
  static Map<Integer, String[]> tsharkFingerprints(Path pcap) throws IOException, InterruptedException {
    String out =
        NetNs.runOut(
            "tshark", "-n", "-r", pcap.toString(), "-d", "tcp.port==" + PORT + ",tls",
            "-o", "tls.desegment_ssl_records:TRUE", "-o", "tcp.desegment_tcp_streams:TRUE",
            "-Y", "tls.handshake.type==1 || tls.handshake.type==2",
            "-T", "fields", "-E", "separator=/t",
            "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tls.handshake.type",
            "-e", "tls.handshake.ja3_full", "-e", "tls.handshake.ja3",
            "-e", "tls.handshake.ja3s_full", "-e", "tls.handshake.ja3s");
    Map<Integer, String[]> m = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length < 7 || !f[0].matches("\\d+")) {
        continue; // tshark's "Running as root" notice
      }
      boolean client = f[2].startsWith("1");
      int clientPort = Integer.parseInt(client ? f[0] : f[1]);
      String[] v = m.computeIfAbsent(clientPort, k -> new String[4]);
      if (client && v[0] == null) {
        v[0] = f[3];
        v[1] = f[4];
      } else if (!client && v[2] == null) {
        v[2] = f[5];
        v[3] = f[6];
      }
    }
    return m;
  }
}
