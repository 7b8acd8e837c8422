package org.ja3sensor.match;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared upstream fingerprint lists (../shared/fingerprints-sources beside the repository). */
final class Sources {
  private Sources() {}

  static Path repoRoot() {
    return Path.of(System.getProperty("ja3sensor.repoRoot", ".")).toAbsolutePath().normalize();
  }

  /** The sources directory; skips the test when it is absent (it sits beside the repo in CI). */
  static Path dir() {
    String shared = System.getProperty("ja3sensor.sharedDir"); // a worktree elsewhere
    Path d = (shared != null ? Path.of(shared) : repoRoot().resolve("../shared"))
        .resolve("fingerprints-sources").normalize();
    assumeTrue(Files.isDirectory(d), "fingerprint sources not found at " + d + ": skipped");
    return d;
  }
}
