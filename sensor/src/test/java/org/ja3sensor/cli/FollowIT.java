package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read --follow DIR} as a process (runs after {@code package}): it reads the files of a
 * directory as they complete, stops on SIGTERM with exit 0, and a restart on the same state reads
 * only the files that came since: together the runs print what a plain {@code read} of the same
 * files prints, no event twice and none missing. A state file that does not parse stops it
 * before anything is read.
 */
class FollowIT {
  private static final Path ROOT =
      Path.of(System.getProperty("ja3sensor.repoRoot", "..")).toAbsolutePath().normalize();
  private static final String[] SAMPLES = {"curl-tls12.pcap", "curl-tls13.pcap",
      "openssl-s_client.pcap", "gnutls-cli.pcap"};

  @TempDir Path tmp;

  private Process follow(Path dir, String name) throws Exception {
    return new ProcessBuilder("java", "-jar", System.getProperty("ja3sensor.jar"), "read", "-q",
        "--follow", dir.toString(), "--follow-settle", "1")
        .redirectOutput(tmp.resolve(name + ".out").toFile())
        .redirectError(tmp.resolve(name + ".err").toFile()).start();
  }

  private void put(Path dir, int i, Instant t) throws Exception {
    Path p = dir.resolve("cap" + i + ".pcap");
    Files.copy(ROOT.resolve("samples").resolve(SAMPLES[i]), p);
    Files.setLastModifiedTime(p, FileTime.from(t));
  }

  private void awaitState(Path dir, String name) throws Exception {
    Path state = dir.resolve(".ja3sensor-follow.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(state) && Files.readString(state).contains("\"" + name + "\"")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("state never listed " + name);
  }

  private int stop(Process p) throws Exception {
    p.toHandle().destroy(); // SIGTERM
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped on SIGTERM");
    return p.exitValue();
  }

  @Test
  void followsStopsAndResumesWithoutDuplicatesOrGaps() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("rot"));
    Instant base = Instant.now().minusSeconds(100);
    put(dir, 0, base);
    put(dir, 1, base.plusSeconds(10));
    Process first = follow(dir, "first");
    awaitState(dir, "cap1.pcap");
    put(dir, 2, base.plusSeconds(20)); // arrives while it runs
    awaitState(dir, "cap2.pcap");
    assertEquals(0, stop(first), Files.readString(tmp.resolve("first.err")));

    put(dir, 3, base.plusSeconds(30)); // arrives while it is down
    Process second = follow(dir, "second");
    awaitState(dir, "cap3.pcap");
    assertEquals(0, stop(second), Files.readString(tmp.resolve("second.err")));

    List<String> args = new ArrayList<>(List.of("read", "-q"));
    for (int i = 0; i < SAMPLES.length; i++) {
      args.add(dir.resolve("cap" + i + ".pcap").toString());
    }
    CliRun plain = CliRun.run(args.toArray(new String[0]));
    assertEquals(0, plain.exitCode, plain.toString());
    String both = Files.readString(tmp.resolve("first.out"), StandardCharsets.UTF_8)
        + Files.readString(tmp.resolve("second.out"), StandardCharsets.UTF_8);
    assertTrue(plain.out.lines().count() >= SAMPLES.length);
    assertEquals(CliRun.withoutRunFields(plain.out), CliRun.withoutRunFields(both));
  }

  @Test
  void aBadStateFileStopsItBeforeAnythingIsRead() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("bad"));
    put(dir, 0, Instant.now().minusSeconds(100));
    Files.writeString(dir.resolve(".ja3sensor-follow.json"), "not json");
    Process p = follow(dir, "bad");
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    String err = Files.readString(tmp.resolve("bad.err")).strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains(".ja3sensor-follow.json") && err.contains("--follow-reset"), err);
    assertEquals("", Files.readString(tmp.resolve("bad.out")));
  }
}
