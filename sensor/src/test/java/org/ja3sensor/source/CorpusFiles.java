package org.ja3sensor.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The shared conformance corpus ({@code <repoRoot>/../shared/corpus}), when it is there. */
final class CorpusFiles {
  private CorpusFiles() {}

  static Path dir() {
    return Path.of(System.getProperty("ja3sensor.repoRoot", "."), "..", "shared", "corpus")
        .toAbsolutePath()
        .normalize();
  }

  /** Every capture file of the corpus, sorted; empty if the corpus is absent. */
  static List<Path> captures() throws IOException {
    Path dir = dir();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().matches(".*\\.(pcap|pcapng|cap)"))
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
