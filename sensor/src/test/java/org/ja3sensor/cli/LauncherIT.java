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
    Path out = Files.createTempFile(cds.getParent(), "launcher", ".out");
    Path err = Files.createTempFile(cds.getParent(), "launcher", ".err");
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/ja3sensor").toString()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("JA3SENSOR_JAR", System.getProperty("ja3sensor.jar"));
      pb.environment().put("JA3SENSOR_CDS", cds.toString());
      pb.environment().put("JAVA_OPTS", javaOpts);
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
}
