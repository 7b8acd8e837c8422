package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ja3sensor.core.Counters;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.pipeline.Pipeline;
import org.ja3sensor.pipeline.PipelineConfig;
import org.ja3sensor.source.CaptureFiles;
import org.ja3sensor.source.PacketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload with packets flowing (the stand-in for a live capture until the capture command
 * exists): a thread feeds a real capture through the real pipeline round after round, without
 * pause, while the database file is changed on disk and the holder's file watcher reloads it.
 * Every handshake of every round comes out (nothing dropped), events before the change are
 * matched by the old entries and events after the reload by the new ones.
 *
 * <p>Capture: ndpi/chrome.pcap of the conformance corpus, 6 handshakes per round; 3 of them have
 * JA3 aa50c12a5dfa717d9d6ab34e97de79d5 with JA3S 15af977ce25de452b96affa2addb1036 (corpus
 * expected.tsv).
 */
class StreamingReloadTest {
  static final String HEADER =
      "id,type,value,pair_value,label,category,disposition,confidence,source\n";
  static final String OLD =
      HEADER + "old,ja3,1b73862eae8f1711440a446b1ef357fd,,Old entry,malware,alert,60,test\n";
  static final String NEW =
      OLD + "new,ja3+ja3s,aa50c12a5dfa717d9d6ab34e97de79d5,15af977ce25de452b96affa2addb1036,"
          + "New pair,c2,alert,75,test\n";

  @TempDir Path dir;

  record Seen(int round, String ja3, String rule, String version) {}

  @Test
  void reloadWhilePacketsFlow() throws Exception {
    Path chrome = Sources.repoRoot().resolve("../shared/corpus/ndpi/chrome.pcap").normalize();
    assumeTrue(Files.isRegularFile(chrome), "corpus not found: " + chrome);
    Path db = dir.resolve("db");
    Files.createDirectory(db);
    Files.writeString(db.resolve("local.csv"), OLD);

    try (DatabaseHolder holder = DatabaseHolder.load(List.of(db))) {
      String oldVersion = holder.current().version();
      CountDownLatch reloaded = new CountDownLatch(1);
      holder.addListener(r -> {
        if (r.changed()) {
          reloaded.countDown();
        }
      });
      holder.watch(Duration.ofMillis(100));
      Matcher matcher = new Matcher(holder);

      ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
      AtomicInteger round = new AtomicInteger();
      AtomicInteger roundsDone = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicInteger stopAfter = new AtomicInteger(Integer.MAX_VALUE);
      Thread feeder = new Thread(() -> {
        try {
          while (round.get() < stopAfter.get()) {
            int r = round.get();
            Pipeline p = new Pipeline(PipelineConfig.defaults(), new Counters(), (TlsEvent e) -> {
              MatchResult eM = matcher.match(e);
              seen.add(new Seen(r, e.ja3Hash, eM.alert ? eM.verdict.rule().entry().id() : null,
                  eM.alert ? eM.verdict.databaseVersion() : null));
            });
            try (PacketSource s = CaptureFiles.open(chrome.toString(), new Counters())) {
              p.setContext(chrome.toString(), null, null);
              s.run(p);
            }
            p.finish();
            roundsDone.incrementAndGet();
            round.incrementAndGet();
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      }, "feeder");
      feeder.start();

      waitForRounds(roundsDone, 20);
      int changedAt = round.get();
      Path tmp = db.resolve(".local.csv.tmp");
      Files.writeString(tmp, NEW);
      Files.move(tmp, db.resolve("local.csv"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      assertTrue(reloaded.await(30, TimeUnit.SECONDS), "no reload after the change");
      int reloadedAt = round.get();
      String newVersion = holder.current().version();
      stopAfter.set(reloadedAt + 20);
      feeder.join(120_000);
      assertNull(failure.get());
      int rounds = roundsDone.get();
      assertTrue(rounds >= reloadedAt + 20, "rounds " + rounds);

      assertEquals(6 * rounds, seen.size(), "every handshake of every round comes out");
      for (Seen s : seen) {
        boolean pairFlow = s.ja3.equals("aa50c12a5dfa717d9d6ab34e97de79d5");
        if (s.round < changedAt) {
          assertEquals(pairFlow ? null : "old", s.rule, s.toString());
          if (!pairFlow) {
            assertEquals(oldVersion, s.version);
          }
        } else if (s.round > reloadedAt) {
          assertEquals(pairFlow ? "new" : "old", s.rule, s.toString());
          assertEquals(newVersion, s.version, s.toString());
        } else {
          // the reload happened during these rounds: either version, each event consistent
          if (s.rule == null) {
            assertTrue(pairFlow, "only the pair flows may be unmatched (old version): " + s);
          } else if (s.rule.equals("new")) {
            assertTrue(pairFlow && s.version.equals(newVersion), s.toString());
          } else {
            assertTrue(!pairFlow && s.rule.equals("old")
                && (s.version.equals(oldVersion) || s.version.equals(newVersion)), s.toString());
          }
        }
      }
    }
  }

  private static void waitForRounds(AtomicInteger done, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (done.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(done.get() >= n, "the feeder did only " + done.get() + " rounds");
  }
}
