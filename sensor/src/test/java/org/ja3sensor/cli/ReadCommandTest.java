package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code read} command as a user meets it: outputs, exit codes, errors, bad input. */
class ReadCommandTest {
  static Path samples() {
    return Path.of(System.getProperty("ja3sensor.repoRoot", ".")).resolve("samples").normalize();
  }

  static Path sample(String name) {
    return samples().resolve(name);
  }

  @TempDir Path tmp;

  @Test
  void readsASampleAndPrintsASummary() {
    CliRun r = CliRun.run("read", sample("curl-multi.pcap").toString());
    assertEquals(0, r.exitCode, r.toString());
    List<JsonNode> events = r.events();
    assertEquals(4, events.size());
    for (JsonNode e : events) {
      assertEquals("ja3sensor.tls", CliRun.text(e, "event.dataset"));
      assertEquals(sample("curl-multi.pcap").toString(), CliRun.text(e, "log.file.path"));
      assertTrue(CliRun.text(e, "@timestamp").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"));
      assertTrue(CliRun.text(e, "network.community_id").startsWith("1:"));
    }
    assertTrue(r.err.contains("events     4"), r.err);
    assertTrue(r.err.contains("flows      4"), r.err);
    assertTrue(r.err.contains("hellos     4 client, 4 server"), r.err);
    CliRun quiet = CliRun.run("read", "-q", sample("curl-multi.pcap").toString());
    assertEquals("", quiet.err);
    assertEquals(CliRun.withoutRunFields(r.out), CliRun.withoutRunFields(quiet.out));
  }

  @Test
  void aBrokenDatabaseStopsTheReadBeforeAnyEventWithItsFileAndLine() throws Exception {
    // The database loads on the emitter thread while packets are read: its failure must still
    // give exit 2, the file and line, and no event.
    Path db = tmp.resolve("db");
    Files.createDirectories(db);
    Files.writeString(db.resolve("bad.csv"),
        "id,type,value,label,disposition,confidence\nx,ja3,xyz,Bad,alert,50\n");
    CliRun r = CliRun.run("read", "--db", db.toString(), sample("curl-multi.pcap").toString());
    assertEquals(2, r.exitCode, r.toString());
    assertEquals("", r.out);
    assertTrue(r.err.contains(db.resolve("bad.csv") + ":2: column \"value\""), r.err);
    assertFalse(r.err.contains("summary"), r.err);

    CliRun both = CliRun.run("read", "--no-db", "--db", db.toString(), sample("curl-multi.pcap").toString());
    assertEquals(2, both.exitCode, both.toString());
    assertEquals("", both.out);
    assertEquals(1, both.err.lines().count(), both.err);
    assertTrue(both.err.contains("--no-db cannot be combined"), both.err);
  }

  /** What identifies an event apart from the file it names: time, flow, fingerprints, trigger. */
  static List<String> handshakes(List<JsonNode> events) {
    return events.stream()
        .map(e -> String.join(" ", CliRun.text(e, "@timestamp"),
            CliRun.text(e, "network.community_id"), CliRun.text(e, "tls.client.ja3"),
            CliRun.text(e, "tls.server.ja3s"), CliRun.text(e, "ja3sensor.trigger")))
        .sorted()
        .toList();
  }

  @Test
  void aRotatedCaptureCutMidHandshakeGivesTheEventsOfTheWholeCapture() throws Exception {
    // tcpdump -C/-G rotation: each file starts at or after the last packet of the one before, so
    // flows continue into the next file. Five packets per file cut every handshake of the sample
    // between its ClientHello (packet 4) and its ServerHello (packet 6).
    Path whole = sample("curl-multi.pcap");
    Process p = new ProcessBuilder("editcap", "-c", "5", whole.toString(),
        tmp.resolve("part.pcap").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "editcap: " + out);
    List<String> parts;
    try (var s = Files.list(tmp)) {
      parts = s.map(Path::toString).filter(n -> n.contains("part_")).sorted().toList();
    }
    assertTrue(parts.size() >= 3, parts.toString());
    String[] args = new String[parts.size() + 2];
    args[0] = "read";
    args[1] = "-q";
    for (int i = 0; i < parts.size(); i++) {
      args[i + 2] = parts.get(i);
    }
    CliRun rotated = CliRun.run(args);
    CliRun one = CliRun.run("read", "-q", whole.toString());
    assertEquals(0, rotated.exitCode, rotated.toString());
    List<String> want = handshakes(one.events());
    assertEquals(4, want.size());
    assertTrue(want.stream().allMatch(h -> h.endsWith(" server_hello")), want.toString());
    assertEquals(want, handshakes(rotated.events()));
  }

  @Test
  void theSameCaptureGivenTwiceGivesItsEventsTwice() {
    // The second file starts before the first one's last packet: a capture of its own (a copy,
    // a second tap), so the first file's flows are finished and the second starts afresh.
    String f = sample("curl-multi.pcap").toString();
    CliRun once = CliRun.run("read", "-q", f);
    CliRun twice = CliRun.run("read", "-q", f, f);
    assertEquals(0, twice.exitCode, twice.toString());
    List<String> want = new java.util.ArrayList<>(handshakes(once.events()));
    want.addAll(handshakes(once.events()));
    java.util.Collections.sort(want);
    assertEquals(want, handshakes(twice.events()));
    CliRun summary = CliRun.run("read", f, f);
    assertTrue(summary.err.contains("events     8"), summary.err);
  }

  @Test
  void severalFilesInOneCall() {
    CliRun both = CliRun.run("read", "-q", sample("curl-tls12.pcap").toString(), sample("gnutls-cli.pcap").toString());
    CliRun a = CliRun.run("read", "-q", sample("curl-tls12.pcap").toString());
    CliRun b = CliRun.run("read", "-q", sample("gnutls-cli.pcap").toString());
    assertEquals(0, both.exitCode);
    assertEquals(a.events().size() + b.events().size(), both.events().size());
    assertTrue(both.out.contains("curl-tls12.pcap") && both.out.contains("gnutls-cli.pcap"));
  }

  @Test
  void truncatedFileKeepsTheEventsBeforeTheCutAndFailsWithOneLine() throws Exception {
    byte[] full = Files.readAllBytes(sample("curl-multi.pcap"));
    CliRun whole = CliRun.run("read", "-q", sample("curl-multi.pcap").toString());
    Path cut = tmp.resolve("cut.pcap");
    Files.write(cut, Arrays.copyOf(full, full.length - 37)); // ends inside the last record
    CliRun r = CliRun.run("read", cut.toString());
    assertEquals(1, r.exitCode, r.toString());
    String firstLine = r.err.lines().findFirst().orElse("");
    assertTrue(firstLine.startsWith("ja3sensor: " + cut), firstLine);
    assertTrue(firstLine.matches(".*byte offset \\d+.*"), firstLine);
    // Every handshake completed before the cut is still reported, identically.
    assertEquals(whole.events().size(), r.events().size());
    assertEquals(CliRun.withoutRunFields(whole.out), CliRun.withoutRunFields(
        r.out.replace(cut.toString(), sample("curl-multi.pcap").toString())));
  }

  @Test
  void wrongMagicMissingFileAndEmptyFileAreOneLineErrors() throws Exception {
    Path junk = tmp.resolve("junk.pcap");
    Files.writeString(junk, "this is not a capture file at all\n");
    Path empty = tmp.resolve("empty.pcap");
    Files.write(empty, new byte[0]);
    for (Path p : List.of(junk, empty, tmp.resolve("missing.pcap"))) {
      CliRun r = CliRun.run("read", "-q", p.toString());
      assertEquals(1, r.exitCode, p + ": " + r);
      assertEquals(1, r.err.lines().count(), r.err);
      assertTrue(r.err.startsWith("ja3sensor: " + p), r.err);
      assertEquals("", r.out);
    }
  }

  @Test
  void aBadFileAmongGoodOnesDoesNotLoseTheOthers() throws Exception {
    Path junk = tmp.resolve("junk.pcap");
    Files.writeString(junk, "garbage garbage garbage");
    CliRun r = CliRun.run("read", "-q", sample("curl-tls12.pcap").toString(), junk.toString(), sample("gnutls-cli.pcap").toString());
    assertEquals(1, r.exitCode);
    assertEquals(2, r.events().size());
  }

  @Test
  void badFlagsAreOneLineUsageErrors() {
    CliRun r = CliRun.run("read", "--max-flows", "zero", sample("curl-tls12.pcap").toString());
    assertEquals(2, r.exitCode);
    assertEquals(1, r.err.lines().count(), r.err);
    assertTrue(r.err.contains("--max-flows"), r.err);
    CliRun r2 = CliRun.run("read", "--max-flows", "0", sample("curl-tls12.pcap").toString());
    assertEquals(2, r2.exitCode);
    assertTrue(r2.err.contains("--max-flows must be at least 1"), r2.err);
    CliRun r3 = CliRun.run("read");
    assertEquals(2, r3.exitCode);
    assertEquals(1, r3.err.lines().count(), r3.err);
    CliRun r4 = CliRun.run("frobnicate");
    assertEquals(2, r4.exitCode);
  }

  @Test
  void helpExplainsItself() {
    CliRun r = CliRun.run("read", "--help");
    assertEquals(0, r.exitCode);
    assertTrue(r.out.contains("Fingerprint the TLS handshakes"), r.out);
    assertTrue(r.out.contains("--max-flows"), r.out);
    assertTrue(r.out.contains("Exit status"), r.out);
    CliRun top = CliRun.run("--help");
    assertTrue(top.out.contains("read"), top.out);
  }

  @Test
  void readsStandardInput() throws Exception {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream(Files.readAllBytes(sample("curl-multi.pcap"))));
      CliRun r = CliRun.run("read", "-q", "-");
      assertEquals(0, r.exitCode, r.toString());
      assertEquals(4, r.events().size());
      assertEquals("-", CliRun.text(r.events().get(0), "log.file.path"));
    } finally {
      System.setIn(saved);
    }
  }

  /**
   * Hostile input end to end: thousands of randomly damaged captures. The command must always
   * end, with status 0 (the damage only produced anomalies) or 1 (the file became unreadable),
   * and every line it printed must be a complete JSON event.
   */
  @Test
  void damagedCapturesNeverCrashTheReader() throws Exception {
    Random rnd = new Random(20261123);
    List<Path> inputs = List.of(sample("chromium.pcap"), sample("curl-multi.pcap"), sample("openssl-hrr.pcap"));
    int exits0 = 0;
    int exits1 = 0;
    for (int i = 0; i < 600; i++) {
      byte[] data = Files.readAllBytes(inputs.get(i % inputs.size()));
      int flips = 1 + rnd.nextInt(i % 10 == 0 ? 200 : 8);
      for (int k = 0; k < flips; k++) {
        int pos = 24 + rnd.nextInt(data.length - 24); // keep the file header: damage the packets
        data[pos] = (byte) rnd.nextInt(256);
      }
      if (rnd.nextInt(4) == 0) {
        data = Arrays.copyOf(data, 24 + rnd.nextInt(data.length - 24));
      }
      Path p = tmp.resolve("damaged.pcap");
      Files.write(p, data);
      CliRun r = CliRun.run("read", "-q", p.toString());
      assertTrue(r.exitCode == 0 || r.exitCode == 1, "case " + i + ": " + r);
      if (r.exitCode == 0) {
        exits0++;
      } else {
        exits1++;
        assertTrue(r.err.startsWith("ja3sensor: " + p) && r.err.lines().count() == 1, r.err);
      }
      r.events(); // every line parses
    }
    assertTrue(exits0 > 50 && exits1 > 50, "both outcomes exercised: " + exits0 + "/" + exits1);
  }

  @Test
  void unreadableOptionValuesNameTheOption() {
    CliRun r = CliRun.run("read", "--idle-timeout", "-5", sample("curl-tls12.pcap").toString());
    assertEquals(2, r.exitCode);
    assertTrue(r.err.contains("--idle-timeout"), r.err);
    assertFalse(r.err.contains("Exception"), r.err);
  }
}
