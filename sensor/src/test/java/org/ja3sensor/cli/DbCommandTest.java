package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbCommandTest {
  static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  @TempDir Path dir;

  private void write(String name, String text) throws Exception {
    Files.writeString(dir.resolve(name), text);
  }

  @Test
  void checkReportsErrorsWithFileAndLineAndExitsOne() throws Exception {
    write("bad.csv", "id,type,value,label,disposition,confidence\nx,ja3,xyz,Bad,alert,50\n");
    CliRun r = CliRun.run("db", "check", "--db", dir.toString());
    assertEquals(1, r.exitCode, r.toString());
    assertTrue(r.err.contains(dir.resolve("bad.csv") + ":2: column \"value\": \"xyz\""), r.err);
  }

  @Test
  void checkReportsDuplicatesAndConflicts() throws Exception {
    write("a.csv", "id,type,value,label,category,disposition,confidence,source\n"
        + "m1,ja3," + A + ",Tofsee,malware,alert,60,list1\n"
        + "m2,ja3," + A + ",Tofsee again,malware,alert,60,list1\n"
        + "b1,ja3," + A + ",Google Chrome,application,info,50,list2\n");
    CliRun r = CliRun.run("db", "check", "--db", dir.toString());
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.out.contains("duplicate: duplicate ja3 " + A), r.out);
    assertTrue(r.out.contains("conflict: malicious-vs-benign ja3 " + A), r.out);
    assertTrue(r.out.contains("1 duplicate(s), 1 conflict(s)"), r.out);
    assertEquals(1, CliRun.run("db", "check", "--strict", "--db", dir.toString()).exitCode);
  }

  @Test
  void checkOfTheShippedDatabase() {
    CliRun r = CliRun.run("db", "check", "--quiet");
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.out.startsWith("ok: version "), r.out);
  }

  @Test
  void lookupShowsEntriesAndTheDecision() throws Exception {
    write("a.csv", "id,type,value,label,category,disposition,confidence,source\n"
        + "m1,ja3," + A + ",Tofsee,malware,alert,60,list1\n"
        + "b1,ja3," + A + ",Google Chrome,application,info,50,list2\n"
        + "s1,sni,*.evil.example,Phish,malware,alert,70,local\n");
    CliRun r = CliRun.run("db", "lookup", A.toUpperCase(), "--db", dir.toString());
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.out.contains("2 entries"), r.out);
    assertTrue(r.out.contains("label        Tofsee"), r.out);
    assertTrue(r.out.contains("ALERT, rule m1 \"Tofsee\", risk score 30"), r.out);
    assertTrue(r.out.contains("conflict: malicious-vs-benign"), r.out);

    CliRun sni = CliRun.run("db", "lookup", "www.evil.example", "--db", dir.toString());
    assertTrue(sni.out.contains("1 entry"), sni.out);
    assertTrue(sni.out.contains("ALERT, rule s1"), sni.out);

    CliRun none = CliRun.run("db", "lookup", "b".repeat(32), "--db", dir.toString());
    assertTrue(none.out.contains("0 entries"), none.out);
  }

  @Test
  void statsCountsByFileTypeAndSource() throws Exception {
    write("a.csv", "id,type,value,label,disposition,source\nx,ja3," + A + ",L,info,s1\n"
        + "y,sni,a.example,L,info,s2\n");
    CliRun r = CliRun.run("db", "stats", "--db", dir.toString());
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.out.contains("2 entries"), r.out);
    assertTrue(r.out.contains("1  ja3"), r.out);
    assertTrue(r.out.contains("1  s2"), r.out);
  }

  @Test
  void importWritesALoadableFile() throws Exception {
    Path sslbl = dir.resolve("sslbl.csv");
    Files.writeString(sslbl, "# Last updated: 2021-08-03 14:33:44 UTC #\n"
        + "# ja3_md5,Firstseen,Lastseen,Listingreason\n"
        + A + ",2017-07-14 18:08:15,2019-07-27 20:42:54,Dridex\n# END (1) entries\n");
    Path db = Files.createDirectory(dir.resolve("db"));
    CliRun r = CliRun.run("db", "import", "--format", "sslbl", "-o",
        db.resolve("10-sslbl.csv").toString(), sslbl.toString());
    assertEquals(0, r.exitCode, r.toString());
    CliRun look = CliRun.run("db", "lookup", A, "--db", db.toString());
    assertTrue(look.out.contains("first_seen   2017-07-14T18:08:15Z"), look.out);
    assertTrue(look.out.contains("ALERT, rule sslbl:" + A), look.out);

    CliRun bad = CliRun.run("db", "import", "--format", "nope", sslbl.toString());
    assertEquals(2, bad.exitCode);
    assertTrue(bad.err.contains("format \"nope\""), bad.err);
  }

  @Test
  void noDbCannotBeCombinedWithDb() throws Exception {
    CliRun r = CliRun.run("db", "stats", "--no-db", "--db", dir.toString());
    assertTrue(r.exitCode != 0);
    assertTrue(r.err.contains("--no-db"), r.err);
  }

  @Test
  void lookupAcceptsJa4AndJa3n() throws Exception {
    String n = "8e19337e7524d2573be54efb2b0784c9";
    write("a.csv", "id,type,value,label,category,disposition,confidence,source\n"
        + "fam,ja4,t13d1516h2_8daaf6152771_*,Chromium family,browser,info,70,local\n"
        + "bad,ja4,t13d1516h2_8daaf6152771_e5627efa2ab1,Odd one,malware,alert,60,local\n"
        + "n1,ja3n," + n + ",Chrome 133+,browser,info,70,local\n");
    CliRun r = CliRun.run("db", "lookup", "t13d1516h2_8daaf6152771_e5627efa2ab1", "--db",
        dir.toString());
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.out.contains("2 entries"), r.out);
    assertTrue(r.out.contains("For a client with this JA4 alone, today: ALERT, rule bad"), r.out);
    CliRun other = CliRun.run("db", "lookup", "t13d1516h2_8daaf6152771_d8a2da3f94cd", "--db",
        dir.toString());
    assertTrue(other.out.contains("1 entry"), other.out);
    assertTrue(other.out.contains("For a client with this JA4 alone, today: no alert"), other.out);
    CliRun j = CliRun.run("db", "lookup", n, "--db", dir.toString());
    assertTrue(j.out.contains("For a client with this JA3N alone, today: no alert"), j.out);
  }

  @Test
  void shippedBrowserJa4IsALiveContextEntry() {
    CliRun r = CliRun.run("db", "lookup", "t13d1516h2_8daaf6152771_02713d6af862");
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.out.contains("curl-impersonate:ja4:t13d1516h2_8daaf6152771_02713d6af862"), r.out);
    assertTrue(r.out.contains("For a client with this JA4 alone, today: no alert (enrichment only)"),
        r.out);
    CliRun n = CliRun.run("db", "lookup", "8e19337e7524d2573be54efb2b0784c9");
    assertTrue(n.out.contains("curl-impersonate:ja3n:8e19337e7524d2573be54efb2b0784c9"), n.out);
  }

  @Test
  void checkReportsEntriesThatCanNeverMatch() throws Exception {
    write("a.csv", "id,type,value,label,category,disposition,confidence,source\n"
        + "v14,ja4,t14d1516h2_8daaf6152771_e5627efa2ab1,Future,browser,info,70,local\n"
        + "s,ja4s,t130200_1301_234ea6891581,Server,server,info,70,local\n");
    CliRun r = CliRun.run("db", "check", "--db", dir.toString());
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.out.contains("unmatchable: never-matches (version \"14\""), r.out);
    assertTrue(r.out.contains("unmatchable: never-matches (the sensor does not compute JA4S"), r.out);
    assertTrue(r.out.contains("2 never matching"), r.out);
  }
}
