package org.ja3sensor.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The idle pauses of capture threads and workers ({@link ParallelRunner#pauseNanos}). */
class BackOffTest {
  @Test
  void bothSpinFirstThenParkGrowingTo1Ms() {
    for (boolean worker : new boolean[] {false, true}) {
      for (int i = 0; i < 50; i++) {
        assertEquals(0, ParallelRunner.pauseNanos(i, worker));
      }
      assertEquals(50_000, ParallelRunner.pauseNanos(50, worker));
      assertEquals(100_000, ParallelRunner.pauseNanos(51, worker));
      assertEquals(800_000, ParallelRunner.pauseNanos(54, worker));
      assertEquals(1_000_000, ParallelRunner.pauseNanos(55, worker));
      assertEquals(1_000_000, ParallelRunner.pauseNanos(69, worker));
    }
  }

  /** A capture thread waiting for room never sleeps longer than 1 ms, however long it waits. */
  @Test
  void aWaitingCaptureThreadStaysAt1Ms() {
    for (int i = 55; i < 1_000_000; i += 997) {
      assertEquals(1_000_000, ParallelRunner.pauseNanos(i, false));
    }
    assertEquals(1_000_000, ParallelRunner.pauseNanos(Integer.MAX_VALUE, false));
  }

  /** A worker idle for about 16 ms parks 10 ms at a time: about 100 wake-ups a second. */
  @Test
  void aLongIdleWorkerParks10Ms() {
    long slept = 0;
    int i = 0;
    for (; ParallelRunner.pauseNanos(i, true) < 10_000_000L; i++) {
      slept += ParallelRunner.pauseNanos(i, true);
    }
    assertEquals(ParallelRunner.WORKER_DEEP_IDLE_ROUNDS, i);
    assertTrue(slept > 10_000_000L && slept < 20_000_000L, "idle before the long pauses: " + slept);
    for (; i < 1_000_000; i += 997) {
      assertEquals(10_000_000L, ParallelRunner.pauseNanos(i, true));
    }
    assertEquals(10_000_000L, ParallelRunner.pauseNanos(Integer.MAX_VALUE, true));
  }

  /** The idle count stops growing once the pause does, so it cannot wrap around to spinning. */
  @Test
  void theIdleCountStopsGrowing() {
    int idle = ParallelRunner.WORKER_DEEP_IDLE_ROUNDS;
    assertEquals(idle, ParallelRunner.backOff(idle, false)); // parks 1 ms once
    assertEquals(idle, ParallelRunner.backOff(idle, true)); // parks 10 ms once
    assertEquals(1, ParallelRunner.backOff(0, true)); // a spin
  }
}
