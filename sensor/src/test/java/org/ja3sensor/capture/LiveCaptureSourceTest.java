package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.ja3sensor.decode.LinkType;
import org.ja3sensor.source.LiveCaptureException;
import org.ja3sensor.source.LiveCaptureSource;
import org.junit.jupiter.api.Test;

/** The pcap4j live source on a real veth: frames, timestamps, filter, stop, errors. */
class LiveCaptureSourceTest {

  /** One frame as the source delivered it (copied: the buffer is the source's). */
  record Frame(int linkType, long tsNanos, byte[] bytes, int origLen, int ifIndex) {}

  @org.junit.jupiter.params.ParameterizedTest(name = "direct read: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void capturesFilteredFramesWithNanosecondTimestampsAndStopsQuickly(boolean direct)
      throws Exception {
    NetNs.assumeRootAnd("ip", "bash");
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    try (NetNs net = NetNs.hostToNamespace()) {
      LiveCaptureSource src =
          new LiveCaptureSource(
              net.hostIf,
              3,
              new LiveCaptureSource.Settings(65_535, 4 << 20, true, "tcp", 100, direct),
              warnings::add);
      src.open();
      assertEquals(LinkType.ETHERNET, src.linkType());
      assertTrue(src.nanosecondTimestamps(), "Linux offers nanosecond timestamps");

      List<Frame> frames = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread t =
          new Thread(
              () -> {
                try {
                  src.run(
                      (lt, ts, buf, off, cap, orig, ifx) ->
                          frames.add(
                              new Frame(
                                  lt, ts, java.util.Arrays.copyOfRange(buf, off, off + cap), orig,
                                  ifx)));
                } catch (Throwable e) {
                  failure.set(e);
                }
              });
      t.start();
      long before = System.currentTimeMillis() * 1_000_000L;
      // UDP must be filtered out; three TCP connection attempts to a closed port must not be.
      net.exec("bash", "-c", "echo hello > /dev/udp/" + net.hostIp + "/9; echo again > /dev/udp/" + net.hostIp + "/9");
      for (int port = 1; port <= 3; port++) {
        try {
          net.exec("bash", "-c", "exec 3<>/dev/tcp/" + net.hostIp + "/" + (40_000 + port));
        } catch (java.io.IOException refused) {
          // connection refused is the point: a SYN and a RST
        }
      }
      long deadline = System.currentTimeMillis() + 5000;
      while (frames.size() < 6 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      long after = System.currentTimeMillis() * 1_000_000L;
      long stopAt = System.nanoTime();
      src.stop();
      t.join(5000);
      long stopMillis = (System.nanoTime() - stopAt) / 1_000_000;
      assertFalse(t.isAlive(), "run() returns after stop()");
      assertTrue(stopMillis < 1000, "stop took " + stopMillis + " ms");
      src.close();
      assertEquals(null, failure.get());

      assertEquals(6, frames.size(), "3 SYN + 3 RST, no ICMP: " + frames.size());
      boolean subMicro = false;
      for (Frame f : frames) {
        assertEquals(LinkType.ETHERNET, f.linkType());
        assertEquals(3, f.ifIndex());
        assertEquals(f.bytes().length, f.origLen());
        // Ethernet, IPv4, protocol TCP
        assertEquals(0x0800, ((f.bytes()[12] & 0xff) << 8) | (f.bytes()[13] & 0xff));
        assertEquals(6, f.bytes()[14 + 9]);
        assertTrue(
            f.tsNanos() >= before - 1_000_000_000L && f.tsNanos() <= after + 1_000_000_000L,
            "timestamp " + f.tsNanos() + " outside [" + before + ", " + after + "]");
        subMicro |= f.tsNanos() % 1000 != 0;
      }
      assertTrue(subMicro, "at least one timestamp has sub-microsecond digits");
      assertEquals(6, src.stats().packets);
      assertEquals(0, src.stats().kernelDropped);
      assertTrue(warnings.isEmpty(), "no fallback, no failure: " + warnings);
    }
  }

  /**
   * Frames the kernel holds when stop() comes are still delivered: with a 300 ms read timeout the
   * kernel hands over a partly filled block only 300 ms after its first frame, so stopping right
   * after the traffic finds every frame still in the kernel's buffer.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "direct read: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void stopDeliversWhatTheKernelAlreadyCaptured(boolean direct) throws Exception {
    NetNs.assumeRootAnd("ip", "bash");
    try (NetNs net = NetNs.hostToNamespace()) {
      LiveCaptureSource src =
          new LiveCaptureSource(
              net.hostIf, 0, new LiveCaptureSource.Settings(65_535, 4 << 20, false, "tcp", 300, direct),
              m -> {});
      src.open();
      List<Long> seen = Collections.synchronizedList(new ArrayList<>());
      Thread t = new Thread(() -> {
        try {
          src.run((lt, ts, buf, off, cap, orig, ifx) -> seen.add(ts));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      t.start();
      Thread.sleep(200);
      net.exec("bash", "-c", "for p in 1 2 3; do (exec 3<>/dev/tcp/" + net.hostIp
          + "/4300$p) 2>/dev/null; done; true");
      src.stop();
      t.join(5000);
      assertFalse(t.isAlive());
      src.close();
      assertEquals(6, seen.size(), "3 SYN + 3 RST delivered after stop()");
    }
  }

  @Test
  void anInterfaceThatDisappearsIsReopenedWhenItComesBack() throws Exception {
    NetNs.assumeRootAnd("ip");
    String a = "j3ra" + Long.toHexString(System.nanoTime() & 0xfffff);
    String b = "j3rb" + Long.toHexString(System.nanoTime() & 0xfffff);
    NetNs.run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
    try {
      NetNs.run("ip", "link", "set", a, "up");
      NetNs.run("ip", "link", "set", b, "up");
      List<String> warnings = Collections.synchronizedList(new ArrayList<>());
      LiveCaptureSource src =
          new LiveCaptureSource(
              a, 0, new LiveCaptureSource.Settings(65_535, 1 << 20, false, "", 100),
              warnings::add);
      src.open();
      Thread t = new Thread(() -> {
        try {
          src.run((lt, ts, buf, off, cap, orig, ifx) -> {});
        } catch (java.io.IOException e) {
          warnings.add("run threw " + e);
        }
      });
      t.start();
      NetNs.run("ip", "link", "del", a); // removes both ends
      awaitWarning(warnings, "capture failed");
      NetNs.run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
      NetNs.run("ip", "link", "set", a, "up");
      awaitWarning(warnings, "capture reopened");
      src.stop();
      t.join(5000);
      assertFalse(t.isAlive(), "run() returns after stop()");
      src.close();
      assertTrue(warnings.get(0).startsWith("interface \"" + a + "\": capture failed"), warnings.toString());
    } finally {
      try {
        NetNs.run("ip", "link", "del", a);
      } catch (java.io.IOException gone) {
        // already removed
      }
    }
  }

  private static void awaitWarning(List<String> warnings, String text) throws InterruptedException {
    long end = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < end) {
      synchronized (warnings) {
        for (String w : warnings) {
          if (w.contains(text)) {
            return;
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no warning containing \"" + text + "\": " + warnings);
  }

  @Test
  void missingInterfaceIsNamed() {
    NetNs.assumeRootAnd();
    LiveCaptureSource src =
        new LiveCaptureSource("j3nosuch0", 0, LiveCaptureSource.Settings.defaults(), m -> {});
    LiveCaptureException e = assertThrows(LiveCaptureException.class, src::open);
    assertEquals(LiveCaptureException.Reason.NO_SUCH_DEVICE, e.reason());
    assertTrue(e.getMessage().startsWith("interface \"j3nosuch0\": no such device"), e.getMessage());
    assertTrue(e.getMessage().contains("lo"), "lists known interfaces: " + e.getMessage());
  }

  @Test
  void badFilterIsNamed() {
    NetNs.assumeRootAnd();
    LiveCaptureSource src =
        new LiveCaptureSource(
            "lo", 0, new LiveCaptureSource.Settings(65_535, 1 << 20, false, "tcp port", 100), m -> {});
    LiveCaptureException e = assertThrows(LiveCaptureException.class, src::open);
    assertEquals(LiveCaptureException.Reason.BAD_FILTER, e.reason());
    assertTrue(e.getMessage().startsWith("--bpf \"tcp port\": libpcap rejected"), e.getMessage());
    assertTrue(e.getMessage().contains("syntax error"), e.getMessage());
  }
}
