package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.Problem;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.event.TlsEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload: valid, invalid, partial writes, file watching, SIGHUP, and lookups during reloads. */
class DatabaseHolderTest {
  static final String A = MatcherTest.A;
  static final String B = MatcherTest.B;
  static final String HEADER = "id,type,value,label,category,disposition,confidence\n";

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("local.csv");
  }

  /** Writes the file in one step (temporary file, then rename). */
  private void writeAtomically(String text) throws Exception {
    Path tmp = dir.resolve(".local.csv.tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String row(String id, String ja3, String label) {
    return id + ",ja3," + ja3 + "," + label + ",malware,alert,60\n";
  }

  private static MatchResult matched(Matcher m, String ja3) {
    return m.match(Events.event(ja3, null, null));
  }

  @Test
  void validReloadSwapsInTheNewEntries() throws Exception {
    writeAtomically(HEADER + row("one", A, "First"));
    try (DatabaseHolder h = DatabaseHolder.load(List.of(dir))) {
      Matcher m = new Matcher(h);
      Snapshot before = h.current();
      assertTrue(matched(m, A).alert);
      assertFalse(matched(m, B).alert);

      writeAtomically(HEADER + row("one", A, "First") + row("two", B, "Second"));
      DatabaseHolder.ReloadResult r = h.reload();
      assertTrue(r.changed());
      assertFalse(r.rejected());
      assertNotEquals(before.version(), h.current().version());
      MatchResult e = matched(m, B);
      assertTrue(e.alert);
      assertEquals(h.current().version(), e.verdict.databaseVersion());
      assertEquals(1, h.reloadCount());

      DatabaseHolder.ReloadResult same = h.reload();
      assertFalse(same.changed(), "unchanged files keep the snapshot");
      assertSame(r.snapshot(), h.current());
    }
  }

  @Test
  void invalidFileIsRejectedAndThePreviousSnapshotStays() throws Exception {
    writeAtomically(HEADER + row("one", A, "First"));
    try (DatabaseHolder h = DatabaseHolder.load(List.of(dir))) {
      Snapshot before = h.current();
      writeAtomically(HEADER + row("one", A, "First") + "two,ja3,nothex,Bad,malware,alert,60\n"
          + row("three", B, "Third"));
      DatabaseHolder.ReloadResult r = h.reload();
      assertTrue(r.rejected());
      assertSame(before, h.current());
      assertEquals(1, h.rejectionCount());
      Problem p = r.problems().get(0);
      assertEquals(file().toString(), p.file());
      assertEquals(3, p.line());
      assertTrue(p.toString().contains("local.csv:3: column \"value\": \"nothex\""), p.toString());
      assertFalse(matched(new Matcher(h), B).alert, "no entry of the rejected version is used");
    }
  }

  @Test
  void partialWriteIsRejectedUntilTheFileIsComplete() throws Exception {
    writeAtomically(HEADER + row("one", A, "First"));
    try (DatabaseHolder h = DatabaseHolder.load(List.of(dir))) {
      Snapshot before = h.current();
      String full = HEADER + row("one", A, "First") + row("two", B, "Second");
      // a writer that has written part of the last line (non-atomic write caught mid-way)
      for (int cut : new int[] {full.length() - 3, full.length() - 12, full.length() - 40}) {
        Files.writeString(file(), full.substring(0, cut));
        DatabaseHolder.ReloadResult r = h.reload();
        assertTrue(r.rejected(), "cut at " + cut + ": " + full.substring(0, cut));
        assertSame(before, h.current());
      }
      Files.writeString(file(), full);
      assertTrue(h.reload().changed());
      assertTrue(matched(new Matcher(h), B).alert);
    }
  }

  @Test
  void fileChangesReloadWithoutACall() throws Exception {
    writeAtomically(HEADER + row("one", A, "First"));
    try (DatabaseHolder h = DatabaseHolder.load(List.of(dir))) {
      CountDownLatch changed = new CountDownLatch(1);
      h.addListener(r -> {
        if (r.changed()) {
          changed.countDown();
        }
      });
      h.watch(Duration.ofMillis(100));
      writeAtomically(HEADER + row("one", A, "First") + row("two", B, "Second"));
      assertTrue(changed.await(20, TimeUnit.SECONDS), "no reload after the file changed");
      assertTrue(matched(new Matcher(h), B).alert);

      // a file removed from the directory: its entries go
      CountDownLatch removed = new CountDownLatch(1);
      h.addListener(r -> {
        if (r.changed() && r.snapshot().entries().isEmpty()) {
          removed.countDown();
        }
      });
      Files.delete(file());
      assertTrue(removed.await(20, TimeUnit.SECONDS), "no reload after the file was removed");
      assertFalse(matched(new Matcher(h), A).alert);
    }
  }

  @Test
  void sighupReloads() throws Exception {
    writeAtomically(HEADER + row("one", A, "First"));
    try (DatabaseHolder h = DatabaseHolder.load(List.of(dir))) {
      // Only signal when the handler is in place: without it SIGHUP would end the test JVM.
      if (!h.installSighup()) {
        // The JVM here has no sun.misc.Signal: the capability is documented as optional.
        assertFalse(System.getProperty("os.name").startsWith("Linux"),
            "SIGHUP handling must work on Linux");
        return;
      }
      CountDownLatch changed = new CountDownLatch(1);
      h.addListener(r -> {
        if (r.changed()) {
          changed.countDown();
        }
      });
      Files.writeString(file(), HEADER + row("one", A, "First") + row("two", B, "Second"));
      Process kill =
          new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
              .inheritIO()
              .start();
      assertEquals(0, kill.waitFor());
      assertTrue(changed.await(20, TimeUnit.SECONDS), "no reload after SIGHUP");
      assertTrue(matched(new Matcher(h), B).alert);
    }
  }

  /**
   * Packets keep flowing during reloads: matcher threads never fail or wait while another thread
   * reloads valid and invalid versions, and each event sees exactly one version: its label and
   * the version it reports belong together.
   */
  @Test
  void lookupsDuringReloadsNeverFailAndSeeOneVersion() throws Exception {
    String versionA = HEADER + row("x", A, "Label-A");
    String versionB = HEADER + row("x", A, "Label-B") + row("y", B, "Other-B");
    String broken = HEADER + row("x", A, "Label-C") + "y,ja3,zz,Broken,malware,alert,60\n";
    writeAtomically(versionA);
    try (DatabaseHolder h = DatabaseHolder.load(List.of(dir))) {
      String vA = h.current().version();
      writeAtomically(versionB);
      h.reload();
      String vB = h.current().version();
      Matcher m = new Matcher(h);

      AtomicLong lookups = new AtomicLong();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicReference<String> inconsistent = new AtomicReference<>();
      Thread[] workers = new Thread[2];
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      for (int t = 0; t < workers.length; t++) {
        workers[t] = new Thread(() -> {
          try {
            TlsEvent e = Events.event(A, null, null);
            while (System.nanoTime() < deadline) {
              MatchResult eM = m.match(e);
              lookups.incrementAndGet();
              if (!eM.alert) {
                inconsistent.set("no alert");
              }
              String label = eM.verdict.rule().entry().label();
              String v = eM.verdict.databaseVersion();
              boolean ok = label.equals("Label-A") && v.equals(vA)
                  || label.equals("Label-B") && v.equals(vB);
              if (!ok) {
                inconsistent.set(label + " with version " + v);
              }
            }
          } catch (Throwable x) {
            failure.set(x);
          }
        });
        workers[t].start();
      }
      int reloads = 0;
      int rejected = 0;
      while (System.nanoTime() < deadline) {
        String text = switch (reloads % 3) {
          case 0 -> versionA;
          case 1 -> broken;
          default -> versionB;
        };
        writeAtomically(text);
        DatabaseHolder.ReloadResult r = h.reload();
        rejected += r.rejected() ? 1 : 0;
        reloads++;
      }
      for (Thread w : workers) {
        w.join();
      }
      assertEquals(null, failure.get());
      assertEquals(null, inconsistent.get());
      assertTrue(reloads > 20, "reloads: " + reloads);
      assertTrue(rejected > 5, "rejected: " + rejected);
      assertTrue(lookups.get() > 100_000, "lookups: " + lookups.get());
      assertNotNull(h.current());
    }
  }
}
