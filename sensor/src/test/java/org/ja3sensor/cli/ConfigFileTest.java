package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML configuration file: loading, precedence, errors, and the generated example. */
class ConfigFileTest {
  private static final String CHROMIUM = "../samples/chromium.pcap";

  @TempDir Path dir;

  private Path write(String name, String yaml) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  /** The ClientHellos in the sample, from its expected output (checked against tshark). */
  private static long chromiumHellos() throws IOException {
    try (var lines = Files.lines(Path.of("../samples/chromium.expected.tsv"))) {
      return lines.map(l -> l.split("\t")).filter(f -> f.length > 6 && f[6].equals("ja3"))
          .count();
    }
  }

  private static long eventsWithJa3(CliRun r) {
    return r.events().stream().filter(e -> CliRun.text(e, "tls.client.ja3") != null).count();
  }

  @Test
  void fileSetsOptionsAndCommandLineWins() throws IOException {
    // Chromium's ClientHello is about 1.9 KB: a 1,024-byte handshake cap loses it.
    Path cfg = write("small.yaml", "max-handshake-bytes: 1024\nquiet: true\n");
    CliRun plain = CliRun.run("read", CHROMIUM);
    assertEquals(0, plain.exitCode, plain.toString());
    assertEquals(chromiumHellos(), eventsWithJa3(plain), plain.toString());
    assertFalse(plain.err.isBlank(), "the summary is on stderr without the file");

    CliRun fromFile = CliRun.run("read", "--config", cfg.toString(), CHROMIUM);
    assertEquals(0, fromFile.exitCode, fromFile.toString());
    assertEquals(0, eventsWithJa3(fromFile), "the file's cap applies: " + fromFile.out);
    assertTrue(fromFile.err.isBlank(), "quiet: true from the file: " + fromFile.err);

    CliRun overridden =
        CliRun.run("read", "--config=" + cfg, "--max-handshake-bytes", "65536", CHROMIUM);
    assertEquals(0, overridden.exitCode, overridden.toString());
    assertEquals(chromiumHellos(), eventsWithJa3(overridden), "the command line wins over the file");
  }

  @Test
  void nestedKeysAndListsMapToOptions() throws Exception {
    Path cfg = write("nested.yaml",
        "kafka:\n  bootstrap: \"127.0.0.1:9\"\n  topic: t1\ninterface: [eth7, eth8]\n");
    ConfigFile f = ConfigFile.load(cfg);
    assertEquals(List.of("127.0.0.1:9"), f.settings().get("--kafka-bootstrap").values());
    assertEquals(List.of("t1"), f.settings().get("--kafka-topic").values());
    assertEquals(List.of("eth7", "eth8"), f.settings().get("--interface").values());
    assertEquals(4, f.settings().get("--interface").line());
  }

  @Test
  void captureKeysAreIgnoredByRead() throws IOException {
    Path cfg = write("both.yaml", "interface: eth9\nbpf: tcp port 443\nquiet: true\n");
    CliRun r = CliRun.run("read", "--config", cfg.toString(), CHROMIUM);
    assertEquals(0, r.exitCode, r.toString());
    assertEquals(chromiumHellos(), eventsWithJa3(r));
  }

  @Test
  void unknownKeyNamesFileLineAndKey() throws IOException {
    Path cfg = write("typo.yaml", "quiet: true\n\nmax-flow: 10\n");
    CliRun r = CliRun.run("read", "--config", cfg.toString(), CHROMIUM);
    assertEquals(2, r.exitCode, r.toString());
    assertEquals("", r.out, "nothing read");
    String line = r.err.strip();
    assertFalse(line.contains("\n"), "one line: " + r.err);
    assertTrue(line.contains(cfg + ":3:") && line.contains("'max-flow'"), line);
  }

  @Test
  void wrongTypeNamesFileLineAndKey() throws IOException {
    Path cfg = write("type.yaml", "max-flows: lots\n");
    CliRun r = CliRun.run("read", "--config", cfg.toString(), CHROMIUM);
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.err.contains(cfg + ":1:") && r.err.contains("'max-flows'")
        && r.err.contains("lots"), r.err);

    Path list = write("list.yaml", "max-flows: [1, 2]\n");
    CliRun r2 = CliRun.run("config", "check", list.toString());
    assertEquals(2, r2.exitCode);
    assertTrue(r2.err.contains(list + ":1:") && r2.err.contains("not a list"), r2.err);

