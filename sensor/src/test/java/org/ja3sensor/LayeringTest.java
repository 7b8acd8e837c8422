package org.ja3sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The import rule of docs/design.md ("Layers: who may import whom"): every package under
 * org.ja3sensor refers (by import or by fully qualified name, comments included) only to packages
 * listed below it. The list is read from the document itself, so the drawing and the code cannot
 * drift apart; a new package must be added to it.
 */
class LayeringTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path SOURCES = ROOT.resolve("sensor/src/main/java/org/ja3sensor");
  private static final Pattern REFERENCE = Pattern.compile("\\borg\\.ja3sensor\\.([a-z0-9]+)\\.");

  /** The layers, bottom first, from the block between the layers markers of design.md. */
  static List<String> layers() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/design.md"));
    int a = doc.indexOf("<!-- layers: top first -->");
    int b = doc.indexOf("<!-- /layers -->");
    assertTrue(a >= 0 && b > a, "docs/design.md: the layers block is missing");
    List<String> top = new ArrayList<>();
    for (String line : doc.substring(a, b).split("\n")) {
      if (line.matches("[a-z0-9]+\\s.*|[a-z0-9]+")) {
        top.add(line.split("\\s+")[0]);
      }
    }
    List<String> bottom = new ArrayList<>(top);
    java.util.Collections.reverse(bottom);
    return bottom;
  }

  @Test
  void everyPackageIsInTheDrawing() throws IOException {
    TreeSet<String> packages = new TreeSet<>();
    try (Stream<Path> s = Files.list(SOURCES)) {
      s.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
    }
    assertEquals(packages, new TreeSet<>(layers()), "packages vs the layers of docs/design.md");
  }

  @Test
  void eachPackageImportsOnlyPackagesBelowIt() throws IOException {
    List<String> layers = layers();
    List<String> violations = new ArrayList<>();
    int files = 0;
    try (Stream<Path> s = Files.walk(SOURCES)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
        files++;
        String own = SOURCES.relativize(f).getName(0).toString();
        int level = layers.indexOf(own);
        String text = Files.readString(f).replaceFirst("(?m)^package [^;]*;", "");
        Matcher m = REFERENCE.matcher(text);
        TreeSet<String> bad = new TreeSet<>();
        while (m.find()) {
          String used = m.group(1);
          if (!used.equals(own) && layers.indexOf(used) >= level) {
            bad.add(used);
          }
        }
        for (String used : bad) {
          violations.add(SOURCES.relativize(f) + " (" + own + ") uses " + used);
        }
      }
    }
    assertTrue(files > 50, "source files found: " + files);
    assertEquals(List.of(), violations);
  }
}
