package org.ja3sensor.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.ja3sensor.event.EventListener;
import org.ja3sensor.event.TlsEvent;
import org.junit.jupiter.api.Test;

/**
 * One source whose capture thread runs the only pipeline ({@link
 * ParallelRunner#useSingleLocalPipeline}), with no worker thread: every handshake still comes out,
 * and no worker thread runs. The live replay through a veth, tunnels included, is in {@code
 * capture.CaptureFanoutTest}.
 */
class SingleLocalPipelineTest {
  private static ParallelRunner runner(int workers, EventListener downstream) {
    return new ParallelRunner(List.of(new QueueFullTest.Handshakes(() -> {})), "single-test",
        PipelineConfig.defaults(),
        new ParallelRunner.Settings(workers, 64 << 10, 2048, 100, 0, 16, 1000, true), downstream,
        null, m -> {});
  }

  @Test
  void everyHandshakeComesOutWithNoWorkerThread() throws Exception {
    AtomicInteger events = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    // threads of earlier tests in this JVM, if any still run, are not this runner's
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    ParallelRunner r = runner(0, new EventListener() {
      @Override
      public void onEvent(TlsEvent e) {
        if (events.incrementAndGet() > 1) {
          return;
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          if (!before.contains(t)) {
            threads.add(t.getName());
          }
        }
      }
    });
    r.useSingleLocalPipeline(PipelineConfig.defaults());
    ParallelRunner.Totals t = r.run();
    assertEquals(QueueFullTest.FLOWS, events.get());
    assertEquals(QueueFullTest.FLOWS, t.counters.clientHellos);
    assertEquals(QueueFullTest.FLOWS, t.counters.serverHellos);
    assertEquals(QueueFullTest.FLOWS, t.eventsPublished);
    assertEquals(0, t.queueDropped);
    assertTrue(threads.stream().anyMatch(n -> n.startsWith("ja3sensor-capture-")), "" + threads);
    assertTrue(threads.stream().noneMatch(n -> n.startsWith("ja3sensor-worker-")), "" + threads);
  }

  @Test
  void aCaptureThreadsPipelineLeavesTheAddressesAndCommunityIdToTheEmitter() throws Exception {
    List<TlsEvent> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    ParallelRunner r = runner(0, got::add);
    r.useSingleLocalPipeline(PipelineConfig.defaults());
    assertEquals(Pipeline.Derive.CLIENT_FINGERPRINTS, r.localPipeline(0).derive());
    r.run();
    // and the emitter filled the rest before the downstream got the events
    assertEquals(QueueFullTest.FLOWS, got.size());
    for (TlsEvent e : got) {
      assertTrue(e.clientIp != null && e.communityId != null && e.ja3sHash != null, e.clientIp);
    }
  }

  @Test
  void noWorkerNeedsTheSingleLocalPipeline() {
    ParallelRunner r = runner(0, e -> {});
    IllegalStateException e = assertThrows(IllegalStateException.class, r::run);
    assertEquals("no worker: call useSingleLocalPipeline first", e.getMessage());
  }

  @Test
  void noWorkerNeedsOneSource() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ParallelRunner(
            List.of(new QueueFullTest.Handshakes(() -> {}), new QueueFullTest.Handshakes(() -> {})),
            "x", PipelineConfig.defaults(),
            new ParallelRunner.Settings(0, 64 << 10, 2048, 100, 0, 16, 1000, true), ev -> {},
            null, m -> {}));
    assertTrue(e.getMessage().startsWith("workers: expected at least 1 (or 0 for one source"),
        e.getMessage());
  }
}
