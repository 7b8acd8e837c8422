package org.ja3sensor.sink;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.ja3sensor.cli.Main;
import picocli.CommandLine;

/**
 * Benchmark (not a test): end-to-end {@code read} throughput with {@code --output stdout} (to a
 * discarding writer) versus {@code --output kafka} (to a local broker), in one JVM, best of
 * {@code --runs}. Run with scripts/bench-kafka.sh.
 *
 * <p>Usage: {@code ReadKafkaBenchmark [--pcap FILE] [--copies N] [--runs N] [--bootstrap B]}.
 * Without {@code --pcap} the capture is samples/*.pcap repeated {@code --copies} times with
 * timestamps shifted one hour per copy: handshakes only, the densest input for the sink.
 */
public final class ReadKafkaBenchmark {
  private ReadKafkaBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path pcap = null;
    int copies = 1000;
    int runs = 3;
    String bootstrap = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pcap" -> pcap = Path.of(args[++i]);
        case "--copies" -> copies = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--bootstrap" -> bootstrap = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    boolean made = pcap == null;
    if (made) {
      pcap = Files.createTempFile("ja3sensor-bench-samples", ".pcap");
      makeCapture(Path.of("samples"), copies, pcap);
    }
    KafkaBroker broker = null;
    if (bootstrap == null) {
      broker = KafkaBroker.startTemporary(KafkaBroker.fullJvmOptions());
      bootstrap = broker.bootstrap();
    }
    Path spool = Files.createTempDirectory("ja3sensor-bench-spool");
    try {
      long size = Files.size(pcap);
      System.out.printf(Locale.ROOT, "capture %s: %.1f MB%n", pcap, size / 1e6);
      run("warm-up stdout", pcap, List.of());
      run("warm-up kafka", pcap, kafkaArgs(bootstrap, "warmup", spool));
      double bestStdout = Double.MAX_VALUE;
      double bestKafka = Double.MAX_VALUE;
      String events = "";
      for (int r = 0; r < runs; r++) {
        bestStdout = Math.min(bestStdout, run("stdout", pcap, List.of())[0]);
        double[] k = run("kafka", pcap, kafkaArgs(bootstrap, "bench-read-" + r, spool));
        bestKafka = Math.min(bestKafka, k[0]);
        events = String.valueOf((long) k[1]);
      }
      long n = Long.parseLong(events);
      System.out.println();
      System.out.println("| output | events | best of " + runs + " s | events/s | MB/s of capture |");
      System.out.println("| --- | ---: | ---: | ---: | ---: |");
      System.out.printf(Locale.ROOT, "| stdout | %d | %.2f | %.0f | %.1f |%n",
          n, bestStdout, n / bestStdout, size / 1e6 / bestStdout);
      System.out.printf(Locale.ROOT, "| kafka | %d | %.2f | %.0f | %.1f |%n",
          n, bestKafka, n / bestKafka, size / 1e6 / bestKafka);
    } finally {
      if (broker != null) {
        broker.close();
      }
      if (made) {
        Files.deleteIfExists(pcap);
      }
    }
  }

  private static List<String> kafkaArgs(String bootstrap, String topic, Path spool) {
    return List.of("--output", "kafka", "--kafka-bootstrap", bootstrap, "--kafka-topic", topic,
        "--spool-dir", spool.toString(), "--kafka-close-timeout", "300");
  }

  /** Runs read in this JVM; returns {seconds, events}. */
  private static double[] run(String name, Path pcap, List<String> extra) {
    CommandLine cl = Main.newCommandLine();
    cl.setOut(new PrintWriter(Writer.nullWriter()));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    List<String> args = new ArrayList<>(List.of("read", pcap.toString()));
    args.addAll(extra);
    long t0 = System.nanoTime();
    int rc = cl.execute(args.toArray(String[]::new));
    double secs = (System.nanoTime() - t0) / 1e9;
    if (rc != 0) {
      throw new IllegalStateException(name + ": exit " + rc + ": " + err);
    }
    long events = 0;
    for (String line : err.toString().split("\n")) {
      String t = line.trim();
      if (t.startsWith("events ")) {
        events = Long.parseLong(t.substring(7).trim().split("\\s+")[0]);
      }
      if (t.startsWith("output ")) {
        System.out.println("  " + name + " sink: " + t);
      }
    }
    System.out.printf(Locale.ROOT, "%s: %.2f s, %d events%n", name, secs, events);
    return new double[] {secs, events};
  }

  /** samples/*.pcap (little-endian, Ethernet) repeated, timestamps shifted an hour per copy. */
  static void makeCapture(Path samples, int copies, Path out) throws Exception {
    List<byte[]> records = new ArrayList<>();
    try (Stream<Path> s = Files.list(samples)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList()) {
        byte[] b = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (bb.getInt(0) != 0xa1b2c3d4 || bb.getInt(20) != 1) {
          continue;
        }
        int pos = 24;
        while (pos + 16 <= b.length) {
          int len = bb.getInt(pos + 8);
          records.add(java.util.Arrays.copyOfRange(b, pos, pos + 16 + len));
          pos += 16 + len;
        }
      }
    }
    try (var o = new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
      ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
      h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
      h.putInt(262144).putInt(1);
      o.write(h.array());
      for (int c = 0; c < copies; c++) {
        for (byte[] r : records) {
          ByteBuffer bb = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
          int ts = bb.getInt(0);
          bb.putInt(0, ts + 3600);
          o.write(r);
        }
      }
    }
  }
}
