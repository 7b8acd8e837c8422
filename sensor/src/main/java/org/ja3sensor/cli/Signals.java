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

  /**
   * Runs {@code onHup} on SIGHUP, then the handler of ours that was there before (the
   * fingerprint database's reload), so that both happen; SIGHUP no longer ends the process.
   *
   * @return false where the JVM offers no signal API
   */
  static boolean onHup(Runnable onHup) {
    try {
      sun.misc.Signal hup = new sun.misc.Signal("HUP");
      sun.misc.SignalHandler[] previous = new sun.misc.SignalHandler[1];
      previous[0] =
          sun.misc.Signal.handle(
              hup,
              sig -> {
                onHup.run();
                sun.misc.SignalHandler p = previous[0];
                // Chained: a handler of ours (the database's); not the JVM's default one
                // (java.lang.Terminator: SIGHUP would end the process).
                if (p != null
                    && p != sun.misc.SignalHandler.SIG_DFL
                    && p != sun.misc.SignalHandler.SIG_IGN
                    && !String.valueOf(p).startsWith("java.lang.Terminator")) {
                  p.handle(sig);
                }
              });
      return true;
    } catch (Throwable e) {
      return false;
    }
  }
}
