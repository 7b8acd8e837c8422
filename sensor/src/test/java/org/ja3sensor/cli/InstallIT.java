package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/install.sh} on the built jar (runs after {@code package}), staged below a
 * temporary directory: the installed command works outside the build tree and prints what the
 * build's does, its configuration and completion are valid, the unit file passes {@code
 * systemd-analyze verify}, and {@code --uninstall} removes every file it wrote.
 */
class InstallIT {
  private static final Path ROOT =
      Path.of(System.getProperty("ja3sensor.repoRoot", "..")).toAbsolutePath().normalize();
  private static final Path SAMPLE = ROOT.resolve("samples/curl-multi.pcap");

  @TempDir Path tmp;

  private record Result(int exit, String out, String err) {}

  private Result run(Map<String, String> env, String... cmd) throws Exception {
    Path out = Files.createTempFile(tmp, "cmd", ".out");
    Path err = Files.createTempFile(tmp, "cmd", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "did not finish: " + String.join(" ", cmd));
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private List<Path> filesBelow(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !Files.isDirectory(p)).sorted().toList();
    }
  }

  @Test
  void installRunUninstall() throws Exception {
    Path dest = tmp.resolve("root");
    Result inst = run(Map.of(), "bash", "scripts/install.sh", "--destdir", dest.toString(),
        "--prefix", "/usr", "--no-user", "--interface", "mirror7");
    assertEquals(0, inst.exit, inst.err);
    Path launcher = dest.resolve("usr/bin/ja3sensor");
    assertTrue(Files.isSymbolicLink(launcher), "PREFIX/bin/ja3sensor is a link");
    assertTrue(Files.isRegularFile(dest.resolve("usr/lib/ja3sensor/lib/ja3sensor.jar")));

    // The installed command, outside the build tree, prints the events the build prints.
    Map<String, String> env = Map.of("JA3SENSOR_CDS", "off");
    Result read = run(env, launcher.toString(), "read", "-q", SAMPLE.toString());
    assertEquals(0, read.exit, read.err);
    CliRun inProcess = CliRun.run("read", "-q", SAMPLE.toString());
    assertFalse(read.out.isBlank());
    assertEquals(CliRun.withoutRunFields(inProcess.out), CliRun.withoutRunFields(read.out));

    // Its configuration is valid and names the interface given.
    Path conf = dest.resolve("etc/ja3sensor/ja3sensor.yaml");
    Result check = run(env, launcher.toString(), "config", "check", conf.toString());
    assertEquals(0, check.exit, check.err);
    assertTrue(check.out.contains("capture: interface"), check.out);
    assertTrue(Files.readString(conf).contains("interface: mirror7"));
    // Events go to a file that logrotate rotates; SIGHUP (through systemd) reopens it.
    String confText = Files.readString(conf);
    assertTrue(confText.contains("\noutput: file\noutput-path: /var/log/ja3sensor/events.json\n"),
        confText);
    assertTrue(confText.contains("\n# metrics-listen: 127.0.0.1:9810\n"), confText);
    Path logrotate = dest.resolve("etc/logrotate.d/ja3sensor");
    String rotation = Files.readString(logrotate);
    assertTrue(rotation.contains("/var/log/ja3sensor/*.json {"), rotation);
    assertTrue(rotation.contains("systemctl kill -s HUP ja3sensor.service"), rotation);
    if (Files.isExecutable(Path.of("/usr/sbin/logrotate"))) {
      // Its syntax, as logrotate reads it (debug mode: nothing is rotated), on a staged copy.
      Path logs = Files.createDirectories(tmp.resolve("log"));
      Files.writeString(logs.resolve("events.json"), "{}\n");
      Path staged = tmp.resolve("logrotate.conf");
      Files.writeString(staged, rotation.replace("/var/log/ja3sensor/", logs + "/"));
      Result lr = run(Map.of(), "/usr/sbin/logrotate", "-d", "-s",
          tmp.resolve("logrotate.state").toString(), staged.toString());
      assertEquals(0, lr.exit, lr.out + lr.err);
      assertFalse((lr.out + lr.err).contains("error"), lr.out + lr.err);
    }

    // Completion scripts: valid bash, and they know the commands and options.
    Path bash = dest.resolve("usr/share/bash-completion/completions/ja3sensor");
    assertEquals(0, run(Map.of(), "bash", "-n", bash.toString()).exit);
    String completion = Files.readString(bash);
    for (String word : List.of("capture", "read", "config", "--config", "--max-flows")) {
      assertTrue(completion.contains(word), "completion lacks " + word);
    }
    assertTrue(Files.readString(dest.resolve("usr/share/zsh/site-functions/_ja3sensor"))
        .startsWith("#compdef ja3sensor"));

    // The unit file, pointed at the staged tree, passes systemd-analyze verify.
    Path unit = dest.resolve("etc/systemd/system/ja3sensor.service");
    String text = Files.readString(unit);
    assertTrue(text.contains("ExecStart=/usr/bin/ja3sensor capture --config"
        + " /etc/ja3sensor/ja3sensor.yaml"), text);
    assertTrue(text.contains("AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN"));
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
        "needs systemd-analyze (Debian package systemd; scripts/test.sh installs it)");
    Path staged = tmp.resolve("ja3sensor.service");
    Files.writeString(staged, text.replace("/usr/bin/ja3sensor", launcher.toString())
        .replace("/etc/ja3sensor/", dest.resolve("etc/ja3sensor") + "/"));
    Result verify = run(Map.of(), "systemd-analyze", "verify", staged.toString());
    assertEquals(0, verify.exit, verify.out + verify.err);
    assertFalse((verify.out + verify.err).contains("ja3sensor.service:"), verify.err);

    // A second install keeps the edited configuration.
    Files.writeString(conf, "interface: edited0\n");
    Result again = run(Map.of(), "bash", "scripts/install.sh", "--destdir", dest.toString(),
        "--prefix", "/usr", "--no-user");
    assertEquals(0, again.exit, again.err);
    assertEquals("interface: edited0\n", Files.readString(conf));

    // Uninstall removes everything but the configuration; --purge that too.
    Result un = run(Map.of(), "bash", "scripts/install.sh", "--uninstall", "--destdir",
        dest.toString(), "--prefix", "/usr");
    assertEquals(0, un.exit, un.err);
    assertEquals(List.of(conf), filesBelow(dest));
    assertFalse(Files.exists(launcher, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    Files.delete(conf);
    Result nothing = run(Map.of(), "bash", "scripts/install.sh", "--uninstall", "--destdir",
        dest.toString(), "--prefix", "/usr");
    assertEquals(2, nothing.exit, "nothing left to uninstall");
    assertTrue(nothing.err.contains("nothing to uninstall"), nothing.err);
  }

  @Test
  void badOptionIsOneLineExit2() throws Exception {
    Result r = run(Map.of(), "bash", "scripts/install.sh", "--prefix", "relative/dir");
    assertEquals(2, r.exit);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(r.err.contains("absolute"), r.err);
  }
}
