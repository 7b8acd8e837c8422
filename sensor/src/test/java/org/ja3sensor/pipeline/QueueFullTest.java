package org.ja3sensor.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ja3sensor.decode.LinkType;
import org.ja3sensor.event.EventListener;
import org.ja3sensor.source.PacketHandler;
import org.ja3sensor.source.PacketSource;
import org.ja3sensor.source.SourceStats;
import org.junit.jupiter.api.Test;

/**
 * What a capture thread does when its worker's queue is full ({@link
 * ParallelRunner.Settings#waitWhenFull}): waits for room (the default: the frames wait in the
 * kernel's buffer meanwhile) or drops the segment at once and counts it. The worker is held up
 * the way a slow output holds it up: the event listener stalls, the emitter's queue fills, the
 * worker waits to hand over its next event, and its queue from the capture thread fills.
 */
class QueueFullTest {
  /** Handshakes sent: far more segments than the queue (64 KiB) and the event queue (16) hold. */
  static final int FLOWS = 2_000;

  /** ClientHello and ServerHello, each flow from its own client address. */
  static final class Handshakes implements PacketSource {
    final SourceStats stats = new SourceStats();
    final Runnable atEnd;
    volatile boolean stop;
    volatile int sent;

    Handshakes(Runnable atEnd) {
      this.atEnd = atEnd;
    }

    @Override
    public void run(PacketHandler handler) {
      byte[] ch = Hellos.clientHelloRecord("queue.example", 200);
      byte[] sh = Hellos.serverHelloRecord();
      long base = System.currentTimeMillis() * 1_000_000L;
      for (int i = 0; i < FLOWS && !stop; i++) {
        int client = 0x64400000 | i; // 100.64.x.y
        int server = 0x0a000001; // 10.0.0.1
        byte[] c = frame(client, server, 40_000, 443, 1000, 5000, ch);
        handler.onPacket(LinkType.ETHERNET, base + i * 2000L, c, 0, c.length, c.length, 0);
        byte[] s = frame(server, client, 443, 40_000, 5000, 1000 + ch.length, sh);
        handler.onPacket(LinkType.ETHERNET, base + i * 2000L + 1000, s, 0, s.length, s.length, 0);
        stats.packets += 2;
        sent = i + 1;
      }
      atEnd.run();
    }

    @Override
    public void stop() {
      stop = true;
    }

    @Override
    public String name() {
      return "handshakes";
    }

    @Override
    public SourceStats stats() {
      return stats;
    }

    @Override
    public void close() {}
  }

