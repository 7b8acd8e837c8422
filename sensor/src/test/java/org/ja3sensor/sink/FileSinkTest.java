package org.ja3sensor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file output: whole lines only, appends, rotation and reopen under load, a full disk. */
class FileSinkTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path tmp;

  private static byte[] event(int i, int padding) {
    return ("{\"event\":{\"id\":\"e-" + i + "\"},\"pad\":\"" + "x".repeat(padding) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Every line of every file whose name starts with {@code name}: whole JSON objects. */
  private static List<String> ids(Path dir, String name) throws IOException {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(f -> f.getFileName().toString().startsWith(name)).toList()) {
        byte[] b = Files.readAllBytes(p);
        assertTrue(b.length == 0 || b[b.length - 1] == '\n', p + " ends inside a line");
        for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
          if (!line.isEmpty()) {
            ids.add(MAPPER.readTree(line).at("/event/id").asText()); // throws on half a line
          }
        }
      }
    }
    return ids;
  }

  @Test
  void appendsWholeLinesToWhatIsThere() throws Exception {
    Path f = tmp.resolve("events.json");
    Files.writeString(f, "{\"event\":{\"id\":\"old\"}}\n");
    try (FileSink s = new FileSink(f, 0, 5, FileSink.Fsync.ALWAYS, m -> {})) {
      for (int i = 0; i < 3; i++) {
        s.publish(event(i, 10), null, false);
      }
      s.publish(event(3, 200_000), null, false); // longer than the buffer
      s.flush();
      assertEquals(4L, s.counters().get("written"));
    }
    assertEquals(List.of("old", "e-0", "e-1", "e-2", "e-3"), ids(tmp, "events.json"));
  }

  @Test
  void aNewFileIsNotWorldReadable() throws Exception {
    Path f = tmp.resolve("new.json");
    new FileSink(f, 0, 1, FileSink.Fsync.ROTATE, m -> {}).close();
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }

  @Test
  void aPathThatCannotBeOpenedIsAOneLineError() {
    IOException e = assertThrows(IOException.class,
        () -> new FileSink(tmp.resolve("no/such/dir/x.json"), 0, 1, FileSink.Fsync.ROTATE, m -> {}));
    assertEquals("--output-path " + tmp.resolve("no/such/dir/x.json") + ": no such directory",
        e.getMessage());
  }

  @Test
  void rotationAndReopenUnderLoadLoseAndSplitNothing() throws Exception {
    Path f = tmp.resolve("load.json");
    int n = 200_000;
    AtomicBoolean done = new AtomicBoolean();
    List<String> warnings = new ArrayList<>();
    try (FileSink s = new FileSink(f, 1 << 20, 1000, FileSink.Fsync.ROTATE, warnings::add)) {
      // logrotate's part, concurrently: rename the file away, then SIGHUP (reopen), again and
      // again while events are written; size rotation runs too (1 MiB).
      Thread rotator = new Thread(() -> {
        int k = 0;
        // At most 20 renames: then the file grows past 1 MiB and size rotation happens too,
        // however fast or slow the writes are (a rename every 3 ms could keep it under 1 MiB).
        while (!done.get() && k < 20) {
          try {
            Thread.sleep(3);
            synchronized (s) { // as logrotate: a rename between two writes of the sensor
              Files.move(f, tmp.resolve("load.json-logrotate-" + k++));
            }
            s.reopen();
          } catch (IOException | InterruptedException e) {
            // the file was not there yet (reopen not done): try again
          }
        }
      });
      rotator.start();
      for (int i = 0; i < n; i++) {
        s.publish(event(i, i % 300), null, false);
        if (i % 5000 == 0) {
          s.flush();
        }
      }
      s.flush();
      done.set(true);
      rotator.join();
      assertTrue(s.counters().get("rotations") > 0, "size rotation happened: " + s.counters());
      assertEquals(0L, s.counters().get("failed"));
    }
    List<String> ids = ids(tmp, "load.json");
    assertEquals(n, ids.size(), "every event once");
    assertEquals(n, new HashSet<>(ids).size(), "no event twice");
    try (Stream<Path> s = Files.list(tmp)) {
      long logrotated = s.filter(p -> p.toString().contains("logrotate")).count();
      assertTrue(logrotated > 3, "files renamed by the rotator: " + logrotated);
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void aFullDiskDropsAndCountsThenWritingResumes() throws Exception {
    Path mnt = Files.createDirectories(tmp.resolve("small"));
    boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs",
        mnt.toString()).inheritIO().start().waitFor() == 0;
    assumeTrue(mounted, "needs root to mount a small tmpfs (CI runs as root)");
    try {
      Path f = mnt.resolve("events.json");
      Path filler = mnt.resolve("filler");
      List<String> warnings = new ArrayList<>();
      Set<String> published = new HashSet<>();
      long failed;
      FileSink s = new FileSink(f, 0, 1, FileSink.Fsync.ROTATE, warnings::add);
      {
        int i = 0;
        // Fill the disk: events stop fitting part-way through a batch.
        while (s.counters().get("failed") == 0 && i < 100_000) {
          s.publish(event(i, 700), null, false);
          published.add("e-" + i++);
          s.flush();
        }
        assertTrue(s.counters().get("failed") > 0, "the disk filled up");
        assertEquals(1, warnings.size(), "one line for the failure: " + warnings);
        assertTrue(warnings.get(0).startsWith("cannot write events to " + f + ": "),
            warnings.get(0));
        // The full file holds whole lines only: exactly the events counted as written.
        List<String> inFull = ids(mnt, "events.json");
        assertEquals((long) inFull.size(), s.counters().get("written"));
        assertEquals(published.size(), inFull.size() + s.counters().get("failed"));
        // Free space (logrotate compressing, an operator deleting): writing resumes.
        Files.write(filler, new byte[0]);
        long size = Files.size(f);
        Files.move(f, mnt.resolve("events.json.1"));
        Files.delete(mnt.resolve("events.json.1"));
        s.reopen();
        Thread.sleep(1100); // the retry clock
        for (int k = 0; k < 20; k++) {
          s.publish(event(i, 700), null, false);
          published.add("e-" + i++);
          s.flush();
        }
        assertTrue(size > 100_000, "the first file filled the disk: " + size);
        assertTrue(warnings.get(warnings.size() - 1).startsWith("writing events to " + f
            + " again ("), warnings.toString());
        failed = s.counters().get("failed");
        List<String> inNew = ids(mnt, "events.json");
        assertEquals(20, inNew.size(), "the events after the space came back");
      }
      IOException e = assertThrows(IOException.class, s::close);
      assertEquals(failed + " events could not be written to " + f, e.getMessage());
      assertTrue(failed > 0);
    } finally {
      new ProcessBuilder("umount", mnt.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void aFailingFileTellsCloseHowManyEventsWereLost() throws Exception {
    Path full = Path.of("/dev/full"); // every write fails with ENOSPC
    assumeTrue(Files.isWritable(full), "/dev/full");
    List<String> warnings = new ArrayList<>();
    FileSink s = new FileSink(full, 0, 1, FileSink.Fsync.ROTATE, warnings::add);
    for (int i = 0; i < 10; i++) {
      s.publish(event(i, 10), null, false);
    }
    s.flush();
    s.publish(event(10, 10), null, false);
    IOException e = assertThrows(IOException.class, s::close);
    assertEquals("11 events could not be written to /dev/full", e.getMessage());
    assertEquals(11L, s.counters().get("failed"));
    assertEquals(1, warnings.size(), warnings.toString());
    assertFalse(warnings.get(0).contains("\n"));
  }

  @Test
  void timeRotationUnderLoadPutsEachEventInItsIntervalsFileOnce() throws Exception {
    Path f = tmp.resolve("timed.json");
    List<String> warnings = new ArrayList<>();
    int n = 0;
    // publish time of each event: just before publish() and just after it returned
    List<long[]> times = new ArrayList<>();
    try (FileSink s = new FileSink(f, 0, 1, 1000, FileSink.Fsync.ROTATE, warnings::add)) {
      long end = System.currentTimeMillis() + 2600;
      while (System.currentTimeMillis() < end) {
        long before = System.currentTimeMillis();
        s.publish(event(n++, n % 300), null, false);
        times.add(new long[] {before, System.currentTimeMillis()});
        if (n % 2000 == 0) {
          s.flush();
        }
        if (n % 50 == 0) {
          Thread.sleep(1); // some 100,000 events over the 2.6 s, not millions to check
        }
      }
      // quiet for a boundary: the timer rotates without a write
      long now = System.currentTimeMillis();
      Thread.sleep(1000 - now % 1000 + 700); // past the next boundary and the timer's next look
      assertTrue(s.counters().get("rotations") >= 3, "rotations: " + s.counters());
      assertEquals(0L, s.counters().get("failed"));
    }
    assertEquals(List.of(), warnings);
    List<String> ids = ids(tmp, "timed.json");
    assertEquals(n, ids.size(), "every event once");
    assertEquals(n, new HashSet<>(ids).size(), "no event twice");
    java.util.regex.Pattern name =
        java.util.regex.Pattern.compile("timed\\.json\\.(\\d{8}T\\d{6}Z)");
    java.time.format.DateTimeFormatter stamp = java.time.format.DateTimeFormatter
        .ofPattern("yyyyMMdd'T'HHmmssX");
    int rotated = 0;
    try (Stream<Path> list = Files.list(tmp)) {
      for (Path p : list.toList()) {
        String file = p.getFileName().toString();
        if (file.equals("timed.json")) {
          assertEquals(0, Files.size(p), "the quiet interval's file is empty");
          continue;
        }
        java.util.regex.Matcher m = name.matcher(file);
        assertTrue(m.matches(), file);
        rotated++;
        long start = java.time.OffsetDateTime.parse(m.group(1), stamp).toInstant().toEpochMilli();
        assertEquals(0, start % 1000, file);
        // every event in the file was handed over within its interval
        for (String id : ids(tmp, file)) {
          long[] t = times.get(Integer.parseInt(id.substring(2)));
          assertTrue(t[1] >= start && t[0] < start + 1000,
              id + " published " + t[0] + ".." + t[1] + " in " + file);
        }
      }
    }
    assertTrue(rotated >= 3, "rotated files: " + rotated);
  }

  @Test
  void aFileLeftInAnEarlierIntervalIsRenamedAfterItAtStart() throws Exception {
    Path f = tmp.resolve("old.json");
    Files.writeString(f, "{\"event\":{\"id\":\"old\"}}\n");
    java.time.Instant twoDaysAgo = java.time.Instant.parse("2026-01-02T03:04:05Z");
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(twoDaysAgo));
    try (FileSink s = new FileSink(f, 0, 1, 3_600_000, FileSink.Fsync.ROTATE, m -> {})) {
      s.publish(event(1, 1), null, false);
    }
    assertEquals(List.of("{\"event\":{\"id\":\"old\"}}"),
        Files.readAllLines(tmp.resolve("old.json.20260102T030000Z")));
    assertEquals(1, Files.readAllLines(f).size());
    assertTrue(Files.readString(f).contains("e-1"));
  }
}
