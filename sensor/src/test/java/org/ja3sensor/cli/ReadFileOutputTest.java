package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code read --output file}: the same events as stdout, bad paths refused, SIGHUP reopens. */
class ReadFileOutputTest {
  @TempDir Path tmp;

  @Test
  void theFileHoldsWhatStdoutWouldAndAppends() throws Exception {
    String sample = ReadCommandTest.sample("curl-multi.pcap").toString();
    Path f = tmp.resolve("events.json");
    CliRun stdout = CliRun.run("read", "-q", sample);
    CliRun file = CliRun.run("read", "--output", "file", "--output-path", f.toString(), sample);
    assertEquals(0, file.exitCode, file.toString());
    assertEquals("", file.out);
    assertTrue(file.err.contains("output     written 4, failed 0, rotations 0"), file.err);
    assertEquals(CliRun.withoutRunFields(stdout.out),
        CliRun.withoutRunFields(Files.readString(f)));
    CliRun again = CliRun.run("read", "-q", "--output", "file", "--output-path", f.toString(),
        sample);
    assertEquals(0, again.exitCode, again.toString());
    assertEquals(8, Files.readAllLines(f).size(), "appended");
  }

  @Test
  void anUnwritablePathIsOneLineAndNothingIsRead() throws Exception {
    String sample = ReadCommandTest.sample("curl-multi.pcap").toString();
    Path missing = tmp.resolve("no-such-dir/events.json");
    CliRun r = CliRun.run("read", "--output", "file", "--output-path", missing.toString(), sample);
    assertEquals(2, r.exitCode, r.toString());
    assertEquals("ja3sensor: --output-path " + missing + ": no such directory\n", r.err);
    assertEquals("", r.out);

    CliRun dir = CliRun.run("read", "--output", "file", "--output-path", tmp.toString(), sample);
    assertEquals(2, dir.exitCode, dir.toString());
    assertTrue(dir.err.contains("--output-path " + tmp + " is a directory"), dir.err);
    assertFalse(dir.err.contains("summary"), dir.err);

    CliRun none = CliRun.run("read", "--output", "file", sample);
    assertEquals(2, none.exitCode, none.toString());
    assertTrue(none.err.contains("--output file needs --output-path FILE"), none.err);
  }