  /** Ethernet, IPv4, TCP with PSH|ACK, then the payload. */
  static byte[] frame(int src, int dst, int sport, int dport, int seq, int ack, byte[] payload) {
    byte[] f = new byte[54 + payload.length];
    f[12] = 0x08; // IPv4
    f[14] = 0x45;
    int ipLen = 40 + payload.length;
    f[16] = (byte) (ipLen >>> 8);
    f[17] = (byte) ipLen;
    f[22] = 64; // TTL
    f[23] = 6; // TCP
    putInt(f, 26, src);
    putInt(f, 30, dst);
    f[34] = (byte) (sport >>> 8);
    f[35] = (byte) sport;
    f[36] = (byte) (dport >>> 8);
    f[37] = (byte) dport;
    putInt(f, 38, seq);
    putInt(f, 42, ack);
    f[46] = 0x50; // data offset 5
    f[47] = 0x18; // PSH|ACK
    f[48] = (byte) 0xff; // window
    f[49] = (byte) 0xff;
    System.arraycopy(payload, 0, f, 54, payload.length);
    return f;
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  static ParallelRunner runner(PacketSource source, EventListener downstream, boolean wait,
      List<String> warnings) {
    return new ParallelRunner(List.of(source), "queue-test", PipelineConfig.defaults(),
        new ParallelRunner.Settings(1, 64 << 10, 2048, 100, 0, 16, 1000, wait), downstream, null,
        warnings::add);
  }

  @Test
  void aFullQueueHoldsTheCaptureThreadAndLosesNothing() throws Exception {
    // The first event stalls the output for 300 ms; only then may the capture thread go on.
    AtomicInteger events = new AtomicInteger();
    boolean[] released = new boolean[1];
    boolean[] releasedWhenSourceEnded = new boolean[1];
    Handshakes source = new Handshakes(() -> {
      synchronized (released) {
        releasedWhenSourceEnded[0] = released[0];
      }
    });
    EventListener slow = e -> {
      if (events.incrementAndGet() == 1) {
        try {
          Thread.sleep(300);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
        synchronized (released) {
          released[0] = true;
        }
      }
    };
    List<String> warnings = new CopyOnWriteArrayList<>();
    ParallelRunner.Totals t = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> runner(source, slow, true, warnings).run());

    assertTrue(releasedWhenSourceEnded[0],
        "the capture thread waited for the stalled output before it could send everything");
    assertEquals(0, t.queueDropped, t.format());
    assertEquals(2L * FLOWS, t.tcpSegments, t.format());
    assertEquals(FLOWS, t.counters.events, t.format());
    assertEquals(FLOWS, events.get());
    assertEquals(0, t.eventsLost, t.format());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void dropModeDropsAtOnceAndCountsTheDrops() throws Exception {
    // The output stalls until the source has sent everything: the capture thread must not wait.
    CountDownLatch sourceDone = new CountDownLatch(1);
    AtomicInteger events = new AtomicInteger();
    Handshakes source = new Handshakes(sourceDone::countDown);
    EventListener stalled = e -> {
      if (events.incrementAndGet() == 1) {
        try {
          assertTrue(sourceDone.await(30, TimeUnit.SECONDS), "the source ran to its end");
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    };
    List<String> warnings = new CopyOnWriteArrayList<>();
    ParallelRunner.Totals t = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> runner(source, stalled, false, warnings).run());

    assertEquals(FLOWS, source.sent);
    assertEquals(2L * FLOWS, t.tcpSegments, t.format());
    assertTrue(t.queueDropped > 0, t.format());
    assertTrue(t.counters.events < FLOWS, t.format());
    assertEquals(t.counters.events, events.get());
  }

  @Test
  void aStopEndsTheWaitForAFullQueue() throws Exception {
    // The output stalls until the test lets it go; meanwhile the capture thread waits, and a stop
    // must end that wait (the segment it held is counted as dropped) and the source's loop.
    CountDownLatch letGo = new CountDownLatch(1);
    AtomicInteger events = new AtomicInteger();
    Handshakes source = new Handshakes(() -> {});
    EventListener stalled = e -> {
      if (events.incrementAndGet() == 1) {
        try {
          letGo.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    };
    List<String> warnings = new CopyOnWriteArrayList<>();
    ParallelRunner runner = runner(source, stalled, true, warnings);
    Thread stopper = new Thread(() -> {
      try {
        // Wait until the capture thread is stuck: nothing more sent for 200 ms.
        int last = -1;
        while (source.sent != last || events.get() == 0) {
          last = source.sent;
          Thread.sleep(200);
        }
        runner.stop();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!source.stop && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        Thread.sleep(200); // the capture thread returns from its wait and the source's loop ends
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      } finally {
        letGo.countDown();
      }
    });
    stopper.start();
    ParallelRunner.Totals t = assertTimeoutPreemptively(Duration.ofSeconds(60), runner::run);
    stopper.join();

    assertTrue(source.sent < FLOWS, "stopped before the end: " + source.sent);
    // The segment held when the stop came, and any the capture thread offered before the source
    // saw the stop, are dropped at once and counted; everything else reached the worker.
    assertTrue(t.queueDropped >= 1, t.format());
    assertEquals(t.counters.events, events.get());
    assertFalse(warnings.stream().anyMatch(w -> w.contains("internal error")), warnings.toString());
  }
}
