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
    Thread.sleep(2500); // the JVM starts and reads what is there
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
}
