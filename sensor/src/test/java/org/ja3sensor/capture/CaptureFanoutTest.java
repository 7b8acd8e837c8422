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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capture --capture-threads 2}: two handles on one interface in one PACKET_FANOUT group
 * (flow hash). The corpus captures of {@link CaptureReplayTest} and a capture of IPv4 fragments
 * are replayed onto a veth; the events must be those {@code read} gives for the file: both
 * directions of each connection met in one pipeline. And the handles shared the frames: the
 * sensor counts each replayed TCP frame once, not once per handle.
 *
 * <p>Two ways: each capture thread with its own pipeline ({@code --pipelines local}, the
 * default: only the kernel's symmetric flow hash brings both directions together, and the kernel
 * reassembles the IPv4 fragments before hashing, so the sensor sees one frame per datagram), and
 * every segment handed to the workers through their queues ({@code workers}). The local way runs
 * with the default reader and with {@code --reader ring} (its own sockets in the group).
 *
 * <p>And one capture thread running the only pipeline, with no worker ({@code --pipelines local}
 * with one capture thread, or the default where the JVM has one processor): every segment,
 * tunnelled ones too (a 6in4 capture is added to the replay), stays on the capture thread.
 */
class CaptureFanoutTest {
  @TempDir Path dir;

  @org.junit.jupiter.params.ParameterizedTest(name = "--reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void twoHandlesEachWithItsOwnPipelineGiveTheEventsThatReadGives(String reader)
      throws Exception {
    replayThroughFanout("local", reader, 2, List.of());
  }

  @Test
  void twoHandlesFeedingTheWorkersGiveTheEventsThatReadGives() throws Exception {
    replayThroughFanout("workers", "direct", 2, List.of());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "--reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void oneCaptureThreadRunningTheOnlyPipelineGivesTheEventsThatReadGives(String reader)
      throws Exception {
    replayThroughFanout("local", reader, 1, List.of());
  }

  /** The default on one processor: the JVM told it has one ({@code -XX:ActiveProcessorCount}). */
  @Test
  void onOneProcessorTheDefaultIsOneCaptureThreadRunningThePipeline() throws Exception {
    replayThroughFanout("auto", "ring", 1, List.of("-XX:ActiveProcessorCount=1"));
  }

  private void replayThroughFanout(
      String pipelines, String reader, int threads, List<String> jvmOptions) throws Exception {
    String mode = "hash";
    boolean single = threads == 1;
    boolean local = !single && pipelines.equals("local");
    NetNs.assumeRootAnd("ip", "tcpreplay", "mergecap", "tcpdump");
    Path corpus = CaptureReplayTest.corpusDir();
    assumeTrue(Files.isDirectory(corpus), "conformance corpus not found at " + corpus);
    Path replay = dir.resolve("replay.pcap");
    List<String> merge =
        new ArrayList<>(List.of("mergecap", "-a", "-F", "pcap", "-w", replay.toString()));
    for (String f : CaptureReplayTest.FILES) {
      merge.add(corpus.resolve(f).toString());
    }
    // IPv4 fragments, last first: the kernel hashes them by address, so one thread has them all.
    merge.add(Path.of(System.getProperty("ja3sensor.repoRoot", "."))
        .resolve("samples/fragments/curl-tls12.frag24-reverse.pcap").normalize().toString());
    if (single) {
      // IPv6 in IPv4 (6in4): tunnelled segments, which a single pipeline keeps too.
      merge.add(corpus.resolve("ndpi/6in4tunnel.pcap").toString());
    }
    NetNs.run(merge.toArray(new String[0]));
    CliRun read = CliRun.run("read", "-q", replay.toString());
    assertEquals(0, read.exitCode, read.toString());
    List<String> expected = CaptureReplayTest.projection(read.events());
    assertTrue(expected.size() >= 20, "the replay file has handshakes: " + expected.size());
    // the frames capture's default filter ("tcp or udp") passes; with local pipelines the kernel
    // reassembles IPv4 fragments first: one frame per datagram (fragments at offset 0 counted)
    // (one thread alone also takes the 6in4 frames, IP protocol 41, which the default filter,
    // "tcp or udp", leaves out)
    String filter = local ? "(tcp or udp) and not (ip and ip[6:2] & 0x1fff != 0)"
        : single ? SIX_IN_FOUR_TOO : "tcp or udp";
    long tcpFrames = NetNs.runOut("tcpdump", "-nn", "-tt", "-r", replay.toString(), filter)
        .lines().filter(l -> l.matches("\\d.*")).count(); // not tcpdump's "reading from"

    List<String> options = new ArrayList<>(List.of("--stats-interval", "0", "--capture-threads",
        Integer.toString(threads), "--pipelines", pipelines, "--reader", reader));
    if (!single) {
      options.addAll(List.of("--fanout-mode", mode, "--workers", "2"));
    } else {
      options.addAll(List.of("--bpf", SIX_IN_FOUR_TOO));
    }
    try (NetNs net = NetNs.pair();
        SensorProcess sensor = SensorProcess.start(dir, net.ns, jvmOptions,
            capture(net.hostIf, options))) {
      sensor.awaitStderr("worker(s)", 30_000);
      assertEquals(!single, sensor.stderr().contains(
          "\"" + net.hostIf + "\": 2 capture threads in PACKET_FANOUT group "), sensor.stderr());
      assertEquals(!single, sensor.stderr().contains("(mode " + mode + ")"), sensor.stderr());
      assertEquals(local, sensor.stderr().contains(
          "2 capture threads, each with its own pipeline"), sensor.stderr());
      assertEquals(single, sensor.stderr().contains(
          "one capture thread running the pipeline itself ("
              + (pipelines.equals("auto") ? "auto: the JVM has one processor"
                  : "--pipelines local")
              + "; no worker queue, so --queue-size and --queue-full do not apply)"),
          sensor.stderr());
      assertEquals(single, sensor.stderr().contains("0 worker(s)"), sensor.stderr());
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

  /**
   * A local pipeline evicts idle flows while its interface is silent: its capture thread, which
   * then sits in libpcap's read, is woken. The client side of a handshake alone (no ServerHello)
   * gives its event only at the idle timeout (1 s here) or at the end; it must come before the end.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "--reader {0} --capture-threads {1}")
  @org.junit.jupiter.params.provider.CsvSource({"direct,2", "ring,2", "direct,1", "ring,1"})
  void localPipelinesEvictIdleFlowsOnASilentInterface(String reader, int threads)
      throws Exception {
    NetNs.assumeRootAnd("ip", "tcpreplay", "tcpdump");
    Path sample = Path.of(System.getProperty("ja3sensor.repoRoot", "."))
        .resolve("samples/curl-tls13.pcap").normalize();
    Path clientOnly = dir.resolve("client-only.pcap");
    NetNs.run("tcpdump", "-r", sample.toString(), "-w", clientOnly.toString(), "tcp dst port 443");
    try (NetNs net = NetNs.pair();
        SensorProcess sensor = SensorProcess.start(dir, net.ns, capture(net.hostIf, List.of(
            "--stats-interval", "0", "--capture-threads", Integer.toString(threads),
            "--pipelines", "local", "--idle-timeout", "1", "--reader", reader)))) {
      sensor.awaitStderr(threads == 1 ? "running the pipeline itself"
          : "each with its own pipeline", 30_000);
      sensor.awaitStderr("worker(s)", 30_000);
      NetNs.runOut(NetNs.inNs(net.ns2, "tcpreplay", "-i", net.nsIf, "--pps=1000",
          clientOnly.toString()));
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (sensor.events().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(1, sensor.events().size(), "event before the end:\n" + sensor.stderr());
      assertEquals("flow_evicted",
          sensor.events().get(0).path("ja3sensor").path("trigger").asText(), sensor.stdout());
      long[] exit = sensor.terminate(15_000);
      assertEquals(0, exit[0], sensor.stderr());
    }
  }

  private static final String SIX_IN_FOUR_TOO = "tcp or udp or ip proto 41";

  private static String[] capture(String iface, List<String> options) {
    List<String> a = new ArrayList<>(List.of("capture", "-i", iface));
    a.addAll(options);
    return a.toArray(new String[0]);
  }

  @Test
  void fanoutModesThatSplitAFlowAreRefused() {
    CliRun r = CliRun.run("capture", "-i", "lo", "--capture-threads", "2", "--fanout-mode", "lb");
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.err.contains("--fanout-mode is \"lb\", expected hash, cpu or qm"), r.err);
    r = CliRun.run("capture", "-i", "lo", "--capture-threads", "2", "--pipelines", "x");
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.err.contains("--pipelines must be auto, local or workers, got x"), r.err);
    r = CliRun.run("capture", "-i", "lo", "--pipelines", "local", "--workers", "2");
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.err.contains("--workers does not apply with --pipelines local and one capture"
        + " thread"), r.err);
    r = CliRun.run("capture", "-i", "lo", "--capture-threads", "0");
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.err.contains("--capture-threads must be 1 to 64, got 0"), r.err);
  }
}
