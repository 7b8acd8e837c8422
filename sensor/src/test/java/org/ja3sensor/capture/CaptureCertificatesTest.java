package org.ja3sensor.capture;

import static org.ja3sensor.capture.LiveTools.runClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server certificates live: {@code openssl s_server} in a network namespace with an expired,
 * self-signed, RSA 1024, SHA-1-signed certificate; curl and {@code openssl s_client} at TLS 1.2
 * (one with a server name the certificate does not cover) and curl at TLS 1.3; {@code capture} on
 * the host end of the veth while tcpdump records the same traffic. The events of {@code capture}
 * must be those of {@code read} on tcpdump's file, certificate fields and policy flags included
 * (validity is judged at capture time, which both see alike), and carry what openssl says of the
 * certificate. Run with the default reader and with {@code --reader ring}.
 */
class CaptureCertificatesTest {
  static final int PORT = 4443;
  static final String NAME = "expired.live.test";

  @TempDir Path dir;

  @org.junit.jupiter.params.ParameterizedTest(name = "--reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void captureAndReadOfTheSameTrafficGiveTheSameCertificateFields(String reader) throws Exception {
    NetNs.assumeRootAnd("ip", "openssl", "curl", "tcpdump");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Path csr = dir.resolve("req.csr");
    Path ext = dir.resolve("san.ext");
    Files.writeString(ext, "subjectAltName=DNS:" + NAME + "\n");
    NetNs.run("openssl", "req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", key.toString(),
        "-out", csr.toString(), "-subj", "/O=ja3sensor live test/CN=" + NAME);
    // -days -1: notAfter a day before now, so expired at capture time; signed by its own key.
    NetNs.run("openssl", "x509", "-req", "-in", csr.toString(), "-signkey", key.toString(),
        "-days", "-1", "-sha1", "-extfile", ext.toString(), "-out", cert.toString());
    String sha1 = NetNs.runOut("openssl", "x509", "-in", cert.toString(), "-noout", "-fingerprint",
        "-sha1").strip().replaceFirst("(?i)^sha1 fingerprint=", "").replace(":", "");

    try (NetNs net = NetNs.hostToNamespace()) {
      Process server =
          new ProcessBuilder(
                  NetNs.inNs(
                      net.ns, "openssl", "s_server", "-accept", Integer.toString(PORT), "-cert",
                      cert.toString(), "-key", key.toString(), "-www", "-quiet",
                      "-cipher", "DEFAULT:@SECLEVEL=0"))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("server.log").toFile())
              .start();
      Path pcap = dir.resolve("tcpdump.pcap");
      Process tcpdump =
          LiveTools.startTcpdump(net.hostIf, pcap, "tcp", dir.resolve("tcpdump.log"));
      try {
        LiveTools.awaitListening(net.nsIp, PORT);
        List<JsonNode> live;
        try (SensorProcess sensor =
            SensorProcess.start(
                dir, null, "capture", "-i", net.hostIf, "--sensor-name", "certs",
                "--stats-interval", "0", "--reader", reader)) {
          sensor.awaitStderr("worker(s)", 30_000);
          String resolve = NAME + ":" + PORT + ":" + net.nsIp;
          String url = "https://" + NAME + ":" + PORT + "/";
          runClient(List.of("curl", "-sk", "-o", "/dev/null", "--max-time", "10", "--tlsv1.2",
              "--tls-max", "1.2", "--ciphers", "DEFAULT:@SECLEVEL=0", "--resolve", resolve, url));
          runClient(List.of("openssl", "s_client", "-connect", net.nsIp + ":" + PORT, "-tls1_2",
              "-servername", "other.live.test", "-cipher", "DEFAULT:@SECLEVEL=0"));
          runClient(List.of("curl", "-sk", "-o", "/dev/null", "--max-time", "10", "--tlsv1.3",
              "--resolve", resolve, url));
          Thread.sleep(500); // the last FIN/ACKs reach the sensor
          long[] exit = sensor.terminate(15_000);
          assertEquals(0, exit[0], "exit status after SIGTERM:\n" + sensor.stderr());
          Map<String, Long> c = sensor.finalCounters();
          assertEquals(0L, c.get("kernel_dropped"), sensor.stderr());
          assertEquals(0L, c.get("queue_dropped"), sensor.stderr());
          live = sensor.events();
        }
        // tcpdump may hold frames in the kernel's buffer: past libpcap's block timeout first.
        Thread.sleep(1200);
        tcpdump.destroy();
        tcpdump.waitFor(10, TimeUnit.SECONDS);

        CliRun read = CliRun.run("read", "--no-progress", pcap.toString());
        assertEquals(0, read.exitCode, read.toString());
        assertEquals(3, live.size(), "one event per connection (capture):\n" + live);
        assertEquals(CaptureReplayTest.projection(read.events(), true),
            CaptureReplayTest.projection(live, true),
            "capture's events (right) vs read of tcpdump's file (left)");

        int withCertificate = 0;
        for (JsonNode e : live) {
          Set<String> flags = certificateFlags(e);
          if ("1.3".equals(CliRun.text(e, "tls.version"))) {
            assertNull(e.path("tls").path("server").get("hash"), "TLS 1.3: encrypted: " + e);
            assertEquals(Set.of(), flags, e.toString());
            continue;
          }
          withCertificate++;
          assertEquals(sha1, CliRun.text(e, "tls.server.hash.sha1"), e.toString());
          assertEquals("1", CliRun.text(e, "ja3sensor.tls.server.certificate_chain_length"));
          assertEquals("SHA1-RSA", CliRun.text(e, "tls.server.x509.signature_algorithm"));
          assertEquals("1024", CliRun.text(e, "tls.server.x509.public_key_size"));
          assertNotNull(CliRun.text(e, "tls.server.not_after"), e.toString());
          Set<String> want = new TreeSet<>(Set.of("server_certificate_self_signed",
              "server_certificate_expired", "server_certificate_weak_key",
              "server_certificate_weak_signature"));
          if ("other.live.test".equals(CliRun.text(e, "tls.client.server_name"))) {
            want.add("server_certificate_name_mismatch");
          }
          assertEquals(want, flags, e.toString());
        }
        assertEquals(2, withCertificate, "the two TLS 1.2 connections carry the certificate");
      } finally {
        tcpdump.destroyForcibly();
        server.destroyForcibly();
      }
    }
  }

  private static Set<String> certificateFlags(JsonNode e) {
    Set<String> out = new TreeSet<>();
    for (JsonNode f : e.path("ja3sensor").path("policy_flags")) {
      if (f.asText().startsWith("server_certificate_")) {
        out.add(f.asText());
      }
    }
    return out;
  }
}
