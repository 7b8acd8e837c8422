package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real QUIC, live: an HTTP/3 server on Netty's QUIC codec (samples/quic/QuicPeer.java, quiche and
 * BoringSSL) inside a network namespace, once plain and once forcing a Retry on every token-less
 * Initial; {@code capture} and tcpdump on the host end of the veth; the same peer as HTTP/3 client
 * on the host. The events of {@code capture} must equal those of {@code read} on tcpdump's file
 * (run fields aside), one per QUIC connection, with {@code network.transport: udp}, a {@code q}
 * JA4, and the JA3/JA3S that tshark decrypts from tcpdump's file. The final counters line of
 * {@code capture} carries the QUIC counters ({@code quic.*}) with the values of {@code read}'s
 * summary line {@code quic}, the Retry counted.
 *
 * <p>The peer runs on its own class path, the Netty 4.2 jars in {@code sensor/target/quic-peer}
 * (copied there by maven-dependency-plugin at process-test-resources).
 */
class CaptureQuicTest {
  static final int PORT = 4433;
  static final int PORT_RETRY = 4434;

  @TempDir Path dir;

  @Test
  void captureOfRealQuicEqualsReadOfTcpdump() throws Exception {
    NetNs.assumeRootAnd("ip", "openssl", "tcpdump", "tshark");
    Path root = Path.of(System.getProperty("ja3sensor.repoRoot", "..")).normalize();
    Path jars = root.resolve("sensor/target/quic-peer");
    assumeTrue(Files.isDirectory(jars), "no " + jars + " (mvn process-test-resources copies it)");
    String cp = jars + "/*";
    Path classes = dir.resolve("peer");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin");
    NetNs.run(javaBin.resolve("javac").toString(), "-cp", cp, "-d", classes.toString(),
        root.resolve("samples/quic/QuicPeer.java").toString());
    String peerCp = classes + ":" + cp;
    String java = javaBin.resolve("java").toString();

    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    NetNs.run(
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
        "-subj", "/CN=quic.test");

    List<Process> servers = new ArrayList<>();
    Process tcpdump = null;
    try (NetNs net = NetNs.hostToNamespace()) {
      for (int port : new int[] {PORT, PORT_RETRY}) {
        Path log = dir.resolve("server-" + port + ".log");
        List<String> cmd = new ArrayList<>(List.of(NetNs.inNs(net.ns, java, "-Xmx128m", "-cp",
            peerCp, "QuicPeer", "server", net.nsIp, Integer.toString(port), cert.toString(),
            key.toString())));
        if (port == PORT_RETRY) {
          cmd.add("retry");
        }
        servers.add(new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start());
      }
      for (int port : new int[] {PORT, PORT_RETRY}) {
        LiveTools.awaitFile(dir.resolve("server-" + port + ".log"), "listening", 60_000);
      }

      Path pcap = dir.resolve("tcpdump.pcap");
      tcpdump = LiveTools.startTcpdump(net.hostIf, pcap, "udp", dir.resolve("tcpdump.log"));
      try (SensorProcess sensor =
          SensorProcess.start(
              dir, null, "capture", "-i", net.hostIf, "--sensor-name", "quic-live",
              "--stats-interval", "0")) {
        sensor.awaitStderr("worker(s)", 30_000);

        client(java, peerCp, net.nsIp, PORT, 2);
        client(java, peerCp, net.nsIp, PORT_RETRY, 1);
        Thread.sleep(500);

        long[] exit = sensor.terminate(15_000);
        assertEquals(0, exit[0], "exit status after SIGTERM:\n" + sensor.stderr());
        Thread.sleep(1200); // past libpcap's block timeout, as in CaptureTlsTest
        tcpdump.destroy();
        tcpdump.waitFor(10, TimeUnit.SECONDS);

        List<JsonNode> events = sensor.events();
        CliRun read = CliRun.run("read", pcap.toString());
        assertEquals(0, read.exitCode, read.toString());
        assertEquals(3, read.events().size(), "read: one event per QUIC connection\n" + read.out);
        assertEquals(CaptureReplayTest.projection(read.events()),
            CaptureReplayTest.projection(events), "capture (right) vs. read of tcpdump's file");

        Map<Integer, String[]> tshark = tsharkFingerprints(pcap);
        assertEquals(3, tshark.size(), "tshark decrypts three QUIC connections: " + tshark.keySet());
        int retried = 0;
        for (JsonNode e : events) {
          assertEquals("udp", CliRun.text(e, "network.transport"), e.toString());
          assertEquals("quic", CliRun.text(e, "network.protocol"), e.toString());
          assertEquals("0x00000001", CliRun.text(e, "ja3sensor.quic.version"), e.toString());
          assertEquals(net.hostIp, CliRun.text(e, "source.ip"));
          assertEquals(net.nsIp, CliRun.text(e, "destination.ip"));
          assertTrue(CliRun.text(e, "tls.client.ja4").matches("q13[di]\\d{4}\\w\\w_[0-9a-f]{12}_[0-9a-f]{12}"),
              "JA4 of a QUIC hello: " + e);
          String[] want = tshark.remove(e.get("source").get("port").asInt());
          assertNotNull(want, "an event for a connection tshark did not see: " + e);
          assertEquals(want[0], CliRun.text(e, "tls.client.ja3_string"));
          assertEquals(want[1], CliRun.text(e, "tls.client.ja3"));
          assertEquals(want[2], CliRun.text(e, "tls.server.ja3s_string"));
          assertEquals(want[3], CliRun.text(e, "tls.server.ja3s"));
          if (e.get("destination").get("port").asInt() == PORT_RETRY) {
            retried++;
          }
        }
        assertEquals(1, retried, "one event for the connection with a Retry");

        // The final counters line carries the QUIC counters, as read's summary line "quic" does.
        Map<String, Long> c = sensor.finalCounters();
        String err = sensor.stderr();
        assertEquals(0L, c.get("kernel_dropped"), err);
        assertEquals(0L, c.get("queue_dropped"), err);
        assertEquals(3L, c.get("events"), err);
        assertEquals(0L, c.get("tcp_packets"), "no TCP on this veth, QUIC is not TCP:\n" + err);
        assertEquals(3L, c.get("quic.flows"), err);
        assertEquals(6L, c.get("quic.hellos"), "three ClientHellos, three ServerHellos:\n" + err);
        assertEquals(0L, c.get("quic.tag_failures"), err);
        assertTrue(c.get("quic.retries") >= 1, "the Retry is counted:\n" + err);
        assertTrue(c.get("quic.decrypted") >= 6 && c.get("quic.initials") >= c.get("quic.decrypted"),
            err);
        Map<String, Long> readCounters = quicCounters(read.err);
        assertEquals(readCounters.get("flows"), c.get("quic.flows"), "read's summary: " + read.err);
        assertEquals(readCounters.get("hellos"), c.get("quic.hellos"), "read's summary: " + read.err);
        assertEquals(readCounters.get("retries"), c.get("quic.retries"), "read's summary: " + read.err);
        assertEquals(readCounters.get("initials"), c.get("quic.initials"), "read's summary: " + read.err);
        assertEquals(readCounters.get("decrypted"), c.get("quic.decrypted"), "read's summary: " + read.err);
      }
    } finally {
      if (tcpdump != null) {
        tcpdump.destroyForcibly();
      }
      servers.forEach(Process::destroyForcibly);
    }
  }

