package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.ja3sensor.Tshark;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * network.community_id against an independent implementation: tshark's Community ID dissector
 * ({@code --enable-protocol communityid}), on every sample capture (IPv4 and IPv6 flows).
 */
class CommunityIdTest {

  @Test
  void orderOfEndpointsDoesNotMatter() {
    byte[] a = {10, 0, 0, 1};
    byte[] b = {10, 0, 0, 2};
    String ab = CommunityId.v1(0, a, 40000, b, 443, CommunityId.TCP);
    assertEquals(ab, CommunityId.v1(0, b, 443, a, 40000, CommunityId.TCP));
    assertFalse(ab.equals(CommunityId.v1(1, a, 40000, b, 443, CommunityId.TCP)), "the seed counts");
  }

  @TestFactory
  Stream<DynamicTest> sameAsTsharkOnEverySample() throws IOException {
    assumeTrue(Tshark.available(), "tshark is not installed");
    Path dir = Path.of(System.getProperty("ja3sensor.repoRoot", ".")).resolve("samples");
    List<Path> pcaps;
    try (Stream<Path> s = Files.list(dir)) {
      pcaps = s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
    }
    assumeTrue(!pcaps.isEmpty(), "no samples");
    return pcaps.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
      Set<String> ours = new TreeSet<>();
      for (JsonNode e : CliRun.run("read", "-q", "--no-db", p.toString()).events()) {
        ours.add(CliRun.text(e, "network.community_id"));
      }
      Set<String> theirs = new TreeSet<>(tshark(p));
      assertFalse(ours.isEmpty());
      assertEquals(theirs, ours, p.toString());
    }));
  }


  private static List<String> tshark(Path pcap) throws IOException, InterruptedException {
    Process pr = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(), "--enable-protocol",
        "communityid", "-Y", "tcp", "-T", "fields", "-e", "communityid")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertEquals(0, pr.waitFor());
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  /** The overload for addresses held as longs hashes what the byte form does. */
  @org.junit.jupiter.api.Test
  void addressesAsLongsHashAsBytes() {
    java.util.Random r = new java.util.Random(5);
    for (int k = 0; k < 2000; k++) {
      boolean v4 = r.nextBoolean();
      long aHi = v4 ? 0 : r.nextLong();
      long aLo = v4 ? 0x0000ffff00000000L | (r.nextInt() & 0xffffffffL) : r.nextLong();
      long bHi = v4 ? 0 : r.nextLong();
      long bLo = v4 ? 0x0000ffff00000000L | (r.nextInt() & 0xffffffffL) : r.nextLong();
      if (k % 10 == 0) { // the same address both ways: the ports decide the order
        bHi = aHi;
        bLo = aLo;
      }
      int pa = r.nextInt(65536);
      int pb = r.nextInt(65536);
      int proto = r.nextBoolean() ? CommunityId.TCP : CommunityId.UDP;
      org.junit.jupiter.api.Assertions.assertEquals(
          CommunityId.v1(0, org.ja3sensor.decode.IpAddresses.toBytes(aHi, aLo, v4), pa,
              org.ja3sensor.decode.IpAddresses.toBytes(bHi, bLo, v4), pb, proto),
          CommunityId.v1(0, aHi, aLo, pa, bHi, bLo, pb, v4, proto));
    }
  }
}
