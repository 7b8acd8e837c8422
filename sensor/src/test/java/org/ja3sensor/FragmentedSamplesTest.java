package org.ja3sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ja3sensor.SamplesGoldenTest.Handshake;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Real handshakes in IP fragments ({@code samples/fragments}, made from the recorded samples by
 * {@code make.sh} with fragroute's rules in tcprewrite and {@code fragment.py}; see its README):
 * {@code read} must give the events of the unfragmented capture (tshark's values in its
 * {@code expected.tsv}), having reassembled datagrams, and the JA3/JA3S tshark computes on the
 * fragmented file itself. The two overlap captures show the first-wins policy: with fragroute's
 * "old" overlap the first data is the true data and the hello comes out whole; with "new" it is
 * the decoy, the ClientHello is lost (overlaps counted) and only the ServerHello is reported.
 */
class FragmentedSamplesTest {

  /** A fragmented capture, the sample it was made from, and what first-wins makes of it. */
  record Case(String file, String original, boolean clientHelloLost) {}

  static final List<Case> CASES = List.of(
      new Case("curl-tls13.frag64.pcap", "curl-tls13", false),
      new Case("curl-tls12.frag24-reverse.pcap", "curl-tls12", false),
      new Case("curl-ipv6.frag64-reverse.pcap", "curl-ipv6", false),
      new Case("curl-tls13.erspan-frag128.pcap", "curl-tls13", false),
      new Case("curl-tls13.frag24-overlap-old.pcap", "curl-tls13", false),
      new Case("curl-tls13.frag24-overlap-new.pcap", "curl-tls13", true));

  private static final Pattern FRAGMENTS =
      Pattern.compile("fragments +(\\d+) IP \\((\\d+) datagrams reassembled\\)");

  static Path dir() {
    return SamplesGoldenTest.samplesDir().resolve("fragments");
  }

  @TestFactory
  Stream<DynamicTest> sameEventsAsTheUnfragmentedCapture() throws IOException {
    try (Stream<Path> s = Files.list(dir())) {
      assertEquals(CASES.size(), s.filter(p -> p.toString().endsWith(".pcap")).count(),
          "captures in " + dir() + " vs. cases of this test");
    }
    return CASES.stream().map(c -> DynamicTest.dynamicTest(c.file(), () -> check(c)));
  }

  private static void check(Case c) throws IOException {
    Path pcap = dir().resolve(c.file());
    CliRun run = CliRun.run("read", "--no-progress", pcap.toString());
    assertEquals(0, run.exitCode, c.file() + ": " + run.err);
    Matcher m = FRAGMENTS.matcher(run.err);
    assertTrue(m.find(), c.file() + ": no fragment count in the summary:\n" + run.err);
    assertTrue(Long.parseLong(m.group(2)) >= 3,
        c.file() + ": datagrams reassembled " + m.group(2));
    boolean overlaps = c.file().contains("overlap");
    assertEquals(overlaps, run.err.contains("ip_fragment_overlap"),
        c.file() + ": overlap anomaly counted:\n" + run.err);

    List<Handshake> expected = SamplesGoldenTest.readExpectations(
        SamplesGoldenTest.samplesDir().resolve(c.original() + ".expected.tsv"));
    if (c.clientHelloLost()) {
      List<Handshake> serverOnly = new ArrayList<>();
      for (Handshake h : expected) {
        serverOnly.add(new Handshake(h.clientIp(), h.clientPort(), h.serverIp(), h.serverPort(),
            null, null, h.ja3sString(), h.ja3s(), null, null, null, null));
      }
      expected = serverOnly;
    }
    List<Handshake> actual = new ArrayList<>();
    for (JsonNode e : run.events()) {
      actual.add(SamplesGoldenTest.fromEvent(e));
    }
    assertEquals(listing(expected), listing(actual),
        c.file() + ": events (right) vs. the unfragmented capture's (left); stderr:\n" + run.err);
    if (!overlaps) {
      assertTrue(run.err.contains("anomalies  0"), c.file() + ": anomalies:\n" + run.err);
    }
  }

  /** tshark defragments too: where the fragments do not overlap, it must compute our values. */
  @TestFactory
  Stream<DynamicTest> sameJa3AsTsharkOnTheFragmentedFile() {
    return CASES.stream().filter(c -> !c.file().contains("overlap"))
        .map(c -> DynamicTest.dynamicTest(c.file(), () -> {
          assumeTrue(Tshark.available(), "tshark not installed");
          Path pcap = dir().resolve(c.file());
          Map<String, String> ours = new TreeMap<>();
          for (JsonNode e : CliRun.run("read", "--no-progress", pcap.toString()).events()) {
            String key = CliRun.text(e, "source.port") + ">" + CliRun.text(e, "destination.port");
            ours.put(key + " ja3", CliRun.text(e, "tls.client.ja3"));
            ours.put(key + " ja3s", CliRun.text(e, "tls.server.ja3s"));
          }
          assertEquals(tshark(pcap), ours, c.file() + ": tshark (left) vs. read (right)");
        }));
  }

  /** First ja3 and ja3s per connection ("clientport>serverport kind"), by tshark. */
  private static Map<String, String> tshark(Path pcap) throws Exception {
    Process p = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(),
        "-Y", "tls.handshake.type==1 || tls.handshake.type==2", "-T", "fields",
        "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tls.handshake.ja3",
        "-e", "tls.handshake.ja3s")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertEquals(0, p.waitFor(), "tshark exit status");
    Map<String, String> result = new TreeMap<>();
    for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
      String[] f = line.split("\t", -1);
      if (!f[2].isEmpty()) {
        result.putIfAbsent(f[0] + ">" + f[1] + " ja3", f[2]);
      }
      if (!f[3].isEmpty()) {
        result.putIfAbsent(f[1] + ">" + f[0] + " ja3s", f[3]);
      }
    }
    assertTrue(!result.isEmpty(), pcap + ": tshark found no hello");
    return result;
  }

  private static String listing(List<Handshake> list) {
    List<Handshake> copy = new ArrayList<>(list);
    copy.sort(Comparator.comparing(Handshake::toString));
    StringBuilder sb = new StringBuilder();
    for (Handshake h : copy) {
      sb.append(h).append('\n');
    }
    return sb.toString();
  }
}