  private void client(String java, String cp, String host, int port, int connections)
      throws IOException, InterruptedException {
    Path log = dir.resolve("client-" + port + ".log");
    Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", cp, "QuicPeer", "client", host,
        Integer.toString(port), Integer.toString(connections))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("QUIC client did not finish: " + Files.readString(log));
    }
    assertEquals(0, p.exitValue(), "QUIC client to port " + port + " failed:\n"
        + Files.readString(log));
  }

  /**
   * The numbers of read's summary line "quic N flows, N Initials (N decrypted, N tag failures),
   * N hellos, N retries, N version negotiation", by name.
   */
  static Map<String, Long> quicCounters(String summary) {
    Matcher m = Pattern.compile(
            "quic\\s+(\\d+) flows, (\\d+) Initials \\((\\d+) decrypted, (\\d+) tag failures\\),"
                + " (\\d+) hellos, (\\d+) retries")
        .matcher(summary);
    assertTrue(m.find(), "no quic line in read's summary:\n" + summary);
    Map<String, Long> q = new HashMap<>();
    String[] names = {"flows", "initials", "decrypted", "tag_failures", "hellos", "retries"};
    for (int i = 0; i < names.length; i++) {
      q.put(names[i], Long.parseLong(m.group(i + 1)));
    }
    return q;
  }

  /** Per client port: JA3 string, JA3, JA3S string, JA3S of the first hellos tshark decrypts. */
  private static Map<Integer, String[]> tsharkFingerprints(Path pcap) throws Exception {
    String out =
        NetNs.runOut(
            "tshark", "-n", "-r", pcap.toString(), "-d", "udp.port==" + PORT + ",quic",
            "-d", "udp.port==" + PORT_RETRY + ",quic",
            "-Y", "tls.handshake.type==1 || tls.handshake.type==2",
            "-T", "fields", "-E", "separator=/t",
            "-e", "udp.srcport", "-e", "udp.dstport", "-e", "tls.handshake.type",
            "-e", "tls.handshake.ja3_full", "-e", "tls.handshake.ja3",
            "-e", "tls.handshake.ja3s_full", "-e", "tls.handshake.ja3s");
    Map<Integer, String[]> m = new HashMap<>();
    Stream.of(out.split("\n")).map(l -> l.split("\t", -1))
        .filter(f -> f.length >= 7 && f[0].matches("\\d+"))
        .forEach(f -> {
          boolean client = f[2].startsWith("1");
          String[] v = m.computeIfAbsent(Integer.parseInt(client ? f[0] : f[1]), k -> new String[4]);
          if (client && v[0] == null) {
            v[0] = f[3];
            v[1] = f[4];
          } else if (!client && v[2] == null) {
            v[2] = f[5];
            v[3] = f[6];
          }
        });
    return m;
  }
}