    Path flag = write("flag.yaml", "quiet: yes please\n");
    CliRun r3 = CliRun.run("config", "check", flag.toString());
    assertEquals(2, r3.exitCode);
    assertTrue(r3.err.contains(flag + ":1:") && r3.err.contains("true or false"), r3.err);
  }

  @Test
  void missingOrInvalidFileIsOneLineExit2() throws IOException {
    CliRun missing = CliRun.run("read", "--config", dir.resolve("nope.yaml").toString(), CHROMIUM);
    assertEquals(2, missing.exitCode);
    assertTrue(missing.err.contains("nope.yaml: no such file"), missing.err);
    assertEquals("", missing.out);

    Path bad = write("bad.yaml", "quiet: [unclosed\nmax-flows: 3\n");
    CliRun invalid = CliRun.run("read", "--config", bad.toString(), CHROMIUM);
    assertEquals(2, invalid.exitCode);
    assertTrue(invalid.err.contains("bad.yaml: not valid YAML"), invalid.err);
    assertEquals(1, invalid.err.strip().lines().count(), invalid.err);

    Path scalar = write("scalar.yaml", "just a string\n");
    CliRun r = CliRun.run("config", "check", scalar.toString());
    assertEquals(2, r.exitCode);
    assertTrue(r.err.contains("expected a mapping"), r.err);
  }

  @Test
  void captureTakesItsRequiredInterfaceFromTheFile() throws IOException {
    // Without the file, picocli reports the missing --interface; with it, the option is set and
    // the command goes on to open the interface (which does not exist: exit 1, not 2).
    CliRun without = CliRun.run("capture", "--duration", "1");
    assertEquals(2, without.exitCode, without.toString());
    Path cfg = write("cap.yaml", "interface: no-such-if0\nduration: 1\n");
    CliRun with = CliRun.run("capture", "--config", cfg.toString());
    assertFalse(with.err.contains("Missing required option"), with.err);
    assertTrue(with.err.contains("no-such-if0"), with.err);
  }

  @Test
  void exampleIsCompleteAndValidWhenUncommented() throws Exception {
    CliRun r = CliRun.run("config", "example");
    assertEquals(0, r.exitCode);
    // Every option of read and capture appears in the example.
    for (String command : ConfigFile.COMMANDS) {
      for (var o : Main.newCommandLine(command).getSubcommands().get(command).getCommandSpec()
          .options()) {
        if (o.usageHelp() || o.versionHelp() || o.longestName().equals("--config")) {
          continue;
        }
        assertTrue(r.out.contains("\n# " + o.longestName().substring(2) + ": "),
            "missing from the example: " + o.longestName());
      }
    }
    // As printed it sets nothing; with its settings uncommented it is valid.
    Path asIs = write("example.yaml", r.out);
    assertEquals(0, ConfigFile.load(asIs).settings().size());
    StringBuilder on = new StringBuilder();
    for (String line : r.out.split("\n")) {
      if (line.matches("# [a-z0-9-]+: .*") && !line.contains("# no default")) {
        on.append(line.substring(2)).append('\n');
      }
    }
    Path enabled = write("enabled.yaml", on.toString());
    CliRun check = CliRun.run("config", "check", enabled.toString());
    assertEquals(0, check.exitCode, check.toString() + "\n" + on);
    assertTrue(check.out.contains("valid"), check.out);
  }

  @Test
  void argumentScanStopsAtDoubleDash() {
    assertEquals("a.yaml", ConfigFile.findConfigArgument(new String[] {"read", "--config", "a.yaml"}));
    assertNull(ConfigFile.findConfigArgument(new String[] {"read", "--", "--config", "x"}));
    assertNotNull(ConfigFile.findConfigArgument(new String[] {"read", "--config=b"}));
  }

  @Test
  void eventsUnchangedByAnEmptyFile() throws IOException {
    Path cfg = write("empty.yaml", "");
    CliRun plain = CliRun.run("read", "-q", CHROMIUM);
    CliRun with = CliRun.run("read", "-q", "--config", cfg.toString(), CHROMIUM);
    assertEquals(CliRun.withoutRunFields(plain.out), CliRun.withoutRunFields(with.out));
    List<JsonNode> ev = with.events();
    assertEquals(chromiumHellos(), ev.size());
  }
}
