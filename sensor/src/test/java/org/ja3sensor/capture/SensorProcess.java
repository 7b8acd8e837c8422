package org.ja3sensor.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ja3sensor} run as a child JVM (the test's own class path), optionally inside a network
 * namespace, with stdout and stderr in files. A child process, not an in-process call, because
 * capture installs signal handlers and the tests stop it with a real SIGTERM.
 */
final class SensorProcess implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Process process;
  private final Path out;
  private final Path err;

  private SensorProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /**
   * Starts {@code ja3sensor ARGS...}; {@code netns} non-null runs it inside that namespace
   * ({@code ip netns exec} replaces itself with java, so the process is the JVM).
   */
  static SensorProcess start(Path dir, String netns, String... args) throws IOException {
    return start(dir, netns, List.of(), args);
  }

  /** Same, with further JVM options (after the defaults, so they win). */
  static SensorProcess start(Path dir, String netns, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    if (netns != null) {
      cmd.addAll(List.of("ip", "netns", "exec", netns));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.ja3sensor.cli.Main");
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "sensor", ".out");
    Path err = Files.createTempFile(dir, "sensor", ".err");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    return new SensorProcess(p, out, err);
  }

  /** Waits until stderr contains {@code text}; fails (with stderr) if the process exits first. */
  void awaitStderr(String text, long timeoutMillis) throws IOException, InterruptedException {
    long end = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < end) {
      if (stderr().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "sensor exited with " + process.exitValue() + " before \"" + text + "\":\n" + stderr());
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no \"" + text + "\" within " + timeoutMillis + " ms:\n" + stderr());
  }

  /** Sends SIGTERM and waits for the exit; returns the exit status and the wait in ms. */
  long[] terminate(long timeoutMillis) throws InterruptedException {
    long t0 = System.nanoTime();
    process.destroy(); // SIGTERM on Linux
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("sensor did not exit within " + timeoutMillis + " ms of SIGTERM");
    }
    return new long[] {process.exitValue(), (System.nanoTime() - t0) / 1_000_000};
  }

  /** Waits for the process to end by itself (--duration, --count, an error). */
  int waitFor(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("sensor still running after " + timeoutMillis + " ms");
    }
    return process.exitValue();
  }

  String stderr() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  String stdout() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  List<JsonNode> events() throws IOException {
    List<JsonNode> list = new ArrayList<>();
    String out = stdout();
    // A running sensor may be in the middle of writing its last line (a buffer boundary):
    // only lines already ended are events yet.
    int end = out.lastIndexOf('\n');
    out = end < 0 ? "" : out.substring(0, end + 1);
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        list.add(MAPPER.readTree(line));
      }
    }
    return list;
  }

  /** The {@code key=value} pairs of the "ja3sensor: final ..." counters line on stderr. */
  Map<String, Long> finalCounters() throws IOException {
    return counters(stderr(), "ja3sensor: final ");
  }

  static Map<String, Long> counters(String stderr, String prefix) {
    Map<String, Long> m = new HashMap<>();
    for (String line : stderr.split("\n")) {
      if (line.startsWith(prefix)) {
        m.clear();
        for (String kv : line.substring(prefix.length()).trim().split(" ")) {
          int eq = kv.indexOf('=');
          if (eq > 0) {
            m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
          }
        }
      }
    }
    if (m.isEmpty()) {
      throw new AssertionError("no line starting with \"" + prefix + "\" in:\n" + stderr);
    }
    return m;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