  @Test
  void sighupReopensTheFileLogrotateStyle() throws Exception {
    Path f = tmp.resolve("events.json");
    Path rotated = tmp.resolve("events.json.1");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "org.ja3sensor.cli.Main", "read", "-", "--output", "file", "--output-path", f.toString());
    pb.redirectError(tmp.resolve("err.txt").toFile());
    Process p = pb.start();
    byte[] pcap = Files.readAllBytes(ReadCommandTest.sample("curl-multi.pcap"));
    int half = pcap.length * 6 / 10;
    OutputStream stdin = p.getOutputStream();
    stdin.write(Arrays.copyOf(pcap, half));
    stdin.flush();
    // the JVM starts and reads what is there; the events reach the file once the input is idle
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(Files.isRegularFile(f) && Files.size(f) > 0) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(p.isAlive(), "still reading the open pipe");
    Files.move(f, rotated); // logrotate renames the file ...
    assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor());
    Thread.sleep(300); // ... and signals
    stdin.write(Arrays.copyOfRange(pcap, half, pcap.length));
    stdin.close();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String err = Files.readString(tmp.resolve("err.txt"));
    assertEquals(0, p.exitValue(), err);
    ObjectMapper m = new ObjectMapper();
    List<String> ports = new ArrayList<>();
    for (Path x : List.of(rotated, f)) {
      assertTrue(Files.isRegularFile(x), x + "; stderr: " + err);
      for (String line : Files.readAllLines(x, StandardCharsets.UTF_8)) {
        ports.add(m.readTree(line).at("/source/port").asText() + " "
            + m.readTree(line).at("/@timestamp").asText());
      }
    }
    List<String> all = new ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode e :
        CliRun.run("read", "-q", ReadCommandTest.sample("curl-multi.pcap").toString()).events()) {
      all.add(e.at("/source/port").asText() + " " + e.at("/@timestamp").asText());
    }
    Collections.sort(all);
    Collections.sort(ports);
    assertEquals(all, ports, "every event once, in one file or the other");
    assertFalse(Files.readAllLines(rotated).isEmpty(), "events before the HUP in the old file");
    assertFalse(Files.readAllLines(f).isEmpty(), "events after the HUP in the new file");
  }

  @Test
  void timeRotationDuringAStreamedReadLosesAndSplitsNothing() throws Exception {
    // 1,500 copies of a TLS 1.3 connection, each with its own client port and a second later,
    // streamed into read over 3 s while the output rotates every second
    int copies = 1500;
    byte[] pcap = copies(Files.readAllBytes(ReadCommandTest.sample("curl-tls13.pcap")), copies);
    Path all = tmp.resolve("all.pcap");
    Files.write(all, pcap);
    Path f = tmp.resolve("events.json");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "org.ja3sensor.cli.Main", "read", "-", "--output", "file", "--output-path", f.toString(),
        "--output-rotate-interval", "1s")
        .redirectError(tmp.resolve("err.txt").toFile()).start();
    try (OutputStream stdin = p.getOutputStream()) {
      int chunks = 32;
      for (int i = 0; i < chunks; i++) {
        int from = (int) ((long) pcap.length * i / chunks);
        int to = (int) ((long) pcap.length * (i + 1) / chunks);
        stdin.write(pcap, from, to - from);
        stdin.flush();
        Thread.sleep(100);
      }
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String err = Files.readString(tmp.resolve("err.txt"));
    assertEquals(0, p.exitValue(), err);
    ObjectMapper m = new ObjectMapper();
    List<String> got = new ArrayList<>();
    int files = 0;
    try (java.util.stream.Stream<Path> list = Files.list(tmp)) {
      for (Path x : list.filter(x -> x.getFileName().toString().startsWith("events.json"))
          .toList()) {
        String name = x.getFileName().toString();
        assertTrue(name.equals("events.json") || name.matches("events\\.json\\.\\d{8}T\\d{6}Z"),
            name);
        files++;
        byte[] b = Files.readAllBytes(x);
        assertTrue(b.length == 0 || b[b.length - 1] == '\n', name + " ends inside a line");
        for (String line : Files.readAllLines(x, StandardCharsets.UTF_8)) {
          got.add(m.readTree(line).at("/source/port").asText()); // throws on half a line
        }
      }
    }
    assertTrue(files >= 3, "files: " + files + "\n" + err);
    List<String> want = new ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode e : CliRun.run("read", "-q", all.toString())
        .events()) {
      want.add(e.at("/source/port").asText());
    }
    assertTrue(want.size() >= copies, "events of a plain read: " + want.size());
    Collections.sort(want);
    Collections.sort(got);
    assertEquals(want, got, "every event of a plain read once, across the files");
    java.util.regex.Matcher rotations =
        java.util.regex.Pattern.compile("rotations (\\d+)").matcher(err);
    assertTrue(rotations.find(), err);
    assertEquals(files - 1, Integer.parseInt(rotations.group(1)), err);
  }

  /**
   * A classic Ethernet/IPv4 pcap repeated {@code n} times: copy k has its client port (the first
   * packet's source port) set to 20000 + k and its timestamps k seconds later.
   */
  private static byte[] copies(byte[] pcap, int n) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(0xa1b2c3d4, in.getInt(0), "little-endian microsecond pcap");
    assertEquals(1, in.getInt(20), "Ethernet");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(pcap.length * n);
    out.write(pcap, 0, 24);
    int client = -1;
    for (int k = 0; k < n; k++) {
      int off = 24;
      while (off + 16 <= pcap.length) {
        int capLen = in.getInt(off + 8);
        byte[] rec = Arrays.copyOfRange(pcap, off, off + 16 + capLen);
        java.nio.ByteBuffer r = java.nio.ByteBuffer.wrap(rec).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        r.putInt(0, r.getInt(0) + k);
        int ip = 16 + 14;
        assertEquals(0x0800, ((rec[16 + 12] & 0xff) << 8) | (rec[16 + 13] & 0xff), "IPv4");
        int tcp = ip + (rec[ip] & 0x0f) * 4;
        int src = ((rec[tcp] & 0xff) << 8) | (rec[tcp + 1] & 0xff);
        int dst = ((rec[tcp + 2] & 0xff) << 8) | (rec[tcp + 3] & 0xff);
        if (client < 0) {
          client = src;
        }
        int at = src == client ? tcp : dst == client ? tcp + 2 : -1;
        if (at >= 0) {
          rec[at] = (byte) ((20000 + k) >> 8);
          rec[at + 1] = (byte) (20000 + k);
        }
        out.write(rec, 0, rec.length);
        off += 16 + capLen;
      }
    }
    return out.toByteArray();
  }
}
