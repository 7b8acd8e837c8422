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
      // The child JVM of a relaunch (JitChoice): its parent forwards SIGINT as SIGTERM; a Ctrl-C
      // reaches both processes, and would otherwise count as two signals here (the second ends
      // the read at once, unflushed).
      sun.misc.Signal.handle(new sun.misc.Signal("INT"),
          JitChoice.isChild() ? sun.misc.SignalHandler.SIG_IGN : h);
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), h);
      return true;
    } catch (Throwable e) {
      return false;
    }
  }

  /**
   * Forwards SIGINT and SIGTERM (as SIGTERM, once per signal) and SIGHUP to {@code child}, the
   * JVM that does this command's work (JitChoice). Where the JVM offers no signal API, signals
   * end this JVM and the child runs on.
   */
  static void forwardTo(Process child) {
    try {
      sun.misc.SignalHandler term = sig -> child.destroy(); // SIGTERM
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), term);
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), term);
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
        try {
          new ProcessBuilder("kill", "-HUP", Long.toString(child.pid())).inheritIO().start();
        } catch (java.io.IOException e) {
          // no kill(1): the child keeps its files open
        }
      });
    } catch (Throwable e) {
      // no signal API
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
