package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real rotation: tcpdump {@code -G 1} writes a new capture file every second while curl clients
 * connect to {@code openssl s_server} in a network namespace, and {@code read --follow} reads the
 * files as tcpdump completes them. Its events must equal those of a plain {@code read} of the same
 * files afterwards.
 */
class FollowRotationTest {
  static final int PORT = 4433;

  @TempDir Path dir;

  @Test
  void followOfARotatingTcpdumpEqualsAPlainReadOfItsFiles() throws Exception {
    NetNs.assumeRootAnd("ip", "openssl", "curl", "tcpdump");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    NetNs.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out",
        cert.toString(), "-days", "2", "-subj", "/CN=follow.test");
    Path rot = Files.createDirectory(dir.resolve("rot"));
    try (NetNs net = NetNs.hostToNamespace()) {
      Process server = new ProcessBuilder(NetNs.inNs(net.ns, "openssl", "s_server", "-accept",
              Integer.toString(PORT), "-cert", cert.toString(), "-key", key.toString(), "-www",
              "-quiet"))
          .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
      LiveTools.awaitListening(net.nsIp, PORT);
      Process tcpdump = new ProcessBuilder("tcpdump", "-Z", "root", "-i", net.hostIf, "-U", "-s", "0", "-n",
              "-G", "1", "-w", rot.resolve("cap-%Y%m%d-%H%M%S.pcap").toString(), "tcp")
          .redirectErrorStream(true).redirectOutput(dir.resolve("tcpdump.log").toFile()).start();
      try (SensorProcess sensor = SensorProcess.start(dir, null, "read", "-q", "--follow",
          rot.toString(), "--follow-settle", "3600")) {
        LiveTools.awaitFile(dir.resolve("tcpdump.log"), "listening on", 10_000);
        String url = "https://" + net.nsIp + ":" + PORT + "/";
        int clients = 5;
        for (int i = 0; i < clients; i++) {
          Process c = new ProcessBuilder("curl", "-sk", "-o", "/dev/null", "--max-time", "10",
                  url).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
          assertTrue(c.waitFor(20, TimeUnit.SECONDS));
          assertEquals(0, c.exitValue());
          Thread.sleep(700); // the connections fall into several files
        }
        // One more packet two seconds on makes tcpdump start a new file: the last one with a
        // handshake is then complete.
        Thread.sleep(2000);
        new ProcessBuilder("curl", "-sk", "-o", "/dev/null", "--max-time", "10", url)
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
            .waitFor(20, TimeUnit.SECONDS);
        Path state = rot.resolve(".ja3sensor-follow.json");
        List<Path> read = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
          read = finished(state, rot);
          if (eventsIn(read) >= clients) {
            break;
          }
          Thread.sleep(200);
        }
        long[] exit = sensor.terminate(15_000);
        assertEquals(0, exit[0], sensor.stderr());
        read = finished(state, rot);
        assertTrue(read.size() >= 2, "several files: " + read + "; in the directory: "
            + listing(rot) + "; sensor: " + sensor.stderr() + "; tcpdump: "
            + Files.readString(dir.resolve("tcpdump.log")));

        List<String> args = new ArrayList<>(List.of("read", "-q"));
        read.forEach(p -> args.add(p.toString()));
        CliRun plain = CliRun.run(args.toArray(new String[0]));
        assertEquals(0, plain.exitCode, plain.toString());
        assertTrue(plain.events().size() >= clients, plain.out);
        assertEquals(CliRun.withoutRunFields(plain.out), CliRun.withoutRunFields(sensor.stdout()));
      } finally {
        tcpdump.destroy();
        tcpdump.waitFor(10, TimeUnit.SECONDS);
        server.destroyForcibly();
      }
    }
  }

  private static List<String> listing(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName() + ":" + p.toFile().length()).sorted().toList();
    }
  }

  /** The files the state lists as read, in the order of their names (tcpdump's time order). */
  private static List<Path> finished(Path state, Path dir) throws Exception {
    List<Path> out = new ArrayList<>();
    if (!Files.exists(state)) {
      return out;
    }
    JsonNode root = new ObjectMapper().readTree(state.toFile());
    for (JsonNode n : root.get("files")) {
      out.add(dir.resolve(n.get("name").asText()));
    }
    out.sort(null);
    return out;
  }

  private static int eventsIn(List<Path> files) {
    if (files.isEmpty()) {
      return 0;
    }
    List<String> args = new ArrayList<>(List.of("read", "-q"));
    files.forEach(p -> args.add(p.toString()));
    return CliRun.run(args.toArray(new String[0])).events().size();
  }
}
