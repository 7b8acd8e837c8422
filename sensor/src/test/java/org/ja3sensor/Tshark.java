package org.ja3sensor;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The reference tool the tests compare with: whether it is installed. */
public final class Tshark {
  private static Boolean available;

  private Tshark() {}

  /** True when {@code tshark --version} runs and succeeds (asked once per test JVM). */
  public static synchronized boolean available() {
    if (available == null) {
      available = probe();
    }
    return available;
  }

  private static boolean probe() {
    try {
      Process p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
