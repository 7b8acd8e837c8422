package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code capture --capture-threads 2}: two handles on one interface in one PACKET_FANOUT group.
 * The corpus captures of {@link CaptureReplayTest} are replayed onto a veth; whatever handle the
 * kernel gives a packet to (flow hash, or round robin, which splits the two directions of every
 * connection and even one direction's segments over both handles), the events must be those
 * {@code read} gives for the file: both directions of each connection met in one worker. And the
 * handles shared the frames: the sensor counts each replayed TCP frame once, not once per handle.
 */
class CaptureFanoutTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "--fanout-mode {0}")
  @ValueSource(strings = {"hash", "lb"})
  void twoHandlesInOneFanoutGroupGiveTheEventsThatReadGives(String mode) throws Exception {
    NetNs.assumeRootAnd("ip", "tcpreplay", "mergecap", "tcpdump");
    Path corpus = CaptureReplayTest.corpusDir();
    assumeTrue(Files.isDirectory(corpus), "conformance corpus not found at " + corpus);
    Path replay = dir.resolve("replay.pcap");
    List<String> merge =
        new ArrayList<>(List.of("mergecap", "-a", "-F", "pcap", "-w", replay.toString()));
    for (String f : CaptureReplayTest.FILES) {
      merge.add(corpus.resolve(f).toString());
    }
    NetNs.run(merge.toArray(new String[0]));
    CliRun read = CliRun.run("read", "-q", replay.toString());
    assertEquals(0, read.exitCode, read.toString());
    List<String> expected = CaptureReplayTest.projection(read.events());
    assertTrue(expected.size() >= 20, "the replay file has handshakes: " + expected.size());
    long tcpFrames = NetNs.runOut("tcpdump", "-nn", "-tt", "-r", replay.toString(), "tcp")
        .lines().filter(l -> l.matches("\\d.*")).count(); // not tcpdump's "reading from"

    try (NetNs net = NetNs.pair();
        SensorProcess sensor = SensorProcess.start(dir, net.ns, "capture", "-i", net.hostIf,
            "--stats-interval", "0", "--capture-threads", "2", "--fanout-mode", mode,
            "--workers", "2")) {
      sensor.awaitStderr("worker(s)", 30_000);
      assertTrue(sensor.stderr().contains(
          "\"" + net.hostIf + "\": 2 capture threads in PACKET_FANOUT group "), sensor.stderr());
      assertTrue(sensor.stderr().contains("(mode " + mode + ")"), sensor.stderr());
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
      // Each frame reached one handle: without the group both would capture every frame.
      assertEquals(tcpFrames, c.get("packets"), sensor.stderr());
      assertEquals(expected, CaptureReplayTest.projection(sensor.events()), sensor.stderr());
    }
  }
}
