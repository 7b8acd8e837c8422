package org.ja3sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ja3sensor.cli.Main;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Golden test over the captures in {@code samples/} (recorded here from real TLS clients by
 * samples/record.sh). The expectations in {@code samples/<name>.expected.tsv} come from tshark, not
 * from this project: for every TCP connection (tshark's tcp.stream) the first ClientHello's JA3 and
 * the first ServerHello's JA3S. {@code read} must print exactly one event per such connection with
 * those values, and nothing else. The JA3N and JA4 rows of the same files are computed from
 * tshark's dissected ClientHello fields by {@code samples/ja4_expected.py} (an independent route:
 * tshark 4.0 has no JA4), and chromium.pcap's connections, whose JA3s differ, must share one JA3N
 * and one JA4.
 *
 * <p>The captures in {@code samples/quic/} (samples/quic/record.sh: Netty's QUIC codec as client
 * and server, with and without Retry, and headless Chromium over HTTP/3, whose post-quantum
 * ClientHello spans two Initials with shuffled CRYPTO frames) are checked the same way, one event
 * per QUIC connection (tshark's udp.stream), with the hellos tshark decrypts from the Initials; their
 * events must say {@code network.transport: udp}, {@code network.protocol: quic} and carry a JA4
 * with transport letter {@code q}.
 */
class SamplesGoldenTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String HEADER =
      "frame\tstream\tclient_ip\tclient_port\tserver_ip\tserver_port\tkind\tfingerprint_string\tfingerprint_md5";
  /** record.sh writes 11 samples; fewer files means the directory is not what we think. */
  private static final int MIN_SAMPLES = 11;
  /** quic/record.sh writes 4. */
  private static final int MIN_QUIC_SAMPLES = 4;

  /** What one event says about one connection; null where the hello is absent. */
  record Handshake(
      String clientIp, int clientPort, String serverIp, int serverPort,
      String ja3String, String ja3, String ja3sString, String ja3s,
      String ja3nString, String ja3n, String ja4r, String ja4) {

    @Override
    public String toString() {
      return clientIp + "." + clientPort + " -> " + serverIp + "." + serverPort
          + "\n    ja3  " + ja3 + " " + ja3String
          + "\n    ja3s " + ja3s + " " + ja3sString
          + "\n    ja3n " + ja3n + " " + ja3nString
          + "\n    ja4  " + ja4 + " " + ja4r;
    }
  }

  static Path samplesDir() {
    return Path.of(System.getProperty("ja3sensor.repoRoot", ".")).resolve("samples").normalize();
  }

  @TestFactory
  Stream<DynamicTest> everySample() throws IOException {
    return samples(samplesDir(), MIN_SAMPLES, false);
  }

  @TestFactory
  Stream<DynamicTest> everyQuicSample() throws IOException {
    return samples(samplesDir().resolve("quic"), MIN_QUIC_SAMPLES, true);
  }

  private static Stream<DynamicTest> samples(Path dir, int min, boolean quic) throws IOException {
    List<Path> pcaps;
    try (Stream<Path> s = Files.list(dir)) {
      pcaps = s.filter(p -> p.getFileName().toString().endsWith(".pcap")).sorted().toList();
    }
    assertTrue(pcaps.size() >= min,
        "expected at least " + min + " captures in " + dir + ", found " + pcaps.size());
    return pcaps.stream()
        .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p, quic)));
  }

  /**
   * Chromium permutes its extensions per connection: the connections of chromium.pcap have
   * different JA3s, one JA3N and one JA4 (by tshark's fields, and in our events).
   */
  @org.junit.jupiter.api.Test
  void chromiumConnectionsShareJa3nAndJa4() throws IOException {
    for (String name : List.of("chromium")) {
      Path pcap = samplesDir().resolve(name + ".pcap");
      List<Handshake> expected = readExpectations(pcap.resolveSibling(name + ".expected.tsv"));
      assertTrue(expected.size() >= 2, name + ": connections " + expected.size());
      assertEquals(expected.size(), expected.stream().map(Handshake::ja3).distinct().count(),
          name + ": every connection its own JA3");
      assertEquals(1, expected.stream().map(Handshake::ja3n).distinct().count(), name + ": JA3N");
      assertEquals(1, expected.stream().map(Handshake::ja4).distinct().count(), name + ": JA4");
      check(pcap, false); // and read gives the same values
    }
  }

  private static void check(Path pcap, boolean quic) throws IOException {
    String name = pcap.getFileName().toString().replaceFirst("\\.pcap$", "");
    Path tsv = pcap.resolveSibling(name + ".expected.tsv");
    assertTrue(Files.isRegularFile(tsv), "no expectations " + tsv + " for " + pcap);
    List<Handshake> expected = sorted(readExpectations(tsv));
    assertTrue(!expected.isEmpty(), tsv + " lists no ClientHello");

    CommandLine cl = Main.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute("read", pcap.toString());
    assertEquals(0, exit, name + ": exit status of read; stderr:\n" + err);

    List<Handshake> actual = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        JsonNode e = MAPPER.readTree(line);
        actual.add(fromEvent(e));
        if (quic) {
          assertEquals("udp", text(e, "network.transport"), name + ": " + line);
          assertEquals("quic", text(e, "network.protocol"), name + ": " + line);
          assertTrue(text(e, "tls.client.ja4").startsWith("q"), name + ": JA4 of " + line);
        }
      }
    }
    assertEquals(listing(expected), listing(sorted(actual)),
        name + ": events of read (right) vs. tshark's connections (left); stderr:\n" + err);
  }

  /** One Handshake per tcp.stream: its first ClientHello and first ServerHello by frame number. */
  static List<Handshake> readExpectations(Path tsv) throws IOException {
    Map<Integer, List<String[]>> byStream = new TreeMap<>();
    boolean headerSeen = false;
    for (String line : Files.readAllLines(tsv)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      if (!headerSeen) {
        assertEquals(HEADER, line, tsv + ": column header");
        headerSeen = true;
        continue;
      }
      String[] f = line.split("\t", -1);
      assertEquals(9, f.length, tsv + ": columns in row " + line);
      byStream.computeIfAbsent(Integer.parseInt(f[1]), k -> new ArrayList<>()).add(f);
    }
    assertTrue(headerSeen, tsv + ": no column header");
    List<Handshake> result = new ArrayList<>();
    for (List<String[]> rows : byStream.values()) {
      rows.sort(Comparator.comparingInt(r -> Integer.parseInt(r[0])));
      String[] ch = first(rows, "ja3");
      String[] sh = first(rows, "ja3s");
      String[] n = first(rows, "ja3n");
      String[] j = first(rows, "ja4");
      assertEquals(ch == null, n == null, tsv + ": a ja3n row for each first ClientHello");
      assertEquals(ch == null, j == null, tsv + ": a ja4 row for each first ClientHello");
      String[] tuple = ch != null ? ch : sh;
      result.add(new Handshake(
          canonicalIp(tuple[2]), Integer.parseInt(tuple[3]), canonicalIp(tuple[4]), Integer.parseInt(tuple[5]),
          ch != null ? ch[7] : null, ch != null ? ch[8] : null,
          sh != null ? sh[7] : null, sh != null ? sh[8] : null,
          n != null ? n[7] : null, n != null ? n[8] : null,
          j != null ? j[7] : null, j != null ? j[8] : null));
    }
    return result;
  }

  private static String[] first(List<String[]> rows, String kind) {
    return rows.stream().filter(r -> r[6].equals(kind)).findFirst().orElse(null);
  }

  static Handshake fromEvent(JsonNode e) {
    return new Handshake(
        canonicalIp(text(e, "source.ip")), port(e, "source.port"),
        canonicalIp(text(e, "destination.ip")), port(e, "destination.port"),
        text(e, "tls.client.ja3_string"), text(e, "tls.client.ja3"),
        text(e, "tls.server.ja3s_string"), text(e, "tls.server.ja3s"),
        text(e, "tls.client.ja3n_string"), text(e, "tls.client.ja3n"),
        text(e, "tls.client.ja4_r"), text(e, "tls.client.ja4"));
  }

  private static String text(JsonNode event, String dottedPath) {
    JsonNode n = event;
    for (String part : dottedPath.split("\\.")) {
      n = n.get(part);
      if (n == null || n.isNull()) {
        return null;
      }
    }
    return n.asText();
  }

  private static int port(JsonNode event, String dottedPath) {
    String s = text(event, dottedPath);
    return s == null ? -1 : Integer.parseInt(s);
  }

  /** The same address spelled the same way ("::1" and "0:0:0:0:0:0:0:1" are one address). */
  private static String canonicalIp(String ip) {
    if (ip == null || !ip.matches("[0-9A-Fa-f:.]+")) {
      return ip; // not a literal: compare as is (and never resolve a name)
    }
    try {
      return InetAddress.getByName(ip).getHostAddress();
    } catch (UnknownHostException e) {
      return ip;
    }
  }

  private static List<Handshake> sorted(List<Handshake> list) {
    List<Handshake> copy = new ArrayList<>(list);
    copy.sort(Comparator.comparing(Handshake::toString));
    return copy;
  }

  /** One line per handshake, so that a failure shows a readable diff. */
  private static String listing(List<Handshake> list) {
    StringBuilder sb = new StringBuilder();
    for (Handshake h : list) {
      sb.append(h).append('\n');
    }
    return sb.toString();
  }
}
