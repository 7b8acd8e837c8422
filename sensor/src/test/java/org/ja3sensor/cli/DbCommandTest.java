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

  @Test
  void checkNamesFileLineAndColumnOfABadScope() throws Exception {
    write("scoped.csv", "id,type,value,label,disposition,confidence,scope_destination_port,"
        + "scope_source_ip,scope_sni\n"
        + "p1,ja3," + A + ",L,alert,50,465|99999,,\n"
        + "p2,ja3," + A + ",L,alert,50,993:465,,\n"
        + "p3,ja3," + A + ",L,alert,50,,$HTTP_SERVERS,\n"
        + "p4,ja3," + A + ",L,alert,50,,,!**\n"
        + "ok,ja3," + A + ",L,alert,50,!25|1024:,!$HOME_NET|10.0.0.0/8,!*grafana*\n");
    CliRun r = CliRun.run("db", "check", "--db", dir.toString());
    assertEquals(1, r.exitCode, r.toString());
    String f = dir.resolve("scoped.csv").toString();
    String[] lines = r.err.strip().split("\n");
    assertTrue(lines[0].startsWith("error: " + f + ":2: column \"scope_destination_port\": port \"99999\""),
        r.err);
    assertTrue(lines[1].startsWith("error: " + f + ":3: column \"scope_destination_port\": port range"
        + " \"993:465\""), r.err);
    assertTrue(lines[2].startsWith("error: " + f + ":4: column \"scope_source_ip\": address"
        + " \"$HTTP_SERVERS\": the only variables are $HOME_NET and $EXTERNAL_NET"), r.err);
    assertTrue(lines[3].startsWith("error: " + f + ":5: column \"scope_sni\""), r.err);
    assertEquals(5, lines.length, "one line per bad row and the verdict: " + r.err);
  }

  @Test
  void checkReportsLibraryDefaultCollisions() throws Exception {
    write("a.csv", "id,type,value,label,category,disposition,confidence,source,"
        + "scope_destination_port\n"
        + "lib,ja3," + A + ",OpenSSL 3 s_client,library,info,80,recorded,\n"
        + "m1,ja3," + A + ",Some RAT,malware,alert,60,list1,\n"
        + "m2,ja3," + A + ",Mail C2,c2,alert,40,list2,465|993\n");
    CliRun r = CliRun.run("db", "check", "--db", dir.toString());
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.out.contains("collision: library-default (1 of 2 alert entries demoted: no"
        + " server-name, port or network scope) ja3 " + A), r.out);
    assertTrue(r.out.contains("1 library collision(s)"), r.out);
    assertTrue(!r.out.contains("conflict: malicious-vs-benign"), "a library is not a conflicting"
        + " label: " + r.out);
  }

  @Test
  void importListsTheRulesItCannotExpress() throws Exception {
    write("x.rules", "alert tls $HOME_NET any -> $EXTERNAL_NET $HTTP_PORTS (msg:\"Web C2\";"
        + " ja3.hash; content:\"" + A + "\"; sid:9000001; rev:1;)\n"
        + "alert tls $HOME_NET any -> $EXTERNAL_NET [465,993] (msg:\"Mail C2\";"
        + " ja3.hash; content:\"" + A + "\"; sid:9000002; rev:1;)\n");
    Path out = dir.resolve("out.csv");
    CliRun r = CliRun.run("db", "import", "--format", "et-rules", "-o", out.toString(),
        dir.resolve("x.rules").toString());
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.err.contains("not imported: " + dir.resolve("x.rules") + ":1: sid 9000001"
        + " \"Web C2\": port variable $HTTP_PORTS"), r.err);
    assertTrue(r.err.contains("1 entries from et-rules, 1 rule(s) not imported"), r.err);
    String csv = Files.readString(out);
    assertTrue(csv.contains("# Not imported: x.rules:1: sid 9000001"), csv);
    assertTrue(csv.contains("# Source: et-open; licence: BSD-3-Clause"), csv);
    assertTrue(csv.contains(",$EXTERNAL_NET,$HOME_NET,,465|993,"), csv);
  }

  @Test
  void badHomeNetIsAOneLineError() throws Exception {
    CliRun r = CliRun.run("db", "lookup", A, "--home-net", "10.0.0.0/33");
    assertEquals(1, r.exitCode, r.toString());
    assertEquals(1, r.err.strip().split("\n").length, r.err);
    assertTrue(r.err.startsWith("error: --home-net: address \"10.0.0.0/33\""), r.err);
    CliRun read = CliRun.run("read", "--home-net", "10.0.0.0/8,nonsense", "/nonexistent.pcap");
    assertEquals(2, read.exitCode, read.toString());
    assertTrue(read.err.contains("--home-net: address \"nonsense\""), read.err);
    assertTrue(!read.err.contains("nonexistent"), "nothing read first: " + read.err);
  }
}
