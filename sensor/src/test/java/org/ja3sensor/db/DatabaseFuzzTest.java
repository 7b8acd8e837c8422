package org.ja3sensor.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzz target (Jazzer) for the database file loader ({@code fingerprints/*.csv}).
 * Saved inputs under {@code src/test/resources/org/ja3sensor/db/DatabaseFuzzTestInputs/loadFile/}
 * (lines of the shipped files, cut by {@code scripts/fuzz-seeds.py}, and every past finding).
 *
 * <p>Input: byte 0 odd: the rest is one data line after the header line of the shipped files
 * (its line breaks and quotes removed, so that it stays line 2); even: the rest is a whole file.
 *
 * <p>Invariants: loading ends with a snapshot or a {@link DatabaseException}, nothing else; every
 * problem and warning names the file, a line of it (0: the file as a whole) and says what is
 * wrong in one line; a bad data line is reported on its own line number; the same bytes load the
 * same way twice; every entry comes from a line of the file.
 */
class DatabaseFuzzTest {
  private static final String NAME = "fuzz/90-fuzz.csv";
  private static final String HEADER =
      "id,type,value,pair_value,label,category,disposition,confidence,source,licence,first_seen,"
          + "last_seen,reference,scope_sni,scope_destination_ip,scope_source_ip,scope_source_port,"
          + "scope_destination_port,notes\n";

  @FuzzTest(maxDuration = "10s")
  void loadFile(byte[] data) {
    if (data.length == 0) {
      return;
    }
    boolean oneLine = (data[0] & 1) != 0;
    byte[] file;
    if (oneLine) {
      String line = new String(data, 1, data.length - 1, StandardCharsets.UTF_8)
          .replace("\n", "").replace("\r", "").replace("\"", "");
      file = (HEADER + line + "\n").getBytes(StandardCharsets.UTF_8);
    } else {
      file = java.util.Arrays.copyOfRange(data, 1, data.length);
    }
    int lines = 1;
    for (byte b : file) {
      if (b == '\n' || b == '\r') {
        lines++;
      }
    }
    String first = load(file, lines, oneLine);
    assertEquals(first, load(file, lines, oneLine), "the same bytes load another way");
  }

  private static String load(byte[] file, int lines, boolean oneLine) {
    List<Map.Entry<String, Map.Entry<String, byte[]>>> files = new ArrayList<>();
    files.add(Map.entry(NAME, Map.entry("90-fuzz.csv", file)));
    try {
      Snapshot s = DatabaseLoader.loadContents(files);
      for (Problem w : s.warnings()) {
        checkProblem(w, lines);
      }
      for (Entry e : s.entries()) {
        assertTrue(e.line() >= 1 && e.line() <= lines, () -> "entry on line " + e.line());
      }
      return "ok " + s.entries().size() + " " + s.warnings();
    } catch (DatabaseException e) {
      assertFalse(e.problems().isEmpty(), "an error without a problem");
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      for (Problem p : e.problems()) {
        checkProblem(p, lines);
        if (oneLine) {
          assertEquals(2, p.line(), "the bad line is line 2: " + p);
        }
      }
      return "error " + e.problems();
    }
  }

  private static void checkProblem(Problem p, int lines) {
    // Messages are built only on failure (suppliers): this runs for every problem of every input.
    assertEquals(NAME, p.file());
    assertTrue(p.line() >= 0 && p.line() <= lines,
        () -> "line " + p.line() + " of " + lines + ": " + p);
    assertFalse(p.message() == null || p.message().isBlank(), "a problem without a message");
    String text = p.toString();
    assertFalse(text.contains("\n") || text.contains("\r"),
        () -> "a message of several lines: " + text);
    assertTrue(text.startsWith(NAME + ":"), text);
  }
}
