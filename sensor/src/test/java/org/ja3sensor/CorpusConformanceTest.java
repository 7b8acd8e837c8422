package org.ja3sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The acceptance bar: {@code read} over every capture of the external conformance corpus
 * ({@code ../shared/corpus}, values from tshark and upstream projects, see its README.md).
 *
 * <p>For each file and each TCP or QUIC flow with ja3/ja3s rows: the first value we emit equals the first
 * expected one (tshark rows in frame order; upstream rows where tshark has none; tshark strings with
 * fewer fields than the fingerprint has are not expectations), and every value we emit is among the
 * expected ones for that flow. And no fingerprint is emitted that the manifest does not list for
 * that file.
 */
class CorpusConformanceTest {

  static Path corpusDir() {
    Path root = Path.of(System.getProperty("ja3sensor.repoRoot", "."));
    return root.resolve("../shared/corpus").normalize();
  }

  /** One expectation row. */
  record Row(String file, String kind, String flow, String string, String hash, boolean tshark, int frame) {}

  static List<Row> readManifest(Path tsv) throws IOException {
    List<String> lines = Files.readAllLines(tsv);
    String[] header = lines.get(0).split("\t", -1);
    Map<String, Integer> col = new LinkedHashMap<>();
    for (int i = 0; i < header.length; i++) {
      col.put(header[i], i);
    }
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      String kind = f[col.get("kind")];
      String transport = f[col.get("transport")];
      // QUIC rows (TLS in Initial CRYPTO frames) follow the same rule as TCP; see docs/quic.md
      boolean tcpOrQuic = transport.equals("tcp") || transport.equals("quic");
      if (!tcpOrQuic || !(kind.equals("ja3") || kind.equals("ja3s"))) {
        continue;
      }
      String flow = f[col.get("client_ip")] + "|" + f[col.get("client_port")] + "|"
          + f[col.get("server_ip")] + "|" + f[col.get("server_port")];
      String source = f[col.get("source_of_expectation")];
      String notes = f[col.get("notes")];
      int frame = Integer.MAX_VALUE;
      if (notes.startsWith("frame=")) {
        String n = notes.substring(6).split("[;\\s]", 2)[0];
        try {
          frame = Integer.parseInt(n);
        } catch (NumberFormatException ignored) {
          // no frame number
        }
      }
      rows.add(new Row(f[col.get("file")], kind, flow, f[col.get("fingerprint_string")],
          f[col.get("fingerprint_hash")], source.startsWith("tshark"), frame));
    }
    return rows;
  }

  /** Expected values per flow and kind, in order: tshark rows by frame, else upstream rows. */
  static Map<String, List<Row>> expectations(List<Row> rowsOfFile) {
    Map<String, List<Row>> tshark = new TreeMap<>();
    Map<String, List<Row>> upstream = new TreeMap<>();
    for (Row r : rowsOfFile) {
      if (r.hash().isEmpty()) {
        continue; // partial upstream value (prefix of a string), not an expectation
      }
      String key = r.kind() + " " + r.flow();
      if (r.tshark()) {
        int fields = r.string().split(",", -1).length;
        int wanted = r.kind().equals("ja3") ? 5 : 3;
        if (fields < wanted) {
          continue;
        }
        tshark.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      } else {
        upstream.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, List<Row>> result = new TreeMap<>(upstream);
    for (Map.Entry<String, List<Row>> e : tshark.entrySet()) {
      List<Row> l = new ArrayList<>(e.getValue());
      l.sort((a, b) -> Integer.compare(a.frame(), b.frame()));
      result.put(e.getKey(), l);
    }
    return result;
  }

  @TestFactory
  Stream<DynamicTest> everyCorpusCapture() throws IOException {
    Path dir = corpusDir();
    Path tsv = dir.resolve("expected.tsv");
    assumeTrue(Files.isRegularFile(tsv),
        "conformance corpus not found at " + dir + " (it sits beside the repository in CI): skipped");
    List<Row> rows = readManifest(tsv);
    List<Path> captures;
    try (Stream<Path> s = Files.walk(dir)) {
      captures = s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$")).sorted().toList();
    }
    assertTrue(captures.size() >= 89, "expected the 89 corpus captures, found " + captures.size());
    return captures.stream().map(p -> {
      String rel = dir.relativize(p).toString();
      List<Row> mine = rows.stream().filter(r -> r.file().equals(rel)).toList();
      return DynamicTest.dynamicTest(rel, () -> checkFile(p, rel, mine));
    });
  }

  private static void checkFile(Path capture, String rel, List<Row> rows) {
    CliRun run = CliRun.run("read", "--no-progress", capture.toString());
    assertEquals(0, run.exitCode, rel + ": " + run);
    Map<String, List<String>> emitted = new LinkedHashMap<>();
    Set<String> emittedAll = new HashSet<>();
    for (JsonNode e : run.events()) {
      String flow = CliRun.text(e, "source.ip") + "|" + CliRun.text(e, "source.port") + "|"
          + CliRun.text(e, "destination.ip") + "|" + CliRun.text(e, "destination.port");
      String ja3 = CliRun.text(e, "tls.client.ja3");
      String ja3s = CliRun.text(e, "tls.server.ja3s");
      if (ja3 != null) {
        emitted.computeIfAbsent("ja3 " + flow, k -> new ArrayList<>()).add(ja3);
        emittedAll.add("ja3 " + ja3);
        assertEquals(ja3, md5(CliRun.text(e, "tls.client.ja3_string")), rel + ": ja3 is the md5 of ja3_string");
      }
      if (ja3s != null) {
        emitted.computeIfAbsent("ja3s " + flow, k -> new ArrayList<>()).add(ja3s);
        emittedAll.add("ja3s " + ja3s);
        assertEquals(ja3s, md5(CliRun.text(e, "tls.server.ja3s_string")), rel + ": ja3s is the md5 of ja3s_string");
      }
    }
    Set<String> listed = new HashSet<>();
    for (Row r : rows) {
      listed.add(r.kind() + " " + r.hash());
    }
    List<String> problems = new ArrayList<>();
    for (String v : emittedAll) {
      if (!listed.contains(v)) {
        problems.add("emitted " + v + " which the manifest does not list for this file");
      }
    }
    Map<String, List<Row>> expected = expectations(rows);
    for (Map.Entry<String, List<Row>> e : expected.entrySet()) {
      List<String> got = emitted.getOrDefault(e.getKey(), List.of());
      Set<String> allowed = new HashSet<>();
      for (Row r : e.getValue()) {
        allowed.add(r.hash());
      }
      String first = e.getValue().get(0).hash();
      if (got.isEmpty()) {
        problems.add(e.getKey() + ": nothing emitted, expected " + first + " (" + e.getValue().get(0).string() + ")");
        continue;
      }
      if (!got.get(0).equals(first)) {
        problems.add(e.getKey() + ": first emitted " + got.get(0) + ", expected " + first + " (" + e.getValue().get(0).string() + ")");
      }
      for (String g : got) {
        if (!allowed.contains(g)) {
          problems.add(e.getKey() + ": emitted " + g + ", not among the expected " + allowed);
        }
      }
    }
    assertTrue(problems.isEmpty(), rel + ":\n  " + String.join("\n  ", problems) + "\n" + run.err);
  }

  private static String md5(String s) {
    if (s == null) {
      return null;
    }
    try {
      byte[] d = java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(String.format("%02x", b));
      }
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
