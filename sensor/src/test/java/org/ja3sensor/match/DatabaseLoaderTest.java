package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DatabaseException;
import org.ja3sensor.db.DatabaseLoader;
import org.ja3sensor.db.DbFormat;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.Problem;
import org.ja3sensor.db.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseLoaderTest {
  /** The 17 columns before the port scopes (files written then stay valid). */
  static final String HEADER = "id,type,value,pair_value,label,category,disposition,confidence,"
      + "source,licence,first_seen,last_seen,reference,scope_sni,scope_destination_ip,"
      + "scope_source_ip,notes\n";
  static final String A = MatcherTest.A;

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private List<Problem> problems(String name, String text) throws Exception {
    write(name, text);
    DatabaseException e =
        assertThrows(DatabaseException.class, () -> DatabaseLoader.load(List.of(dir)));
    return e.problems();
  }

  private static void assertProblem(List<Problem> ps, String file, int line, String... words) {
    for (Problem p : ps) {
      if (p.file().endsWith(file) && p.line() == line) {
        for (String w : words) {
          assertTrue(p.message().contains(w), p + " should mention " + w);
        }
        return;
      }
    }
    throw new AssertionError("no problem at " + file + ":" + line + " in " + ps);
  }

  @Test
  void readsAValidFileWithCommentsQuotesAnyColumnOrderAndBom() throws Exception {
    write(
        "local.csv",
        "\uFEFF# my entries\n"
            + "label,value,type,disposition,confidence,scope_sni,notes,category\n"
            + "\n"
            + "\"Bad, really\"," + A.toUpperCase() + ",ja3,alert,70,*.evil.example|evil.example,"
            + "\"two\nlines, \"\"quoted\"\"\",malware\n"
            + "# a comment between rows\n"
            + "Phish,*.phish.example,sni,info,,,,\n");
    Snapshot s = DatabaseLoader.load(List.of(dir));
    assertEquals(2, s.entries().size());
    Entry e = s.entries().get(0);
    assertEquals("Bad, really", e.label());
    assertEquals(List.of(A), e.values(), "hashes are lower-cased");
    assertEquals("local:4", e.id(), "default id: file stem and line");
    assertEquals("local", e.source());
    assertEquals("two\nlines, \"quoted\"", e.notes());
    assertEquals(2, e.scopeSni().size());
    assertEquals(4, e.line());
    assertEquals("local:7", s.entries().get(1).id());
    assertEquals(EntryType.SNI, s.entries().get(1).type());
    assertEquals(Category.UNKNOWN, s.entries().get(1).category());
  }

  @Test
  void everyErrorNamesFileLineColumnAndValue() throws Exception {
    List<Problem> ps =
        problems(
            "bad.csv",
            HEADER
                + "x1,jaa3,"
                + A
                + ",,L,malware,alert,50,s,,,,,,,,\n" // line 2: type
                + "x2,ja3,12345,,L,malware,alert,50,s,,,,,,,,\n" // 3: hash
                + "x3,ja3,"
                + A
                + ",,L,malware,alert,,s,,,,,,,,\n" // 4: missing confidence
                + "x4,ja3,"
                + A
                + ",,L,malware,alert,50,s,,2020-13-01,,,,,,\n" // 5: date
                + "x5,ja3,"
                + A
                + ",,L,malware,allow,50,s,,,,,,10.0.0.0/33,,\n" // 6: cidr
                + "x6,ja3,"
                + A
                + ",,L,malwre,alert,50,s,,,,,,,,\n" // 7: category
                + "x7,ja3+ja3s,"
                + A
                + ",,L,c2,alert,50,s,,,,,,,,\n" // 8: pair without JA3S
                + "x8,sni,*foo.example,,L,malware,alert,50,s,,,,,,,,\n" // 9: suffix not indexable
                + "x9,ja3,"
                + A
                + ",,L,malware,alert,101,s,,,,,,,,\n" // 10: confidence range
                + "x10,ja3,"
                + A
                + ",,L,malware\n"); // 11: truncated row
    assertProblem(ps, "bad.csv", 2, "type", "jaa3");
    assertProblem(ps, "bad.csv", 3, "value", "12345", "32 hex");
    assertProblem(ps, "bad.csv", 4, "confidence", "alert");
    assertProblem(ps, "bad.csv", 5, "first_seen", "2020-13-01");
    assertProblem(ps, "bad.csv", 6, "scope_destination_ip", "10.0.0.0/33");
    assertProblem(ps, "bad.csv", 7, "category", "malwre");
    assertProblem(ps, "bad.csv", 8, "pair_value", "empty");
    assertProblem(ps, "bad.csv", 9, "value", "*foo.example");
    assertProblem(ps, "bad.csv", 10, "confidence", "101");
    assertProblem(ps, "bad.csv", 11, "6 fields", "17");
    assertEquals(10, ps.size(), ps.toString());
    assertTrue(ps.get(0).toString().startsWith(dir.resolve("bad.csv") + ":2: "), ps.get(0).toString());
  }

  @Test
  void unterminatedQuoteNamesTheLineItStarts() throws Exception {
    List<Problem> ps =
        problems("q.csv", HEADER + "x1,ja3," + A + ",,\"Never closed,malware,alert,50,s,,,,,,,,\n\n");
    assertProblem(ps, "q.csv", 2, "unterminated");
  }

  @Test
  void invalidUtf8NamesTheLineAndColumnOfTheFirstBadByte() throws Exception {
    byte[] head = (HEADER + "x1,ja3," + A + ",,Caf").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ",malware,alert,50,s,,,,,,,,\n".getBytes(StandardCharsets.UTF_8);
    byte[] file = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, file, 0, head.length);
    file[head.length] = (byte) 0xe9; // Latin-1 e-acute: a lone continuation-less lead byte
    System.arraycopy(tail, 0, file, head.length + 1, tail.length);
    Files.write(dir.resolve("latin1.csv"), file);
    DatabaseException e =
        assertThrows(DatabaseException.class, () -> DatabaseLoader.load(List.of(dir)));
    int column = ("x1,ja3," + A + ",,Caf").length() + 1;
    assertProblem(e.problems(), "latin1.csv", 2, "not valid UTF-8", "0xe9", "column " + column);
    // A sequence cut by the end of the file is named too (its first byte).
    Files.write(dir.resolve("latin1.csv"), new byte[] {'i', 'd', '\n', 'a', (byte) 0xc3});
    e = assertThrows(DatabaseException.class, () -> DatabaseLoader.load(List.of(dir)));
    assertProblem(e.problems(), "latin1.csv", 2, "0xc3", "column 2");
  }

  @Test
  void headerProblems() throws Exception {
    assertProblem(problems("h.csv", "id,type,value,label\nx,ja3," + A + ",L\n"), "h.csv", 1,
        "disposition");
    Files.delete(dir.resolve("h.csv"));
    assertProblem(problems("h2.csv", "type,type,value,label,disposition\n"), "h2.csv", 1, "twice");
  }

  @Test
  void duplicateIdInOneFileIsAnError() throws Exception {
    List<Problem> ps =
        problems("d.csv", "id,type,value,label,disposition\nsame,ja3," + A + ",L,info\n"
            + "same,sni,x.example,L,info\n");
    assertProblem(ps, "d.csv", 3, "same", "line 2");
  }

  @Test
  void laterFilesOverrideByIdAndExtend() throws Exception {
    write("10-base.csv", "id,type,value,label,disposition,confidence\n"
        + "x,ja3," + A + ",Old,alert,60\ny,sni,a.example,Y,info,\n");
    write("20-local.csv", "id,type,value,label,disposition\n"
        + "x,ja3," + A + ",Turned off,disabled\nz,sni,b.example,Z,info\n");
    write("notes.txt", "not a database file");
    Snapshot s = DatabaseLoader.load(List.of(dir));
    assertEquals(List.of("y", "x", "z"), s.entries().stream().map(Entry::id).toList());
    Entry x = s.entries().get(1);
    assertEquals(Disposition.DISABLED, x.disposition());
    assertEquals("Turned off", x.label());
    assertEquals(0, s.ja3(A).length, "the disabled override is not indexed");
    assertEquals(1, s.warnings().size());
    assertTrue(s.warnings().get(0).toString().contains("overrides"), s.warnings().toString());
    assertEquals(2, s.files().size());
  }

  @Test
  void locationsInOrderAndSingleFiles() throws Exception {
    Path one = write("one.csv", "id,type,value,label,disposition\nx,sni,a.example,First,info\n");
    Path other = Files.createDirectory(dir.resolve("extra"));
    Files.writeString(other.resolve("b.csv"), "id,type,value,label,disposition\n"
        + "x,sni,a.example,Second,info\n");
    Snapshot s = DatabaseLoader.load(List.of(one, other));
    assertEquals("Second", s.entries().get(0).label());
    Snapshot r = DatabaseLoader.load(List.of(other, one));
    assertEquals("First", r.entries().get(0).label());
  }

  @Test
  void versionIsAContentHash() throws Exception {
    write("a.csv", "id,type,value,label,disposition\nx,sni,a.example,A,info\n");
    String v1 = DatabaseLoader.load(List.of(dir)).version();
    assertEquals(v1, DatabaseLoader.load(List.of(dir)).version());
    assertTrue(v1.matches("[0-9a-f]{12}"), v1);
    write("a.csv", "id,type,value,label,disposition\nx,sni,a.example,B,info\n");
    assertNotEquals(v1, DatabaseLoader.load(List.of(dir)).version());
  }

  @Test
  void missingLocationAndInvalidUtf8() throws Exception {
    DatabaseException e =
        assertThrows(DatabaseException.class,
            () -> DatabaseLoader.load(List.of(dir.resolve("nope"))));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
    Files.write(dir.resolve("bin.csv"), new byte[] {'t', 'y', 'p', 'e', (byte) 0xff, '\n'});
    DatabaseException u =
        assertThrows(DatabaseException.class, () -> DatabaseLoader.load(List.of(dir)));
    assertTrue(u.getMessage().contains("bin.csv") && u.getMessage().contains("UTF-8"),
        u.getMessage());
  }

  @Test
  void writtenLinesReadBackUnchanged() throws Exception {
    Entry e =
        new EntryBuilder("w:1", EntryType.JA3_JA3S, A, MatcherTest.A2)
            .pair(MatcherTest.B)
            .label("Label, with \"quotes\"")
            .category(Category.C2)
            .disposition(Disposition.ALERT)
            .confidence(75)
            .source("src")
            .licence("MIT")
            .firstSeen("2020-01-02")
            .lastSeen("2021-02-03T04:05:06Z")
            .reference("https://example.org/x?a=1,2")
            .scopeSni("*.example.com")
            .scopeSni("*-suffix.example.net")
            .scopeDestination("2001:db8::/32")
            .scopeSource("10.0.0.0/8")
            .notes("# not a comment\nsecond line")
            .build();
    write("w.csv", DbFormat.headerLine() + "\n" + DbFormat.line(e) + "\n");
    Entry r = DatabaseLoader.load(List.of(dir)).entries().get(0);
    assertEquals(DbFormat.line(e), DbFormat.line(r));
    assertEquals(e.lastSeenEpochSecond(), r.lastSeenEpochSecond());
  }
}
