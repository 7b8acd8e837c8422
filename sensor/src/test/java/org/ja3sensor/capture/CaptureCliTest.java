package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capture}'s start-up errors, and stopping by itself with --count and --duration. */
class CaptureCliTest {
  @TempDir Path dir;

  /** Only the "ja3sensor: ..." lines; slf4j/pcap4j notices are not part of the contract. */
  static String ourLines(String stderr) {
    StringBuilder b = new StringBuilder();
    for (String line : stderr.split("\n")) {
      if (line.startsWith("ja3sensor: ")) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "--reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void missingInterfaceIsOneLineAndExitOne(String reader) {
    NetNs.assumeRootAnd();
    CliRun r = CliRun.run("capture", "-i", "j3nosuch0", "--reader", reader);
    assertEquals(1, r.exitCode, r.toString());
    String lines = ourLines(r.err);
    assertEquals(1, lines.lines().count(), lines);
    assertTrue(lines.startsWith("ja3sensor: interface \"j3nosuch0\": no such device"), lines);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "--reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void badFilterIsOneLineAndExitTwo(String reader) {
    NetNs.assumeRootAnd();
    CliRun r =
        CliRun.run("capture", "-i", "lo", "--bpf", "tcp and port nonsense", "--reader", reader);
    assertEquals(2, r.exitCode, r.toString());
    String lines = ourLines(r.err);
    assertEquals(1, lines.lines().count(), lines);
    assertTrue(
        lines.startsWith("ja3sensor: --bpf \"tcp and port nonsense\": libpcap rejected the filter"),
        lines);
  }

  @Test
  void badOptionValueIsAUsageError() {
    CliRun r = CliRun.run("capture", "-i", "lo", "--buffer-size", "lots");
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.err.contains("--buffer-size"), r.err);
    r = CliRun.run("capture", "-i", "lo", "--reader", "mmap");
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.err.contains("--reader must be auto, ring, direct or pcap4j, got mmap"), r.err);
  }

  /** The ring reader reads one Ethernet interface: "any" (Linux cooked) is refused, one line. */
  @Test
  void ringReaderRefusesTheAnyDevice() {
    NetNs.assumeRootAnd();
    CliRun r = CliRun.run("capture", "-i", "any", "--reader", "ring");
    assertEquals(1, r.exitCode, r.toString());
    String lines = ourLines(r.err);
    assertEquals(1, lines.lines().count(), lines);
    assertTrue(lines.startsWith("ja3sensor: interface \"any\": --reader ring captures one named"
        + " Ethernet interface"), lines);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "--reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void withoutCapabilitiesItSaysWhichOnesAreNeeded(String reader) throws Exception {
    NetNs.assumeRootAnd("setpriv");
    // Root without CAP_NET_RAW/CAP_NET_ADMIN in its bounding set: what an unprivileged user gets.
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    Process p =
        new ProcessBuilder(
                "setpriv", "--bounding-set", "-net_raw,-net_admin", "--inh-caps", "-all", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "org.ja3sensor.cli.Main", "capture", "-i", "lo", "--reader", reader)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    String lines = ourLines(java.nio.file.Files.readString(err));
    assertEquals(77, p.exitValue(), lines);
    assertEquals(1, lines.lines().count(), lines);
    assertTrue(lines.startsWith("ja3sensor: interface \"lo\": permission denied"), lines);
    assertTrue(lines.contains("root, or the capabilities CAP_NET_RAW and CAP_NET_ADMIN"), lines);
  }

  /**
   * The default reader, auto: the ring on an Ethernet interface (a veth), the direct reader on
   * "any" and where the filter names vlan; the start line says which, and that auto chose it.
   */
  @Test
  void theDefaultReaderIsTheRingWhereItApplies() throws Exception {
    NetNs.assumeRootAnd("ip");
    try (NetNs net = NetNs.hostToNamespace();
        SensorProcess veth = SensorProcess.start(dir, null, "capture", "-i", net.hostIf,
            "--duration", "1s");
        SensorProcess vlan = SensorProcess.start(dir, null, "capture", "-i", net.hostIf,
            "--bpf", "vlan and tcp", "--duration", "1s");
        SensorProcess any = SensorProcess.start(dir, null, "capture", "-i", "any",
            "--duration", "1s")) {
      for (SensorProcess p : List.of(veth, vlan, any)) {
        assertEquals(0, p.waitFor(30_000), p.stderr());
      }
      assertTrue(veth.stderr().contains("capturing on " + net.hostIf + " (link type ethernet"),
          veth.stderr());
      assertTrue(veth.stderr().contains(", reader ring (auto))"), veth.stderr());
      assertTrue(vlan.stderr().contains(", reader direct (auto))"), vlan.stderr());
      assertTrue(any.stderr().contains("capturing on any (link type"), any.stderr());
      assertTrue(any.stderr().contains(", reader direct (auto))"), any.stderr());
    }
  }

  @Test
  void countAndDurationStopTheCaptureByThemselves() throws Exception {
    NetNs.assumeRootAnd("ip", "bash");
    try (NetNs net = NetNs.hostToNamespace();
        NetNs net2 = NetNs.hostToNamespace();
        SensorProcess byCount =
            SensorProcess.start(dir, null, "capture", "-i", net.hostIf, "--count", "4");
        SensorProcess byTime =
            SensorProcess.start(
                dir, null, "capture", "-i", net.hostIf, "-i", net2.hostIf, "--duration", "6s",
                "--stats-interval", "1s")) {
      byCount.awaitStderr("worker(s)", 30_000);
      byTime.awaitStderr("worker(s)", 30_000);
      assertTrue(byTime.stderr().contains("capturing on " + net2.hostIf), byTime.stderr());
      // Three refused connections: 3 SYN + 3 RST = 6 packets, more than --count 4; two more on
      // the second interface, which only the duration-limited sensor captures.
      for (int port = 1; port <= 3; port++) {
        try {
          net.exec("bash", "-c", "exec 3<>/dev/tcp/" + net.hostIp + "/" + (41_000 + port));
        } catch (java.io.IOException refused) {
          // refused is expected
        }
      }
      for (int port = 1; port <= 2; port++) {
        try {
          net2.exec("bash", "-c", "exec 3<>/dev/tcp/" + net2.hostIp + "/" + (42_000 + port));
        } catch (java.io.IOException refused) {
          // refused is expected
        }
      }
      assertEquals(0, byCount.waitFor(15_000), byCount.stderr());
      Map<String, Long> c = byCount.finalCounters();
      assertEquals(4L, c.get("packets"), byCount.stderr());

      assertEquals(0, byTime.waitFor(20_000), byTime.stderr());
      assertEquals(10L, byTime.finalCounters().get("packets"), "6 + 4 on two interfaces:\n"
          + byTime.stderr());
      assertEquals(10L, byTime.finalCounters().get("tcp_packets"), byTime.stderr());
      assertTrue(
          byTime.stderr().contains("ja3sensor: stats packets="),
          "periodic stats line:\n" + byTime.stderr());
    }
  }
}
