package org.ja3sensor.sink;

import java.io.IOException;

/**
 * The reader of stdout went away ({@code ja3sensor read ... | head -1}): nothing more can be
 * delivered, and nothing is wrong. The commands stop reading and exit as if the input had ended.
 */
public final class OutputClosedException extends IOException {
  OutputClosedException(IOException cause) {
    super("output closed by its reader", cause);
  }

  /**
   * {@code e} as an OutputClosedException when it says the pipe or socket was closed by the other
   * end (EPIPE, ECONNRESET), else {@code e} itself. The JVM ignores SIGPIPE, so a closed pipe shows
   * as this error on the next write.
   */
  static IOException ifClosed(IOException e) {
    String m = e.getMessage();
    if (e instanceof OutputClosedException) {
      return e;
    }
    if (m != null && (m.contains("Broken pipe") || m.contains("Connection reset by peer"))) {
      return new OutputClosedException(e);
    }
    return e;
  }

  /** True when {@code t} or one of its causes is an OutputClosedException. */
  public static boolean isCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof OutputClosedException) {
        return true;
      }
    }
    return false;
  }
}
