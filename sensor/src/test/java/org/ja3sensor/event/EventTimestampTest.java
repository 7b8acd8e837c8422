package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ja3sensor.Tshark;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code @timestamp} is the capture time of the packet that completes the connection's first
 * ClientHello: the frame tshark reports that hello at (samples/NAME.expected.tsv, made by tshark
 * with reassembly on), to the microsecond.
 */
class EventTimestampTest {

  @TestFactory
  Stream<DynamicTest> clientHelloTimeOnEverySample() throws IOException {
    Path dir = Path.of(System.getProperty("ja3sensor.repoRoot", ".")).resolve("samples");
    assumeTrue(Files.isDirectory(dir), "no samples");
    List<Path> pcaps;
    try (Stream<Path> s = Files.list(dir)) {
      pcaps = s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
    }
    return pcaps.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
  }

  private static void check(Path pcap) throws Exception {
    assumeTrue(Tshark.available(), "tshark is not installed");
    // First ClientHello frame per client port (ports are unique per connection in the samples,
    // except a reused 4-tuple, whose connections come in time order: keep them in order).
    Map<String, List<Integer>> helloFrames = new HashMap<>();
    Path tsv = Path.of(pcap.toString().replace(".pcap", ".expected.tsv"));
    Map<String, Integer> seenStream = new HashMap<>();
    for (String line : Files.readAllLines(tsv)) {
      if (line.startsWith("#") || line.startsWith("frame\t")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (!f[6].equals("ja3") || seenStream.containsKey(f[1])) {
        continue; // the first hello of each connection (tcp.stream) only
      }
      seenStream.put(f[1], 1);
      helloFrames.computeIfAbsent(f[3], k -> new java.util.ArrayList<>()).add(Integer.parseInt(f[0]));
    }
    Map<Integer, String> frameTimes = frameTimes(pcap);
    Map<String, Integer> used = new HashMap<>();
    for (JsonNode e : CliRun.run("read", "-q", "--no-db", pcap.toString()).events()) {
      String port = CliRun.text(e, "source.port");
      if (CliRun.text(e, "tls.client.ja3") == null) {
        continue;
      }
      int k = used.merge(port, 1, Integer::sum) - 1;
      Integer frame = helloFrames.get(port).get(k);
      String epoch = frameTimes.get(frame);
      assertNotNull(epoch, "frame " + frame);
      BigDecimal secs = new BigDecimal(epoch);
      long micros = secs.movePointRight(6).longValue();
      Instant t = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
      assertEquals(EventJson.timestamp(t.getEpochSecond() * 1_000_000_000L + t.getNano()),
          CliRun.text(e, "@timestamp"), pcap + " port " + port + " frame " + frame);
    }
  }

  private static Map<Integer, String> frameTimes(Path pcap) throws IOException, InterruptedException {
    Process pr = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(), "-T", "fields",
        "-e", "frame.number", "-e", "frame.time_epoch")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertEquals(0, pr.waitFor());
    Map<Integer, String> m = new HashMap<>();
    for (String l : out.split("\n")) {
      String[] f = l.split("\t");
      if (f.length == 2) {
        m.put(Integer.parseInt(f[0].trim()), f[1].trim());
      }
    }
    return m;
  }

}
