package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ja3sensor.tls.ServerHello;
import org.junit.jupiter.api.Test;

class EmitterThreadTest {

  private static TlsEvent event(int port) {
    TlsEvent e = new TlsEvent();
    e.clientLo = 0x0000_ffff_0a00_0001L; // ::ffff:10.0.0.1
    e.clientPort = port;
    e.serverLo = 0x0000_ffff_0a00_0002L; // ::ffff:10.0.0.2
    e.serverPort = 443;
    return e;
  }

  @Test
  void deliversEveryEventInOrderWithDerivedFieldsOnItsOwnThread() throws Exception {
    List<TlsEvent> got = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    EmitterThread em = new EmitterThread(() -> {
      release.await(10, TimeUnit.SECONDS); // a slow setup (database load): events queue meanwhile
      return e -> {
        got.add(e);
        threads.add(Thread.currentThread().getName());
      };
    }, null, 8);
    List<TlsEvent> sent = new ArrayList<>();
    Thread producer = new Thread(() -> {
      for (int i = 0; i < 100; i++) { // more than the queue holds: the producer waits
        TlsEvent e = event(1000 + i);
        sent.add(e);
        em.onEvent(e);
      }
    });
    producer.start();
    Thread.sleep(100);
    assertTrue(producer.isAlive(), "a full queue holds the producer back");
    release.countDown();
    producer.join(10_000);
    em.close();
    assertEquals(sent, got);
    assertEquals(0, em.droppedEvents());
    assertTrue(threads.stream().allMatch("ja3sensor-emitter"::equals), threads.toString());
    assertEquals("10.0.0.1", got.get(0).clientIp);
    assertEquals("10.0.0.2", got.get(0).serverIp);
    assertNotNull(got.get(0).communityId);
  }

  @Test
  void deriveFieldsMatchesWhatThePipelineComputedInline() {
    TlsEvent e = event(51000);
    e.serverHello = new ServerHello(0x0303, 0x1301, 0, new int[] {43, 51}, 0x0304, null, false);
    e.deriveFields();
    assertEquals("771,4865,43-51", e.ja3sString);
    assertEquals(org.ja3sensor.fingerprint.Ja3.md5Hex("771,4865,43-51"), e.ja3sHash);
    assertEquals(false, e.ipv6);
  }

  @Test
  void aFailedSetupStopsTheInputRunsOnFailureOnceAndIsRethrownByClose() throws Exception {
    AtomicInteger stops = new AtomicInteger();
    IOException boom = new IOException("database unreadable");
    EmitterThread em = new EmitterThread(() -> {
      throw boom;
    }, stops::incrementAndGet, 4);
    for (int i = 0; i < 50; i++) {
      em.onEvent(event(2000 + i)); // must not block for ever once the emitter is gone
    }
    Exception thrown = assertThrows(Exception.class, em::close);
    assertSame(boom, thrown);
    assertSame(boom, em.failure());
    assertEquals(1, stops.get());
    assertTrue(em.droppedEvents() > 0 && em.droppedEvents() <= 50, "" + em.droppedEvents());
  }

  @Test
  void aDownstreamFailureIsReportedAndLaterEventsAreDropped() throws Exception {
    AtomicInteger stops = new AtomicInteger();
    EmitterThread em = new EmitterThread(() -> e -> {
      throw new IllegalStateException("sink broke");
    }, stops::incrementAndGet, 4);
    em.onEvent(event(1));
    Exception thrown = assertThrows(IllegalStateException.class, em::close);
    assertEquals("sink broke", thrown.getMessage());
    assertEquals(1, stops.get());
  }

  @Test
  void theTolerantEmitterCountsFailuresGoesOnAndFlushesAtTheEnd() throws Exception {
    List<Integer> got = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    AtomicInteger flushes = new AtomicInteger();
    EmitterThread em = EmitterThread.tolerant(e -> {
      if (e.clientPort % 2 == 1) {
        throw new IllegalStateException("odd port " + e.clientPort);
      }
      got.add(e.clientPort);
    }, flushes::incrementAndGet, 0, warnings::add, 4);
    for (int i = 0; i < 30; i++) {
      em.onEvent(event(i));
    }
    em.close();
    assertEquals(15, got.size());
    assertEquals(0, got.get(0));
    assertEquals(28, got.get(14));
    assertEquals(15, em.publishedEvents());
    assertEquals(15, em.outputErrors());
    assertEquals(10, warnings.size(), "the first ten failures are reported");
    assertEquals("event output failed: odd port 1", warnings.get(0));
    assertTrue(flushes.get() >= 1);
    assertEquals(0, em.droppedEvents());
  }
}
