package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the live capture tests share: tcpdump writing the reference capture beside the sensor,
 * real clients run to completion, and waits for a listener or a line in a log. The caller owns
 * the processes returned and stops them.
 */
final class LiveTools {
  private LiveTools() {}

  /**
   * tcpdump on {@code iface} into {@code pcap} (immediate mode, whole frames, the BPF {@code
   * filter}), its output in {@code log}; returns once it says it listens.
   */
  static Process startTcpdump(String iface, Path pcap, String filter, Path log)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(
            "tcpdump", "-i", iface, "--immediate-mode", "-U", "-s", "0", "-n", "-w",
            pcap.toString(), filter)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    awaitFile(log, "listening on", 10_000);
    return p;
  }

  /**
   * Runs a client to its end (20 s at most), its output discarded and its input closed at once
   * (openssl s_client then closes the connection after the handshake); fails unless it exits 0.
   */
  static void runClient(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("client did not finish: " + cmd);
    }
    assertEquals(0, p.exitValue(), "client failed: " + cmd);
  }

  /** Waits up to 10 s until a TCP connection to {@code ip:port} succeeds. */
  static void awaitListening(String ip, int port) throws InterruptedException {
    long end = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < end) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(ip, port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError(ip + ":" + port + " not listening after 10 s");
  }

  /** Waits until {@code f} exists and contains {@code text}. */
  static void awaitFile(Path f, String text, long timeoutMillis)
      throws IOException, InterruptedException {
    long end = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < end) {
      if (Files.exists(f) && Files.readString(f, StandardCharsets.UTF_8).contains(text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no \"" + text + "\" in " + f);
  }
}
