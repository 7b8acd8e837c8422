package org.ja3sensor.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether stderr is a terminal (progress is shown only there). Linux: /proc/self/fd/2. */
final class Terminal {
  private Terminal() {}

  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      return false;
    }
  }
}
