package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files of a followed directory are complete, in which order, and the state kept. */
class FollowDirectoryTest {
  private static final Path SAMPLE = Path.of("../samples/curl-tls12.pcap");

  @TempDir Path dir;

  private final List<String> warnings = new ArrayList<>();
  /** One "now" for the whole test, so that files given the same age have the same time. */
  private final Instant now = Instant.now();

  private Path capture(String name, long secondsAgo) throws Exception {
    Path p = dir.resolve(name);
    Files.copy(SAMPLE, p);
    Files.setLastModifiedTime(p, FileTime.from(now.minusSeconds(secondsAgo)));
    return p;
  }

  private FollowDirectory open(boolean reset, long settle) throws Exception {
    return FollowDirectory.open(dir, null, reset, FollowDirectory.Done.KEEP, null, settle, 10,
        warnings::add);
  }

  /** The files handed out until none is complete (stop() makes next() return). */
  private List<String> drain(FollowDirectory f) throws Exception {
    List<String> out = new ArrayList<>();
    Thread stopper = new Thread(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException ignored) {
        // stop now
      }
      f.stop();
    });
    stopper.start();
    for (Path p = f.next(); p != null; p = f.next()) {
      out.add(p.getFileName().toString());
      f.finished(p);
    }
    stopper.join();
    return out;
  }

  @Test
  void oldestFirstAndTheNewestWaitsForARotation() throws Exception {
    capture("dump10", 30);
    capture("dump2", 30); // same time: natural name order
    capture("dump", 40);
    capture("dump11", 0); // being written: no newer file, changed just now
    FollowDirectory f = open(false, 60);
    assertEquals(List.of("dump", "dump2", "dump10"), drain(f));
    // The writer moves on: dump11 is complete now.
    capture("dump12", -5);
    FollowDirectory again = open(false, 60);
    assertEquals(List.of("dump11"), drain(again));
  }

  @Test
  void aFileUnchangedForTheSettleTimeIsComplete() throws Exception {
    capture("only.pcap", 5);
    assertEquals(List.of(), drain(open(false, 60)));
    assertEquals(List.of("only.pcap"), drain(open(false, 2)));
  }

  @Test
  void stateSurvivesARestartAndResetForgetsIt() throws Exception {
    capture("a.pcap", 50);
    capture("b.pcap", 40);
    assertEquals(List.of("a.pcap", "b.pcap"), drain(open(false, 1)));
    assertEquals(List.of(), drain(open(false, 1)), "nothing is read twice");
    assertTrue(Files.readString(dir.resolve(".ja3sensor-follow.json")).contains("b.pcap"));
    assertEquals(List.of("a.pcap", "b.pcap"), drain(open(true, 1)));
  }

  @Test
  void aRingBufferNameRewrittenIsReadAgain() throws Exception {
    capture("ring0", 50);
    assertEquals(List.of("ring0"), drain(open(false, 1)));
    Files.delete(dir.resolve("ring0"));
    Path p = capture("ring0", 10);
    Files.write(p, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(10)));
    assertEquals(List.of("ring0"), drain(open(false, 1)));
  }

  @Test
  void notACaptureIsPassedOverWithOneWarning() throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Files.setLastModifiedTime(dir.resolve("notes.txt"),
        FileTime.from(Instant.now().minusSeconds(60)));
    capture("c.pcap", 30);
    FollowDirectory f = open(false, 1);
    assertEquals(List.of("c.pcap"), drain(f));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("notes.txt") && warnings.get(0).contains("not a pcap"));
  }

  @Test
  void aStateFileThatDoesNotParseIsRefused() throws Exception {
    Files.writeString(dir.resolve(".ja3sensor-follow.json"), "{\"version\": 1, \"files\": [{");
    FollowDirectory.FollowException e =
        assertThrows(FollowDirectory.FollowException.class, () -> open(false, 1));
    assertTrue(e.getMessage().contains(".ja3sensor-follow.json")
        && e.getMessage().contains("--follow-reset"), e.getMessage());
    Files.writeString(dir.resolve(".ja3sensor-follow.json"), "{\"version\": 7, \"files\": []}");
    assertThrows(FollowDirectory.FollowException.class, () -> open(false, 1));
    assertEquals(List.of(), drain(open(true, 1)), "--follow-reset starts afresh");
  }

  @Test
  void deleteAndMoveAfterReading() throws Exception {
    capture("d.pcap", 30);
    FollowDirectory del = FollowDirectory.open(dir, null, false, FollowDirectory.Done.DELETE,
        null, 1, 10, warnings::add);
    assertEquals(List.of("d.pcap"), drain(del));
    assertTrue(Files.notExists(dir.resolve("d.pcap")));
    Path archive = Files.createDirectory(dir.resolve(".done"));
    capture("e.pcap", 30);
    FollowDirectory mv = FollowDirectory.open(dir, null, false, FollowDirectory.Done.MOVE,
        archive, 1, 10, warnings::add);
    assertEquals(List.of("e.pcap"), drain(mv));
    assertTrue(Files.exists(archive.resolve("e.pcap")));
  }

  @Test
  void naturalOrder() {
    List<String> names = new ArrayList<>(List.of("dump10", "dump", "dump2", "dump1", "a-007",
        "a-7b", "a-06"));
    names.sort(FollowDirectory::natural);
    assertEquals(List.of("a-06", "a-007", "a-7b", "dump", "dump1", "dump2", "dump10"), names);
  }
}
