package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live capture reassembles IP fragments like {@code read}: the fragmented samples (IPv4 last fragment first,
 * IPv6 last fragment first, ERSPAN over fragmented outer IPv4; {@code samples/fragments}) are
 * replayed onto a veth, and {@code capture} without a filter must emit the events {@code read}
 * emits for the same file (fields that describe the run aside, as in {@link CaptureReplayTest}).
 */
class CaptureFragmentsTest {
  static final String[] FILES = {
    "curl-tls12.frag24-reverse.pcap", "curl-ipv6.frag64-reverse.pcap", "curl-tls13.erspan-frag128.pcap",
  };

  @TempDir Path dir;

  @Test
  void replayedFragmentsGiveTheEventsThatReadGives() throws Exception {
    NetNs.assumeRootAnd("ip", "tcpreplay", "mergecap");
    Path samples = Path.of(System.getProperty("ja3sensor.repoRoot", "."))
        .resolve("samples/fragments").normalize();
    Path replay = dir.resolve("replay.pcap");
    List<String> merge =
        new ArrayList<>(List.of("mergecap", "-a", "-F", "pcap", "-w", replay.toString()));
    for (String f : FILES) {
      merge.add(samples.resolve(f).toString());
    }
    NetNs.run(merge.toArray(new String[0]));

    CliRun read = CliRun.run("read", "-q", replay.toString());
    assertEquals(0, read.exitCode, read.toString());
    List<String> expected = CaptureReplayTest.projection(read.events());
    assertEquals(3, expected.size(), "one handshake per file: " + expected);

    try (NetNs net = NetNs.pair();
        SensorProcess sensor = SensorProcess.start(dir, net.ns, "capture", "-i", net.hostIf,
            "--sensor-name", "frag", "--stats-interval", "0", "--bpf", "")) {
      sensor.awaitStderr("worker(s)", 30_000);
      String out = NetNs.runOut(NetNs.inNs(net.ns2, "tcpreplay", "-i", net.nsIf,
          "--pps=" + CaptureReplayTest.PPS, replay.toString()));
      assertTrue(java.util.regex.Pattern.compile("Failed packets:\\s+0\\s").matcher(out).find(),
          "tcpreplay sent everything:\n" + out);
      Thread.sleep(500);
      long[] exit = sensor.terminate(15_000);
      assertEquals(0, exit[0], sensor.stderr());
      Map<String, Long> c = sensor.finalCounters();
      assertEquals(0L, c.get("kernel_dropped"), sensor.stderr());
      assertEquals(0L, c.get("queue_dropped"), sensor.stderr());
      List<JsonNode> events = sensor.events();
      assertEquals(expected, CaptureReplayTest.projection(events), sensor.stderr());
    }
  }
}
