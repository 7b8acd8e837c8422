package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private network for one test: a network namespace joined to the host by a veth pair, or two
 * namespaces joined to each other ({@link #pair}). Names carry a random suffix so that parallel
 * tests and other users of the machine do not collide. Traffic stays on the veth: the host end
 * and the namespace end get addresses of a private /30 and nothing is routed further.
 *
 * <p>{@link #close()} kills every process left in the namespaces and deletes them (which removes
 * the veth pair).
 */
final class NetNs implements AutoCloseable {
  final String ns;
  /** Second namespace for {@link #pair}, else null (the host holds the other end). */
  final String ns2;

  final String hostIf;
  final String nsIf;
  final String hostIp;
  final String nsIp;

  private NetNs(String ns, String ns2, String hostIf, String nsIf, String hostIp, String nsIp) {
    this.ns = ns;
    this.ns2 = ns2;
    this.hostIf = hostIf;
    this.nsIf = nsIf;
    this.hostIp = hostIp;
    this.nsIp = nsIp;
  }

  /** Skips the calling test unless it runs as root with the named tools on the PATH. */
  static void assumeRootAnd(String... tools) {
    assumeTrue(isRoot(), "needs root (network namespaces, packet capture); CI runs as root");
    for (String t : tools) {
      assumeTrue(onPath(t), "needs " + t + " on the PATH");
    }
  }

  static boolean isRoot() {
    try {
      String status = Files.readString(Path.of("/proc/self/status"));
      for (String line : status.split("\n")) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin"}) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String suffix() {
    return Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 16);
  }

  /** Host end {@link #hostIf} in the root namespace, other end {@link #nsIf} in {@link #ns}. */
  static NetNs hostToNamespace() throws IOException, InterruptedException {
    String sfx = suffix();
    int a = ThreadLocalRandom.current().nextInt(1, 250);
    int b = ThreadLocalRandom.current().nextInt(0, 63) * 4;
    NetNs n =
        new NetNs(
            "j3c" + sfx, null, "j3h" + sfx, "j3n" + sfx, "10.231." + a + "." + (b + 1),
            "10.231." + a + "." + (b + 2));
    try {
      run("ip", "netns", "add", n.ns);
      run("ip", "link", "add", n.hostIf, "type", "veth", "peer", "name", n.nsIf);
      run("ip", "link", "set", n.nsIf, "netns", n.ns);
      run("ip", "addr", "add", n.hostIp + "/30", "dev", n.hostIf);
      run("ip", "link", "set", n.hostIf, "up");
      n.exec("ip", "addr", "add", n.nsIp + "/30", "dev", n.nsIf);
      n.exec("ip", "link", "set", n.nsIf, "up");
      n.exec("ip", "link", "set", "lo", "up");
      n.waitUntilUp();
    } catch (IOException | InterruptedException | RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  /**
   * Two namespaces, {@link #ns} holding {@link #hostIf} (the capture side) and {@link #ns2}
   * holding {@link #nsIf} (the sending side), with no addresses: for replaying captured frames
   * whose addresses must never reach a real network.
   */
  static NetNs pair() throws IOException, InterruptedException {
    String sfx = suffix();
    NetNs n = new NetNs("j3c" + sfx, "j3g" + sfx, "j3h" + sfx, "j3n" + sfx, null, null);
    try {
      run("ip", "netns", "add", n.ns);
      run("ip", "netns", "add", n.ns2);
      run("ip", "link", "add", n.hostIf, "type", "veth", "peer", "name", n.nsIf);
      run("ip", "link", "set", n.hostIf, "netns", n.ns);
      run("ip", "link", "set", n.nsIf, "netns", n.ns2);
      // Captured frames may exceed 1500 bytes (offloads on the recording host): allow them.
      n.exec("ip", "link", "set", n.hostIf, "mtu", "65000", "up");
      run("ip", "netns", "exec", n.ns2, "ip", "link", "set", n.nsIf, "mtu", "65000", "up");
      n.waitUntilUp();
    } catch (IOException | InterruptedException | RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private void waitUntilUp() throws IOException, InterruptedException {
    // A veth end reports LOWER_UP once both ends are up; capture before that sees nothing.
    for (int i = 0; i < 100; i++) {
      String out =
          ns2 == null
              ? runOut("ip", "link", "show", hostIf)
              : runOut("ip", "netns", "exec", ns, "ip", "link", "show", hostIf);
      if (out.contains("LOWER_UP")) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IOException(hostIf + " did not come up");
  }

  /** Runs a command inside {@link #ns} and waits for it (must exit 0). */
  void exec(String... cmd) throws IOException, InterruptedException {
    run(inNs(ns, cmd));
  }

  /** The command line that runs {@code cmd} inside namespace {@code name}. */
  static String[] inNs(String name, String... cmd) {
    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
    c.addAll(Arrays.asList(cmd));
    return c.toArray(new String[0]);
  }

  /** Runs a command, waits up to 60 s, fails with its output unless it exits 0. */
  static void run(String... cmd) throws IOException, InterruptedException {
    runOut(cmd);
  }

  static String runOut(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", cmd));
    }
    String s = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + s.trim());
    }
    return s;
  }

  @Override
  public void close() {
    for (String name : new String[] {ns, ns2}) {
      if (name == null) {
        continue;
      }
      try {
        String pids = runOut("ip", "netns", "pids", name).trim();
        for (String pid : pids.split("\\s+")) {
          if (!pid.isEmpty()) {
            new ProcessBuilder("kill", "-9", pid).start().waitFor(5, TimeUnit.SECONDS);
          }
        }
      } catch (IOException | InterruptedException e) {
        // namespace never created or already gone
      }
    }
    for (String name : new String[] {ns, ns2}) {
      if (name == null) {
        continue;
      }
      try {
        run("ip", "netns", "del", name);
      } catch (IOException | InterruptedException e) {
        // already gone
      }
    }
    try {
      if (ns2 == null) {
        run("ip", "link", "del", hostIf);
      }
    } catch (IOException | InterruptedException e) {
      // removed with the namespace
    }
  }
}
