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
import org.ja3sensor.source.LiveSource;
import org.ja3sensor.source.RingCaptureSource;
import org.junit.jupiter.api.Test;

/**
 * The live sources on a real veth: frames, timestamps, filter, stop, errors; each test with every
 * reader: pcap4j's loop, the direct {@code pcap_next_ex} and the TPACKET_V3 ring.
 */
class LiveCaptureSourceTest {

  /** One frame as the source delivered it (copied: the buffer is the source's). */
  record Frame(int linkType, long tsNanos, byte[] bytes, int origLen, int ifIndex) {}

  /** A source of {@code reader} (pcap4j, direct, ring) with {@code settings} (direct set by it). */
  static LiveSource source(String reader, String device, int ifIndex,
      LiveCaptureSource.Settings s, java.util.function.Consumer<String> warnings) {
    LiveCaptureSource.Settings settings = new LiveCaptureSource.Settings(s.snaplen(),
        s.bufferBytes(), s.promiscuous(), s.bpf(), s.readTimeoutMillis(), reader.equals("direct"));
    return reader.equals("ring")
        ? new RingCaptureSource(device, ifIndex, settings, warnings)
        : new LiveCaptureSource(device, ifIndex, settings, warnings);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"pcap4j", "direct", "ring"})
  void capturesFilteredFramesWithNanosecondTimestampsAndStopsQuickly(String reader)
      throws Exception {
    NetNs.assumeRootAnd("ip", "bash");
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    try (NetNs net = NetNs.hostToNamespace()) {
      LiveSource src = source(reader, net.hostIf, 3,
          new LiveCaptureSource.Settings(65_535, 4 << 20, true, "tcp", 100), warnings::add);
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
  @org.junit.jupiter.params.ParameterizedTest(name = "reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"pcap4j", "direct", "ring"})
  void stopDeliversWhatTheKernelAlreadyCaptured(String reader) throws Exception {
    NetNs.assumeRootAnd("ip", "bash");
    try (NetNs net = NetNs.hostToNamespace()) {
      LiveSource src = source(reader, net.hostIf, 0,
          new LiveCaptureSource.Settings(65_535, 4 << 20, false, "tcp", 300), m -> {});
      src.open();
      List<Long> seen = Collections.synchronizedList(new ArrayList<>());
      Thread t = collectTimestamps(src, seen);
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

  @org.junit.jupiter.params.ParameterizedTest(name = "reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void anInterfaceThatDisappearsIsReopenedWhenItComesBack(String reader) throws Exception {
    NetNs.assumeRootAnd("ip");
    String a = "j3ra" + Long.toHexString(System.nanoTime() & 0xfffff);
    String b = "j3rb" + Long.toHexString(System.nanoTime() & 0xfffff);
    NetNs.run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
    try {
      NetNs.run("ip", "link", "set", a, "up");
      NetNs.run("ip", "link", "set", b, "up");
      List<String> warnings = Collections.synchronizedList(new ArrayList<>());
      LiveSource src = source(reader, a, 0,
          new LiveCaptureSource.Settings(65_535, 1 << 20, false, "", 100), warnings::add);
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

  /** Captures whose frames carry 802.1Q tags: one tag, and two (QinQ). See the corpus README. */
  static final String[] VLAN_FILES = {"arkime/mysql-tls.pcap", "ndpi/ja3_lots_of_cipher_suites.pcap"};

  /**
   * Frames replayed onto the veth reach the handler byte for byte as they are in the file, 802.1Q
   * tags included: the receiving kernel takes a frame's outer tag out into the frame's metadata,
   * and every reader must put it back where it was (libpcap does; the ring reader does it itself),
   * with the original length grown by the tag. Frames without a tag (the host's own IPv6 chatter)
   * are not compared.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"pcap4j", "direct", "ring"})
  void vlanTaggedFramesArriveAsTheyAreInTheFile(String reader) throws Exception {
    NetNs.assumeRootAnd("ip", "tcpreplay");
    java.nio.file.Path corpus = CaptureReplayTest.corpusDir();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isDirectory(corpus), "conformance corpus not found at " + corpus);
    List<String> expected = new ArrayList<>();
    for (String f : VLAN_FILES) {
      try (org.ja3sensor.source.PacketSource file = org.ja3sensor.source.CaptureFiles.open(
          corpus.resolve(f).toString(), new org.ja3sensor.core.Counters())) {
        file.run((lt, ts, buf, off, cap, orig, ifx) -> expected.add(frameText(buf, off, cap, orig)));
      }
    }
    assertEquals(21, expected.size(), "10 + 11 frames in the two files");
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    try (NetNs net = NetNs.hostToNamespace()) {
      // a QinQ frame of 1,522 bytes: more than a 1,500-byte MTU lets through
      NetNs.run("ip", "link", "set", net.hostIf, "mtu", "9000");
      net.exec("ip", "link", "set", net.nsIf, "mtu", "9000");
      LiveSource src = source(reader, net.hostIf, 0,
          new LiveCaptureSource.Settings(65_535, 4 << 20, false, "", 100), warnings::add);
      src.open();
      List<String> got = Collections.synchronizedList(new ArrayList<>());
      Thread t = new Thread(() -> {
        try {
          src.run((lt, ts, buf, off, cap, orig, ifx) -> {
            if (cap >= 14 && (buf[off + 12] & 0xff) == 0x81 && buf[off + 13] == 0) {
              got.add(frameText(buf, off, cap, orig));
            }
          });
        } catch (java.io.IOException e) {
          warnings.add("run threw " + e);
        }
      });
      t.start();
      for (String f : VLAN_FILES) {
        net.exec("tcpreplay", "-i", net.nsIf, "--pps=2000", corpus.resolve(f).toString());
      }
      long deadline = System.currentTimeMillis() + 5000;
      while (got.size() < expected.size() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      src.stop();
      t.join(5000);
      src.close();
      assertTrue(warnings.isEmpty(), warnings.toString());
      assertEquals(expected, got);
    }
  }

  private static String frameText(byte[] buf, int off, int cap, int orig) {
    return java.util.HexFormat.of().formatHex(buf, off, off + cap) + " orig " + orig;
  }

  /**
   * Frames that find the kernel's buffer full are counted as kernel drops: nothing reads while
   * 3,000 frames of 1,454 bytes (4.4 MB) arrive at a 1 MiB buffer; then the source reads what the
   * buffer kept and stops. The frames delivered plus the drops are the frames sent.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void framesThatFindTheBufferFullAreCountedAsKernelDrops(String reader) throws Exception {
    NetNs.assumeRootAnd("ip", "tcpreplay");
    int frames = 3000;
    java.nio.file.Path pcap = java.nio.file.Files.createTempFile("j3ring", ".pcap");
    try (NetNs net = NetNs.hostToNamespace()) {
      writeTcpFrames(pcap, frames, 1400);
      LiveSource src = source(reader, net.hostIf, 0,
          new LiveCaptureSource.Settings(65_535, 1 << 20, false, "tcp", 100), m -> {});
      src.open();
      net.exec("tcpreplay", "-i", net.nsIf, "--pps=20000", pcap.toString());
      List<Long> seen = Collections.synchronizedList(new ArrayList<>());
      Thread t = collectTimestamps(src, seen);
      Thread.sleep(500);
      src.stop();
      t.join(5000);
      src.close();
      long dropped = src.stats().kernelDropped;
      assertTrue(dropped > 0, "a 1 MiB buffer cannot hold 4.4 MB: delivered " + seen.size());
      assertEquals(frames, seen.size() + dropped, "delivered " + seen.size() + " + dropped "
          + dropped);
      assertEquals(seen.size(), src.stats().packets);
    } finally {
      java.nio.file.Files.deleteIfExists(pcap);
    }
  }

  /**
   * A classic pcap file of {@code n} Ethernet/IPv4/TCP frames with {@code payload} bytes each, to
   * a MAC address nobody has (the receiving stack drops them after the packet sockets saw them).
   */
  static void writeTcpFrames(java.nio.file.Path file, int n, int payload) throws java.io.IOException {
    int frameLen = 14 + 20 + 20 + payload;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + n * (16 + frameLen))
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
        .putInt(65_535).putInt(1); // pcap header, LINKTYPE_ETHERNET
    for (int i = 0; i < n; i++) {
      b.order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.putInt(1_700_000_000 + i / 1000).putInt(i % 1000 * 1000).putInt(frameLen).putInt(frameLen);
      b.order(java.nio.ByteOrder.BIG_ENDIAN);
      b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
      b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 20 + payload)).putInt(0)
          .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002);
      b.putShort((short) (40_000 + i % 1000)).putShort((short) 443).putInt(i).putInt(0)
          .put((byte) 0x50).put((byte) 0x10).putShort((short) 1024).putInt(0);
      b.put(new byte[payload]);
    }
    java.nio.file.Files.write(file, b.array());
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

  @org.junit.jupiter.params.ParameterizedTest(name = "reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void missingInterfaceIsNamed(String reader) {
    NetNs.assumeRootAnd();
    LiveSource src =
        source(reader, "j3nosuch0", 0, LiveCaptureSource.Settings.defaults(), m -> {});
    LiveCaptureException e = assertThrows(LiveCaptureException.class, src::open);
    assertEquals(LiveCaptureException.Reason.NO_SUCH_DEVICE, e.reason());
    assertTrue(e.getMessage().startsWith("interface \"j3nosuch0\": no such device"), e.getMessage());
    assertTrue(e.getMessage().contains("lo"), "lists known interfaces: " + e.getMessage());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "reader {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"direct", "ring"})
  void badFilterIsNamed(String reader) {
    NetNs.assumeRootAnd();
    LiveSource src = source(reader,
        "lo", 0, new LiveCaptureSource.Settings(65_535, 1 << 20, false, "tcp port", 100), m -> {});
    LiveCaptureException e = assertThrows(LiveCaptureException.class, src::open);
    assertEquals(LiveCaptureException.Reason.BAD_FILTER, e.reason());
    assertTrue(e.getMessage().startsWith("--bpf \"tcp port\": libpcap rejected"), e.getMessage());
    assertTrue(e.getMessage().contains("syntax error"), e.getMessage());
  }

  /** Runs {@code src} on a new thread that adds each frame's timestamp to {@code seen}. */
  private static Thread collectTimestamps(LiveSource src, List<Long> seen) {
    Thread t = new Thread(() -> {
      try {
        src.run((lt, ts, buf, off, cap, orig, ifx) -> seen.add(ts));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    t.start();
    return t;
  }
}
