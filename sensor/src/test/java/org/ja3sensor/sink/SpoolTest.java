package org.ja3sensor.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;

  private static QueuedEvent ev(int i) {
    String key = i % 3 == 0 ? null : "k" + (i % 7);
    return new QueuedEvent(i % 5 == 0, key, ("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8));
  }

  private static int seq(QueuedEvent e) {
    String s = new String(e.json, StandardCharsets.UTF_8);
    return Integer.parseInt(s.substring(7, s.length() - 1));
  }

  private static List<Integer> drain(Spool s) throws IOException {
    List<Integer> out = new ArrayList<>();
    QueuedEvent e;
    while ((e = s.next()) != null) {
      assertTrue(e.fromSpool);
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

  @Test
  void readsBackInOrderAcrossSegmentsKeepingKeyAndAlert() throws IOException {
    try (Spool s = Spool.open(dir, 40_000)) { // 5000-byte segments: several rolls
      for (int i = 0; i < 1000; i++) {
        assertTrue(s.append(ev(i)), "event " + i + " fits");
      }
      assertTrue(s.segments().size() > 3, "segments: " + s.segments());
      assertEquals(1000, s.pendingEvents());
      for (int i = 0; i < 1000; i++) {
        QueuedEvent e = s.next();
        QueuedEvent want = ev(i);
        assertEquals(i, seq(e));
        assertEquals(want.key, e.key);
        assertEquals(want.alert, e.alert);
        s.acked(e);
      }
      assertNull(s.next());
      assertTrue(s.isDrained());
      assertEquals(0, s.bytesOnDisk());
    }
  }

  @Test
  void interleavedAppendAndReadKeepOrder() throws IOException {
    try (Spool s = Spool.open(dir, 1 << 20)) {
      List<Integer> got = new ArrayList<>();
      int next = 0;
      for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 7; i++) {
          s.append(ev(next++));
        }
        for (int i = 0; i < 5; i++) {
          QueuedEvent e = s.next();
          got.add(seq(e));
        }
      }
      got.addAll(drain(s));
      assertEquals(range(0, next), got);
    }
  }

  @Test
  void refusesEventsBeyondTheBound() throws IOException {
    try (Spool s = Spool.open(dir, 1000)) {
      List<Integer> accepted = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        if (s.append(ev(i))) {
          accepted.add(i);
        }
      }
      assertTrue(accepted.size() > 10 && accepted.size() < 100, "accepted " + accepted);
      int firstRefused = 0;
      while (accepted.contains(firstRefused)) {
        firstRefused++;
      }
      assertTrue(firstRefused > 10, "first refused " + firstRefused);
      assertTrue(s.bytesOnDisk() <= 1000, "bytes on disk " + s.bytesOnDisk());
      assertEquals(accepted, drain(s));
    }
  }

  @Test
  void survivesReopenAndPutsTheShutdownHeadFirst() throws IOException {
    Spool s = Spool.open(dir, 1 << 20);
    for (int i = 100; i < 200; i++) {
      s.append(ev(i));
    }
    // The sender read 30 of them (now "in the producer") before shutdown ...
    for (int i = 0; i < 30; i++) {
      assertEquals(100 + i, seq(s.next()));
    }
    // ... and at shutdown events 50..129 were still unacknowledged in memory: they go first.
    List<QueuedEvent> head = new ArrayList<>();
    for (int i = 50; i < 130; i++) {
      head.add(ev(i));
    }
    assertEquals(0, s.closeWithHead(head));

    try (Spool again = Spool.open(dir, 1 << 20)) {
      assertEquals(80 + 70, again.pendingEvents());
      List<Integer> want = range(50, 130);
      want.addAll(range(130, 200));
      assertEquals(want, drain(again));
    }
  }

  @Test
  void shutdownHeadBeyondTheBoundIsReportedAsDropped() throws IOException {
    Spool s = Spool.open(dir, 600);
    List<QueuedEvent> head = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      head.add(ev(i));
    }
    int dropped = s.closeWithHead(head);
    assertTrue(dropped > 0 && dropped < 100, "dropped " + dropped);
    try (Spool again = Spool.open(dir, 600)) {
      assertEquals(range(0, 100 - dropped), drain(again));
    }
  }

  @Test
  void skipsATornLastLineAndACorruptLine() throws IOException {
    try (Spool s = Spool.open(dir, 1 << 20)) {
      for (int i = 0; i < 3; i++) {
        s.append(ev(i));
      }
    }
    Path seg;
    try (var files = Files.list(dir)) {
      seg = files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).findFirst().get();
    }
    String text = Files.readString(seg);
    // Flip one digit inside the second event's JSON (its checksum no longer matches), then append
    // a line cut short by a crash.
    String[] lines = text.split("\n");
    lines[1] = lines[1].replace("\"seq\":1", "\"seq\":9");
    Files.writeString(seg, String.join("\n", lines) + "\nE\t-\t00000000\t{\"seq\":");
    try (Spool s = Spool.open(dir, 1 << 20)) {
      assertEquals(List.of(0, 2), drain(s));
      assertEquals(2, s.corrupt());
    }
  }

  @Test
  void oneDirectoryOneSink() throws IOException {
    try (Spool s = Spool.open(dir, 1 << 20)) {
      IOException e = assertThrows(IOException.class, () -> Spool.open(dir, 1 << 20));
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
    }
    Spool.open(dir, 1 << 20).close(); // released on close
    assertFalse(Files.exists(dir.resolve("spool-0.jsonl.tmp")));
    Files.writeString(dir.resolve("spool-7.jsonl.tmp"), "junk", StandardOpenOption.CREATE);
    try (Spool s = Spool.open(dir, 1 << 20)) {
      assertTrue(s.isDrained());
      assertFalse(Files.exists(dir.resolve("spool-7.jsonl.tmp")));
    }
  }
}
