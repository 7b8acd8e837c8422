package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read} of generated hostile captures ({@link HostileCaptures}) in a JVM of its own with a
 * 64 MiB heap and the default (heap-sized) bounds: many flows each holding one-byte out-of-order
 * segments, a SYN flood, many one-datagram QUIC-looking flows. Each ends normally, with its
 * summary and its evictions counted, never with an {@code OutOfMemoryError}; and a {@code
 * --max-flows} that cannot fit in that heap is refused at start-up with one line.
 */
class HostileHeapTest {
  private static final Pattern ANOMALY = Pattern.compile("^ {4}([a-z0-9_]+) +(\\d+)$");

  @TempDir Path tmp;

  @Test
  void outOfOrderFlowsEvictNeverRunOutOfHeap() throws Exception {
    Path f = tmp.resolve("ooo.pcap");
    HostileCaptures.write(f, "ooo", 20_000, 16);
    Run r = read(f);
    assertTrue(r.err.contains("packets    " + 20_000 * 17), r.err);
    assertTrue(r.anomaly("flow_table_full") > 0, r.err);
  }

  @Test
  void synFloodEvictsNeverRunsOutOfHeap() throws Exception {
    Path f = tmp.resolve("syn.pcap");
    HostileCaptures.write(f, "syn", 200_000, 0);
    Run r = read(f);
    assertTrue(r.err.contains("packets    200000"), r.err);
    assertTrue(r.anomaly("flow_table_full") > 150_000, r.err);
  }

  @Test
  void quicLookingFlowsEvictNeverRunOutOfHeap() throws Exception {
    Path f = tmp.resolve("udp.pcap");
    HostileCaptures.write(f, "udp", 100_000, 0);
    Run r = read(f);
    assertTrue(r.err.contains("100000 QUIC"), r.err);
    assertTrue(r.anomaly("flow_table_full") > 50_000, r.err);
    assertEquals(100_000, r.anomaly("quic_tag_failure"), r.err);
  }

  @Test
  void maxFlowsThatCannotFitIsRefused() throws Exception {
    Path f = tmp.resolve("syn.pcap");
    HostileCaptures.write(f, "syn", 10, 0);
    Run r = run(f, "--max-flows", "500000");
    assertEquals(2, r.exit, r.err);
    String first = r.err.lines().findFirst().orElse("");
    assertTrue(first.contains("--max-flows 500000 need about ") && first.contains("-Xmx"), r.err);
    assertFalse(r.err.contains("summary"), r.err);
  }

  private Run read(Path capture) throws Exception {
    Run r = run(capture);
    assertFalse(r.err.contains("OutOfMemoryError"), r.err);
    assertEquals(0, r.exit, r.err);
    assertTrue(r.err.contains("ja3sensor summary"), r.err);
    return r;
  }

  private Run run(Path capture, String... extra) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "read"));
    cmd.addAll(List.of(extra));
    cmd.add(capture.toString());
    Path err = tmp.resolve("err.txt");
    Process p = new ProcessBuilder(cmd)
        .redirectOutput(tmp.resolve("out.txt").toFile())
        .redirectError(err.toFile())
        .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "read did not end");
    return new Run(p.exitValue(), Files.readString(err));
  }

  private record Run(int exit, String err) {
    long anomaly(String label) {
      for (String line : err.split("\n")) {
        Matcher m = ANOMALY.matcher(line);
        if (m.matches() && m.group(1).equals(label)) {
          return Long.parseLong(m.group(2));
        }
      }
      return 0;
    }
  }
}
