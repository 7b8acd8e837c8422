package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.event.EmitterThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read} as a stage of a shell pipeline (runs after {@code package}, on the built jar):
 * events reach a reader while the input is still open, and a reader that leaves early ({@code |
 * head -1}) stops the read quietly.
 */
class StreamingIT {
  private static final Path ROOT =
      Path.of(System.getProperty("ja3sensor.repoRoot", "..")).toAbsolutePath().normalize();
  private static final Path SAMPLE = ROOT.resolve("samples/curl-multi.pcap");

  @TempDir Path tmp;

  @Test
  void eventsArriveWhileTheInputPipeIsStillOpen() throws Exception {
    CliRun expected = CliRun.run("read", "-q", SAMPLE.toString());
    // The same events, but for the input's name: stdin is "-".
    List<String> want = CliRun.withoutRunFields(expected.out).replace("\"path\":\"" + SAMPLE + "\"", "\"path\":\"-\"")
        .lines().toList();
    assertFalse(want.isEmpty());

    Process p = new ProcessBuilder("java", "-jar", System.getProperty("ja3sensor.jar"), "read",
        "-q", "-").redirectError(tmp.resolve("err").toFile()).start();
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (Exception ignored) {
        // the process ended
      }
    });
    reader.start();
    OutputStream stdin = p.getOutputStream();
    try {
      // The whole capture, then silence with the pipe left open, as tcpdump -w - between packets.
      stdin.write(Files.readAllBytes(SAMPLE));
      stdin.flush();
      List<String> got = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (got.size() < want.size() && System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          got.add(CliRun.withoutRunFields(line));
        }
      }
      assertTrue(p.isAlive(), "still reading its open input");
      // Every handshake completed by a ServerHello is out; flows still open wait for their end.
      long completed = want.stream().filter(l -> l.contains("\"server_hello\"")).count();
      assertTrue(completed > 0);
      assertTrue(got.size() >= completed,
          "events out before the input ended: " + got.size() + " of " + completed);
      assertTrue(want.subList(0, got.size()).equals(got),
          "the first events, as a read of the file gives them:\n" + got);
    } finally {
      stdin.close();
    }
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err")));
    reader.join(5000);
  }

  @Test
  void aReaderThatLeavesStopsTheReadQuietly() throws Exception {
    // More events than the emitter's queue and the pipe can hold together (4 per file, 8,000 in
    // all, against a queue of 4,096 and a 64 KiB pipe of some twenty 3 KiB events): the read
    // cannot finish before the reader's leaving is noticed, however the processes are scheduled.
    // (400 files, which all fit in the queue, left it to a race with head's exit, and a slow
    // machine read them all.)
    int given = 2000;
    int pipeHolds = 64; // events of at least 1 KiB in a 64 KiB pipe
    assertTrue(given * 4 > EmitterThread.DEFAULT_CAPACITY + pipeHolds);
    List<String> cmd = new ArrayList<>(List.of("java", "-jar",
        System.getProperty("ja3sensor.jar"), "read"));
    for (int i = 0; i < given; i++) {
      cmd.add(SAMPLE.getFileName().toString());
    }
    Path script = tmp.resolve("pipe.sh");
    Files.writeString(script, "set -o pipefail\n" + String.join(" ", cmd)
        + " 2>\"$1\" | head -1 > \"$2\"\necho \"${PIPESTATUS[0]}\" > \"$3\"\n");
    Process p = new ProcessBuilder("bash", script.toString(), tmp.resolve("err").toString(),
        tmp.resolve("out").toString(), tmp.resolve("status").toString())
        .directory(SAMPLE.getParent().toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the read stopped after its reader left");
    String err = Files.readString(tmp.resolve("err"));
    assertEquals("0", Files.readString(tmp.resolve("status")).strip(), err);
    assertEquals(1, Files.readString(tmp.resolve("out")).lines().count());
    assertFalse(err.contains("Exception") || err.contains("could not be delivered"), err);
    // It stopped reading: far fewer than the files given were opened.
    String files = err.lines().filter(l -> l.strip().startsWith("files")).findFirst().orElse(null);
    assertNotNull(files, err);
    int opened = Integer.parseInt(files.strip().split("\\s+")[1]);
    assertTrue(opened < given, "read every file although nobody reads its output: " + files);
  }
}
