package org.ja3sensor.source;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The reopen loop of the live readers ({@link LiveCaptureSource}'s libpcap handle and {@link
 * RingCaptureSource}'s socket) after the interface went down or away: every {@code delayMillis}
 * it tries to open again until it works or stop is asked; a new error message is warned once,
 * the same one again is not (an interface gone for an hour gives one line, not 3,600); once open,
 * the capture rejoins its fanout group (a failure is warned, capture goes on alone) and "capture
 * reopened" is warned. Runs on the reading thread; owns nothing.
 */
final class ReopenLoop {
  /** Opens the capture again; throws with a one-line message while it cannot. */
  interface Opener {
    void open() throws LiveCaptureException;
  }

  private ReopenLoop() {}

  /**
   * @param what "handle" or "socket", for the warning when the fanout group cannot be rejoined
   * @param rejoinFanout joins the new handle or socket to the fanout group, or null without one
   */
  static void run(String device, String what, long delayMillis, BooleanSupplier stopRequested,
      Opener opener, Runnable rejoinFanout, int fanoutGroup, Consumer<String> warnings) {
    String lastError = null;
    while (!stopRequested.getAsBoolean()) {
      sleepUnlessStopped(delayMillis, stopRequested);
      if (stopRequested.getAsBoolean()) {
        return;
      }
      try {
        opener.open();
        if (rejoinFanout != null) {
          try {
            rejoinFanout.run();
          } catch (UnsupportedOperationException e) {
            warnings.accept("interface \"" + device + "\": reopened " + what + " could not rejoin"
                + " fanout group " + fanoutGroup + " (" + e.getMessage() + ")");
          }
        }
        warnings.accept("interface \"" + device + "\": capture reopened");
        return;
      } catch (LiveCaptureException e) {
        if (!e.getMessage().equals(lastError)) {
          warnings.accept(e.getMessage());
          lastError = e.getMessage();
        }
      }
    }
  }

  /** Sleeps {@code millis} in steps of 50 ms, returning early when stop is asked. */
  static void sleepUnlessStopped(long millis, BooleanSupplier stopRequested) {
    long end = System.nanoTime() + millis * 1_000_000L;
    while (!stopRequested.getAsBoolean() && System.nanoTime() < end) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
