package org.ja3sensor.cli;

/** SIGINT and SIGTERM routed to a handler instead of JVM shutdown, so a command can drain. */
final class Signals {
  private Signals() {}

  /**
   * Routes SIGINT and SIGTERM to {@code onSignal} (run on the JVM's signal thread).
   *
   * @return false where the JVM offers no signal API; the caller then falls back to a shutdown
   *     hook
   */
  static boolean trap(Runnable onSignal) {
    try {
      sun.misc.SignalHandler h = sig -> onSignal.run();
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), h);
      return true;
    } catch (Throwable e) {
      return false;
    }
  }
}
