package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ja3sensor} on the built jar (runs after {@code package}): the events it writes equal
 * those of the command run in-process, and its class-data archive is made on the first run and
 * used by the next.
 */
class LauncherIT {
  private static final Path ROOT =
      Path.of(System.getProperty("ja3sensor.repoRoot", "..")).toAbsolutePath().normalize();
  private static final Path SAMPLE = ROOT.resolve("samples/curl-multi.pcap");

  @TempDir Path cds;

  private record Result(int exit, String out, String err) {}

  private Result launch(String javaOpts, String... args) throws Exception {
    return launch(javaOpts, java.util.Map.of(), args);
  }

  private Result launch(String javaOpts, java.util.Map<String, String> env, String... args)
      throws Exception {
    Path out = Files.createTempFile(cds.getParent(), "launcher", ".out");
    Path err = Files.createTempFile(cds.getParent(), "launcher", ".err");
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/ja3sensor").toString()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("JA3SENSOR_JAR", System.getProperty("ja3sensor.jar"));
      pb.environment().put("JA3SENSOR_CDS", cds.toString());
      pb.environment().put("JAVA_OPTS", javaOpts);
      pb.environment().remove(JitChoice.ENV);
      pb.environment().putAll(env);
      Process p = pb.start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not finish");
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private List<String> cdsFiles() throws Exception {
    try (Stream<Path> s = Files.list(cds)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The JVM's flags as -XX:+PrintCommandLineFlags prints them (to stdout, before the command). */
  private static java.util.Map<String, String> flags(String out) {
    java.util.Map<String, String> m = new java.util.HashMap<>();
    for (String f : out.lines().filter(l -> l.startsWith("-XX:")).findFirst().orElse("").split(" ")) {
      int eq = f.indexOf('=');
      if (eq > 0) {
        m.put(f.substring(4, eq), f.substring(eq + 1));
      } else if (f.length() > 5) {
        m.put(f.substring(5), f.substring(4, 5));
      }
    }
    return m;
  }

  @Test
  void captureGetsItsWholeHeapTouchedAtStart() throws Exception {
    // -Xmx alone: -Xms follows it, and the heap is touched at start.
    Result r = launch("-Xmx200m -XX:+PrintCommandLineFlags", "capture", "--help");
    assertEquals(0, r.exit(), r.err());
    java.util.Map<String, String> f = flags(r.out());
    assertEquals(String.valueOf(200L << 20), f.get("MaxHeapSize"), r.out());
    assertEquals(String.valueOf(200L << 20), f.get("MinHeapSize"), r.out());
    assertEquals("+", f.get("AlwaysPreTouch"), r.out());
    // Arrays of 1 MiB or more (the queues) are allocated in the old generation.
    assertEquals(String.valueOf(1L << 20), f.get("PretenureSizeThreshold"), r.out());
    // An -Xms of the user's own, before or after -Xmx, is kept.
    for (String opts : List.of("-Xms64m -Xmx200m", "-Xmx200m -Xms64m")) {
      f = flags(launch(opts + " -XX:+PrintCommandLineFlags", "capture", "--help").out());
      assertEquals(String.valueOf(64L << 20), f.get("MinHeapSize"), opts);
    }
    // And -XX:-AlwaysPreTouch in JAVA_OPTS wins.
    f = flags(launch("-Xmx200m -XX:-AlwaysPreTouch -XX:+PrintCommandLineFlags", "capture", "--help")
        .out());
    assertEquals("-", f.get("AlwaysPreTouch"));
    // Other commands are left alone.
    f = flags(launch("-Xmx200m -XX:+PrintCommandLineFlags", "config", "example").out());
    assertTrue(f.containsKey("MaxHeapSize"));
    assertEquals(null, f.get("AlwaysPreTouch"));
    assertTrue(!String.valueOf(200L << 20).equals(f.get("MinHeapSize")), f.toString());
  }

  @Test
  void firstReadMakesTheArchiveTheNextUsesItAndBothPrintTheSameEvents() throws Exception {
    assertTrue(new File(System.getProperty("ja3sensor.jar")).isFile(), "the jar is built");
    CliRun inProcess = CliRun.run("read", "-q", SAMPLE.toString());
    assertEquals(0, inProcess.exitCode, inProcess.toString());
    assertEquals(4, inProcess.events().size());

    Result first = launch("", "read", "-q", SAMPLE.toString());
    assertEquals(0, first.exit(), first.err());
    assertEquals("", first.err());
    assertEquals(CliRun.withoutRunFields(inProcess.out), CliRun.withoutRunFields(first.out()));
    // Only the archive is left behind (no class list, no temporary file).
    assertEquals(List.of("ja3sensor-read.jsa"), cdsFiles());
    assertTrue(Files.size(cds.resolve("ja3sensor-read.jsa")) > 1_000_000);

    // -Xshare:on makes the JVM refuse to start unless it maps the archive.
    Result second = launch("-Xshare:on", "read", "-q", SAMPLE.toString());
    assertEquals(0, second.exit(), second.err());
    assertEquals(CliRun.withoutRunFields(inProcess.out), CliRun.withoutRunFields(second.out()));

    // A failing read still exits with its own status through the launcher.
    Result missing = launch("", "read", "-q", cds.resolve("nope.pcap").toString());
    assertEquals(1, missing.exit(), missing.err());
    assertTrue(missing.err().startsWith("ja3sensor: "), missing.err());
  }

  @Test
  void archivesCanBeTurnedOff() throws Exception {
    Result r = launch("", "read", "-q", SAMPLE.toString());
    assertEquals(0, r.exit(), r.err());
    Path off = Files.createTempDirectory(cds.getParent(), "nocds");
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/ja3sensor").toString(), "read", "-q",
        SAMPLE.toString()).redirectErrorStream(true);
    pb.environment().put("JA3SENSOR_JAR", System.getProperty("ja3sensor.jar"));
    pb.environment().put("JA3SENSOR_CDS", "off");
    pb.environment().put("HOME", off.toString());
    pb.environment().remove("XDG_CACHE_HOME");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertEquals(CliRun.withoutRunFields(r.out()), CliRun.withoutRunFields(out));
    try (Stream<Path> s = Files.walk(off)) {
      assertEquals(1, s.count(), "nothing written anywhere with JA3SENSOR_CDS=off");
    }
  }

  /** A QUIC-heavy capture of at least JitChoice.MIN_BYTES and MIN_INITIALS (about 26 MB). */
  private Path quicHeavy() throws Exception {
    Path f = cds.getParent().resolve("quic-heavy.pcap");
    QuicHeavyCapture.Written w = QuicHeavyCapture.write(
        ROOT.resolve("samples/quic/netty-quic.pcap"), f, 2_400);
    assertTrue(w.bytes() > JitChoice.MIN_BYTES && w.initials() > JitChoice.MIN_INITIALS, w.toString());
    return f;
  }

  @Test
  void quicHeavyReadRunsInAC2ChildAndWritesTheSameEvents() throws Exception {
    Path f = quicHeavy();
    // -XX:+PrintFlagsFinal: each JVM prints its flags (to stderr), so the child's JIT shows.
    String flags = "-XX:+DisplayVMOutputToStderr -XX:+PrintFlagsFinal";
    Result c1 = launch(flags, java.util.Map.of(JitChoice.ENV, "c1"), "read", f.toString());
    Result auto = launch(flags, "read", f.toString());
    assertEquals(0, c1.exit(), c1.err());
    assertEquals(0, auto.exit(), auto.err());
    assertTrue(!c1.err().contains("C2 compiler"), c1.err());
    assertTrue(auto.err().contains("QUIC Initial packets ahead: reading with the C2 compiler"),
        auto.err());
    assertEquals(List.of("1"), stopLevels(c1.err()), "JA3SENSOR_JIT=c1: one JVM, C1 only");
    assertEquals(List.of("1", "4"), stopLevels(auto.err()), "the launcher's JVM, then a C2 child");
    assertEquals(1, auto.err().split("ja3sensor summary", -1).length - 1, auto.err());
    String events = CliRun.withoutRunFields(c1.out());
    assertTrue(events.lines().count() > 7_000, "a connection per flow and copy");
    assertEquals(events, CliRun.withoutRunFields(auto.out()));

    // A TCP capture of the same size stays in the launcher's JVM.
    Path tcp = cds.getParent().resolve("tcp.pcap");
    byte[] one = Files.readAllBytes(SAMPLE);
    try (var os = new java.io.BufferedOutputStream(Files.newOutputStream(tcp))) {
      os.write(one);
      long copies = JitChoice.MIN_BYTES / (one.length - 24) + 1;
      for (long i = 0; i < copies; i++) {
        os.write(one, 24, one.length - 24); // the same records again: one flow per tuple
      }
    }
    Result t = launch(flags, "read", "-q", tcp.toString());
    assertEquals(0, t.exit(), t.err());
    assertEquals(List.of("1"), stopLevels(t.err()));

    // A wrong value is refused in one line.
    Result bad = launch("", java.util.Map.of(JitChoice.ENV, "fast"), "read", f.toString());
    assertEquals(2, bad.exit(), bad.err());
    assertEquals("ja3sensor: JA3SENSOR_JIT=fast: use auto, c1 or c2\n", bad.err());
    assertEquals("", bad.out());
  }

  /** The TieredStopAtLevel values that -XX:+PrintFlagsFinal printed, in order. */
  private static List<String> stopLevels(String err) {
    return err.lines().filter(l -> l.contains(" TieredStopAtLevel "))
        .map(l -> l.replaceAll(".*TieredStopAtLevel\\s+=\\s+(\\d+).*", "$1")).toList();
  }

  @Test
  void sigtermToTheLauncherStopsTheC2ChildCleanly() throws Exception {
    Path f = quicHeavy();
    Path out = cds.getParent().resolve("term.out");
    Path err = cds.getParent().resolve("term.err");
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/ja3sensor").toString(), "read",
        f.toString(), f.toString(), f.toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("JA3SENSOR_JAR", System.getProperty("ja3sensor.jar"));
    pb.environment().put("JA3SENSOR_CDS", "off"); // the launcher execs the JVM: the PID is the parent's
    pb.environment().remove(JitChoice.ENV);
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (Files.size(out) == 0 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(p.isAlive(), "still reading when the first event is out: " + Files.readString(err));
    assertTrue(p.children().count() == 1, "one child JVM");
    ProcessHandle child = p.children().findFirst().orElseThrow();
    p.destroy(); // SIGTERM to the launcher's JVM, as systemd or kill(1) sends it
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertTrue(child.onExit().get(10, TimeUnit.SECONDS) != null);
    String e = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), e);
    assertTrue(e.contains("ja3sensor summary"), e);
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertTrue(!lines.isEmpty());
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String l : lines) {
      assertTrue(json.readTree(l).path("tls").isObject(), "a whole event: " + l);
    }
    Result all = launch("", "read", "-q", f.toString(), f.toString(), f.toString());
    assertTrue(lines.size() < all.out().lines().count(),
        lines.size() + " events before SIGTERM, of " + all.out().lines().count());
  }
}
