package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live capture and file reading are one pipeline: captures from the conformance corpus are
 * replayed with tcpreplay onto a veth at a fixed rate, and {@code capture} on the other end must
 * emit exactly the events that {@code read} emits for the same file.
 *
 * <p>Compared: every field except those that describe the run rather than the handshake: {@code
 * @timestamp} (replayed frames get new capture times), {@code log.file.path} versus {@code
 * observer.*}, and {@code ja3sensor.trigger} (the file's real time gaps make {@code read} evict
 * idle flows that the compressed replay still holds at shutdown). Run with each reader ({@code
 * --reader pcap4j}, {@code direct} and {@code ring}).
 */
class CaptureReplayTest {
  static final int PPS = 5000;

  /** Ethernet captures with 27 TLS handshakes in all, in time order (see corpus README.md). */
  static final String[] FILES = {
    "ndpi/safari.pcap",
    "ndpi/chrome.pcap",
    "ndpi/firefox.pcap",
    "foxio-ja4/tls-handshake.pcapng",
    "foxio-ja4/latest.pcapng",
  };

  static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  static Path corpusDir() {
    Path root = Path.of(System.getProperty("ja3sensor.repoRoot", "."));
    return root.resolve("../shared/corpus").normalize();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "--reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"pcap4j", "direct", "ring"})
  void replayedCaptureGivesTheEventsThatReadGives(String reader) throws Exception {
    NetNs.assumeRootAnd("ip", "tcpreplay", "mergecap");
    Path corpus = corpusDir();
    assumeTrue(Files.isDirectory(corpus), "conformance corpus not found at " + corpus);

    Path replay = dir.resolve("replay.pcap");
    List<String> merge = new ArrayList<>(List.of("mergecap", "-a", "-F", "pcap", "-w", replay.toString()));
    for (String f : FILES) {
      merge.add(corpus.resolve(f).toString());
    }
    NetNs.run(merge.toArray(new String[0]));

    CliRun read = CliRun.run("read", "-q", replay.toString());
    assertEquals(0, read.exitCode, read.toString());
    List<String> expected = projection(read.events());
    assertTrue(expected.size() >= 20, "the replay file has handshakes: " + expected.size());

    try (NetNs net = NetNs.pair();
        SensorProcess sensor =
            SensorProcess.start(
                dir, net.ns, "capture", "-i", net.hostIf, "--sensor-name", "replay",
                "--stats-interval", "0", "--reader", reader)) {
      sensor.awaitStderr("worker(s)", 30_000);
      assertTrue(sensor.stderr().contains("reader " + reader + ")"), sensor.stderr());
      String out =
          NetNs.runOut(
              NetNs.inNs(
                  net.ns2, "tcpreplay", "-i", net.nsIf, "--pps=" + PPS, replay.toString()));
      assertTrue(
          java.util.regex.Pattern.compile("Failed packets:\\s+0\\s").matcher(out).find(),
          "tcpreplay sent everything:\n" + out);
      Thread.sleep(500);
      long[] exit = sensor.terminate(15_000);
      assertEquals(0, exit[0], sensor.stderr());

      Map<String, Long> c = sensor.finalCounters();
      assertEquals(0L, c.get("kernel_dropped"), sensor.stderr());
      assertEquals(0L, c.get("queue_dropped"), sensor.stderr());
      List<JsonNode> events = sensor.events();
      for (JsonNode e : events) {
        assertEquals("replay", CliRun.text(e, "observer.name"));
        assertEquals(net.hostIf, CliRun.text(e, "observer.ingress.interface.name"));
      }
      assertEquals(expected, projection(events));
      assertTrue(!sensor.stderr().contains("unavailable"), sensor.stderr());
    }
  }

  /** Each event without the run-specific fields, as canonical JSON text, sorted. */
  static List<String> projection(List<JsonNode> events) {
    return projection(events, false);
  }

  /**
   * As {@link #projection(List)}; with {@code keepValidityFlags} the certificate validity flags
   * stay (both sides captured now, so judged at the same time).
   */
  static List<String> projection(List<JsonNode> events, boolean keepValidityFlags) {
    List<String> list = new ArrayList<>();
    for (JsonNode e : events) {
      ObjectNode o = e.deepCopy();
      o.remove("@timestamp");
      o.remove("log");
      o.remove("observer");
      if (o.get("event") instanceof ObjectNode ev) {
        ev.remove("id");
        ev.remove("created");
      }
      if (o.get("ja3sensor") instanceof ObjectNode j) {
        j.remove("trigger");
        // Certificate validity is judged at the handshake's capture time: a replayed old
        // certificate is expired today, not when the file was recorded.
        if (!keepValidityFlags
            && j.get("policy_flags") instanceof com.fasterxml.jackson.databind.node.ArrayNode flags) {
          for (int i = flags.size() - 1; i >= 0; i--) {
            String f = flags.get(i).asText();
            if (f.equals("server_certificate_expired")
                || f.equals("server_certificate_not_yet_valid")) {
              flags.remove(i);
            }
          }
          if (flags.isEmpty()) {
            j.remove("policy_flags");
          }
        }
        if (j.isEmpty()) {
          o.remove("ja3sensor");
        }
      }
      list.add(o.toString()); // both sides come from the same serialiser: same field order
    }
    Collections.sort(list);
    return list;
  }
}
