package org.ja3sensor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool after a crash ({@link Spool#abandonForTest}: no flush, no sync, no shutdown head):
 * torn and corrupt files, a stale or torn replay position, and resuming a replay at the last
 * acknowledged record instead of replaying a segment whole.
 */
class SpoolCrashTest {
  @TempDir Path dir;

  private static QueuedEvent ev(int i) {
    String key = i % 3 == 0 ? null : "k" + (i % 7);
    String pad = "x".repeat(i % 13);
    return new QueuedEvent(
        i % 5 == 0, key, ("{\"seq\":" + i + ",\"p\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private static int seq(QueuedEvent e) {
    String s = new String(e.json, StandardCharsets.UTF_8);
    return Integer.parseInt(s.substring(7, s.indexOf(',')));
  }

  private static List<Integer> drain(Spool s) throws IOException {
    List<Integer> out = new ArrayList<>();
    QueuedEvent e;
    while ((e = s.next()) != null) {
      QueuedEvent want = ev(seq(e));
      assertEquals(want.key, e.key);
      assertEquals(want.alert, e.alert);
      assertTrue(Arrays.equals(want.json, e.json));
      out.add(seq(e));
      s.acked(e);
    }
    return out;
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> l = new ArrayList<>();
    for (int i = from; i < to; i++) {
      l.add(i);
    }
    return l;
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> f = Files.list(dir)) {
      return f.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    }
  }

  @Test
  void aKilledReplayResumesAtTheLastAcknowledgedRecord() throws IOException {
    Spool s = Spool.open(dir, 60_000); // 7500-byte segments: several
    for (int i = 0; i < 1000; i++) {
      assertTrue(s.append(ev(i)));
    }
    s.flush();
    assertTrue(s.segments().size() >= 4, "segments " + s.segments());
    List<QueuedEvent> read = new ArrayList<>();
    for (int i = 0; i < 430; i++) {
      read.add(s.next());
    }
    for (int i = 0; i < 400; i++) {
      s.acked(read.get(i));
    }
    s.next(); // the sender reads on: the position of the 400 acknowledged ones is written
    s.abandonForTest();

    try (Spool again = Spool.open(dir, 60_000)) {
      assertEquals(600, again.pendingEvents());
      assertEquals(range(400, 1000), drain(again), "replay resumes after the acknowledged 400");
      assertEquals(0, again.bytesOnDisk());
    }
    assertEquals(List.of(), segmentFiles());
  }

  @Test
  void aSegmentReadToItsEndIsKeptUntilItsLastRecordIsAcknowledged() throws IOException {
    Spool s = Spool.open(dir, 60_000);
    for (int i = 0; i < 300; i++) {
      s.append(ev(i));
    }
    s.flush();
    long firstSegment = s.segments().keySet().iterator().next();
    List<QueuedEvent> read = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      read.add(s.next()); // past the end of the first segment: in flight, not acknowledged
    }
    assertTrue(read.get(249).spoolSegment > firstSegment, "read into a later segment");
    assertTrue(Files.exists(dir.resolve("spool-" + firstSegment + ".jsonl")));
    s.acked(read.get(10));
    s.next();
    s.abandonForTest();
    try (Spool again = Spool.open(dir, 60_000)) {
      assertEquals(range(11, 300), drain(again), "nothing read but unacknowledged is lost");
    }
  }

  @Test
  void aSpoolEmptiedAndRefilledNeverSkipsByAStalePosition() throws IOException {
    Spool s = Spool.open(dir, 1 << 20);
    for (int i = 0; i < 50; i++) {
      s.append(ev(i));
    }
    assertEquals(range(0, 50), drain(s));
    assertEquals(List.of(), segmentFiles());
    for (int i = 50; i < 80; i++) { // segment ids start at 0 again
      s.append(ev(i));
    }
    s.flush();
    s.abandonForTest();
    try (Spool again = Spool.open(dir, 1 << 20)) {
      assertEquals(range(50, 80), drain(again));
    }
  }

  @Test
  void aTornOrForeignPositionFileReplaysTheWholeSegmentInsteadOfSkipping() throws IOException {
    Random rnd = new Random(14);
    for (int round = 0; round < 20; round++) {
      Spool s = Spool.open(dir, 1 << 20);
      for (int i = 0; i < 20; i++) {
        s.append(ev(i));
      }
      s.flush();
      s.abandonForTest();
      byte[] junk = new byte[rnd.nextInt(30)];
      rnd.nextBytes(junk);
      if (round % 2 == 0 && junk.length >= 16) {
        // A well-formed id but an offset inside a record (no valid CRC either way).
        junk[0] = 0;
        junk[7] = 0;
      }
      Files.write(dir.resolve(Spool.PROGRESS), junk);
      try (Spool again = Spool.open(dir, 1 << 20)) {
        assertEquals(range(0, 20), drain(again), "round " + round);
      }
    }
  }

  @Test
  void aSpoolFileCutAtEveryByteGivesItsWholeRecordsAndNoOther() throws IOException {
    try (Spool s = Spool.open(dir, 1 << 20)) {
      for (int i = 0; i < 6; i++) {
        s.append(ev(i));
      }
    }
    Path seg = segmentFiles().get(0);
    byte[] whole = Files.readAllBytes(seg);
    List<Integer> boundaries = new ArrayList<>();
    for (int i = 0; i < whole.length; i++) {
      if (whole[i] == '\n') {
        boundaries.add(i + 1);
      }
    }
    assertEquals(6, boundaries.size());
    for (int cut = 0; cut <= whole.length; cut++) {
      Files.write(seg, Arrays.copyOf(whole, cut));
      int complete = 0;
      while (complete < boundaries.size() && boundaries.get(complete) <= cut) {
        complete++;
      }
      boolean torn = complete == 0 ? cut > 0 : boundaries.get(complete - 1) < cut;
      try (Spool s = Spool.open(dir, 1 << 20)) {
        assertEquals(complete, s.pendingEvents(), "cut at " + cut);
        assertEquals(range(0, complete), drain(s), "cut at " + cut);
        assertEquals(torn ? 1 : 0, s.corrupt(), "cut at " + cut);
      }
      if (!Files.exists(seg)) {
        Files.write(seg, whole); // drained and deleted: put it back for the next cut
      }
    }
  }

  @Test
  void aFlippedByteAnywhereLosesAtMostItsOwnRecord() throws IOException {
    try (Spool s = Spool.open(dir, 1 << 20)) {
      for (int i = 0; i < 5; i++) {
        s.append(ev(i));
      }
    }
    Path seg = segmentFiles().get(0);
    byte[] whole = Files.readAllBytes(seg);
    Random rnd = new Random(7);
    for (int pos = 0; pos < whole.length; pos++) {
      byte[] b = whole.clone();
      if (b[pos] == '\n') {
        continue; // a lost newline merges two records: both are dropped, covered below
      }
      byte flip;
      do {
        flip = (byte) (b[pos] ^ (1 + rnd.nextInt(255)));
      } while (flip == '\n');
      b[pos] = flip;
      Files.write(seg, b);
      int record = 0;
      for (int i = 0; i < pos; i++) {
        if (whole[i] == '\n') {
          record++;
        }
      }
      List<Integer> want = range(0, 5);
      want.remove(Integer.valueOf(record));
      try (Spool s = Spool.open(dir, 1 << 20)) {
        assertEquals(want, drain(s), "byte " + pos + " of record " + record + " flipped");
        assertEquals(1, s.corrupt());
      }
      Files.write(seg, whole);
    }
  }

  @Test
  void randomCrashesWhileWritingAndReplayingDeliverEveryIntactRecordInOrder() throws IOException {
    Random rnd = new Random(1414);
    List<Integer> delivered = new ArrayList<>();
    int next = 0;
    int duplicates = 0;
    int maxInFlight = 8;
    for (int run = 0; run < 30; run++) {
      Spool s = Spool.open(dir, 200_000);
      // Write some, flush, write a few more that the crash tears away (never flushed).
      int appended = rnd.nextInt(300);
      for (int i = 0; i < appended; i++) {
        s.append(ev(next++));
      }
      s.flush();
      // Replay with up to maxInFlight records read but not acknowledged, then crash.
      List<QueuedEvent> inFlight = new ArrayList<>();
      int steps = rnd.nextInt(400);
      for (int i = 0; i < steps; i++) {
        if (inFlight.size() < maxInFlight && rnd.nextBoolean()) {
          QueuedEvent e = s.next();
          if (e != null) {
            inFlight.add(e);
          }
        } else if (!inFlight.isEmpty()) {
          QueuedEvent e = inFlight.remove(0);
          s.acked(e);
          int q = seq(e);
          if (delivered.contains(q)) {
            duplicates++;
          } else {
            delivered.add(q);
          }
        }
      }
      s.abandonForTest();
    }
    try (Spool s = Spool.open(dir, 200_000)) {
      for (int q : drain(s)) {
        if (delivered.contains(q)) {
          duplicates++;
        } else {
          delivered.add(q);
        }
      }
    }
    assertEquals(range(0, next), delivered, "every record, in order");
    // Each crash replays at most what was in flight at the last read (maxInFlight) plus one.
    assertTrue(duplicates <= 30 * (maxInFlight + 1), "duplicates " + duplicates);
  }
  @Test
  void aTornTailIsNotCarriedIntoTheShutdownHead() throws IOException {
    Spool s = Spool.open(dir, 1 << 20);
    for (int i = 0; i < 5; i++) {
      s.append(ev(i));
    }
    s.flush();
    s.abandonForTest();
    Path seg = segmentFiles().get(0);
    Files.write(seg, "E\t-\t0000".getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.APPEND);
    try (Spool again = Spool.open(dir, 1 << 20)) {
      for (int i = 0; i < 5; i++) {
        QueuedEvent e = again.next(); // the sender stops here: the spool counts as drained
        assertEquals(i, seq(e));
        again.acked(e);
      }
      assertTrue(again.isDrained());
    }
    assertEquals(List.of(), segmentFiles(), "nothing left to replay");
  }
}
