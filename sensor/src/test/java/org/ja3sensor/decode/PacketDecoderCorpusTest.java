package org.ja3sensor.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * The decoder reaches every TCP flow of the shared acceptance corpus ({@code
 * <repoRoot>/../shared/corpus}, see its README): each (client, server) 4-tuple that {@code
 * expected.tsv} lists with transport {@code tcp} comes out of at least one decoded segment of its
 * file. Frames are read with pcap4j/libpcap, independent of the team's own reader.
 */
class PacketDecoderCorpusTest {

  @Test
  void everyExpectedTcpFlowIsDecoded() throws Exception {
    Path corpus = Path.of(System.getProperty("ja3sensor.repoRoot", "."))
        .resolve("../shared/corpus").toAbsolutePath().normalize();
    assumeTrue(Files.isRegularFile(corpus.resolve("expected.tsv")), "no corpus at " + corpus);

    Map<String, Set<String>> expected = expectedTcpFlows(corpus.resolve("expected.tsv"));
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files = s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
          .sorted().toList();
    }
    assertTrue(files.size() >= 80, "capture files found: " + files.size());

    Counters counters = new Counters();
    PacketDecoder decoder = new PacketDecoder(counters);
    DecodedPacket out = new DecodedPacket();
    List<String> missing = new ArrayList<>();
    long frames = 0;
    for (Path file : files) {
      String name = corpus.relativize(file).toString().replace('\\', '/');
      Set<String> seen = new HashSet<>();
      frames += decodeFile(file, decoder, out, seen);
      for (String flow : expected.getOrDefault(name, Set.of())) {
        if (!seen.contains(flow)) {
          missing.add(name + " " + flow);
        }
      }
    }
    for (String name : expected.keySet()) {
      if (!Files.isRegularFile(corpus.resolve(name))) {
        missing.add(name + " (file missing)");
      }
    }
    System.out.printf("corpus: %d files, %d frames, %d TCP, %d other, anomalies %s%n",
        files.size(), frames, counters.tcpPackets, counters.otherPackets, anomalies(counters));
    assertEquals(List.of(), missing, "expected TCP flows never decoded");
    assertEquals(frames, counters.tcpPackets + counters.quicPackets + counters.otherPackets
        + counters.totalAnomalies()
        - counters.get(Anomaly.TCP_PAYLOAD_TRUNCATED), "one outcome per frame");
    assertTrue(expected.size() >= 60, "files with TCP flows in expected.tsv: " + expected.size());
  }

  /** Decodes every frame; adds "client_ip client_port server_ip server_port" both ways. */
  private static long decodeFile(Path file, PacketDecoder decoder, DecodedPacket out,
      Set<String> seen) throws Exception {
    long n = 0;
    PcapHandle h = Pcaps.openOffline(file.toString());
    try {
      int dlt = h.getDlt().value();
      while (true) {
        byte[] frame;
        try {
          frame = h.getNextRawPacketEx();
        } catch (EOFException eof) {
          break;
        }
        n++;
        if (decoder.decode(dlt, frame, 0, frame.length, out)) {
          String src = IpAddresses.format(out.srcHi, out.srcLo);
          String dst = IpAddresses.format(out.dstHi, out.dstLo);
          seen.add(src + " " + out.srcPort + " " + dst + " " + out.dstPort);
          seen.add(dst + " " + out.dstPort + " " + src + " " + out.srcPort);
        }
      }
    } finally {
      h.close();
    }
    return n;
  }

  private static Map<String, Set<String>> expectedTcpFlows(Path tsv) throws IOException {
    Map<String, Set<String>> flows = new TreeMap<>();
    List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split("\t", -1);
      if (c.length > 6 && c[6].equals("tcp")) {
        flows.computeIfAbsent(c[0], k -> new HashSet<>())
            .add(c[2] + " " + c[3] + " " + c[4] + " " + c[5]);
      }
    }
    return flows;
  }

  private static String anomalies(Counters c) {
    StringBuilder sb = new StringBuilder("{");
    for (Anomaly a : Anomaly.values()) {
      if (c.get(a) > 0) {
        sb.append(sb.length() > 1 ? ", " : "").append(a.label()).append('=').append(c.get(a));
      }
    }
    return sb.append('}').toString();
  }
}
