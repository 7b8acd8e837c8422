package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample that decides the JIT of a read (the relaunch itself: LauncherIT). */
class JitChoiceTest {
  private static final Path ROOT =
      Path.of(System.getProperty("ja3sensor.repoRoot", "..")).toAbsolutePath().normalize();
  private static final Path NETTY = ROOT.resolve("samples/quic/netty-quic.pcap");

  @TempDir Path dir;

  @Test
  void countsEveryInitialPacketOfAWholeSample() throws Exception {
    Path f = dir.resolve("quic.pcap");
    QuicHeavyCapture.Written w = QuicHeavyCapture.write(NETTY, f, 40);
    JitChoice.Sample s = JitChoice.sample(List.of(f.toString()), 0, Integer.MAX_VALUE);
    assertNotNull(s);
    assertEquals(w.initials(), s.initials());
    assertEquals(w.initials(), s.frames());
    assertEquals(w.bytes() - 24, s.sampledBytes()); // every record, without the file header
    assertEquals(w.bytes(), s.totalBytes());
  }

  @Test
  void projectsFromTheStartOfTheFirstFileOverAllFiles() throws Exception {
    Path f = dir.resolve("quic.pcap");
    QuicHeavyCapture.Written w = QuicHeavyCapture.write(NETTY, f, 400);
    JitChoice.Sample s = JitChoice.sample(List.of(f.toString(), f.toString()), 0, 100_000);
    assertNotNull(s);
    assertTrue(s.sampledBytes() >= 100_000 && s.sampledBytes() < 110_000, s.toString());
    long expected = 2 * w.initials();
    assertTrue(Math.abs(s.projectedInitials() - expected) < expected / 10,
        s.projectedInitials() + " projected, " + expected + " in the files");
  }

  @Test
  void tcpHasNoInitials() {
    JitChoice.Sample s =
        JitChoice.sample(List.of(ROOT.resolve("samples/curl-multi.pcap").toString()), 0, 1 << 20);
    assertNotNull(s);
    assertTrue(s.frames() > 10, s.toString());
    assertEquals(0, s.initials());
    assertEquals(0, s.projectedInitials());
  }

  @Test
  void smallInputIsNotSampled() throws Exception {
    Path f = dir.resolve("quic.pcap");
    QuicHeavyCapture.Written w = QuicHeavyCapture.write(NETTY, f, 2);
    JitChoice.Sample s = JitChoice.sample(List.of(f.toString()), w.bytes() + 1, 1 << 20);
    assertEquals(new JitChoice.Sample(0, 0, 0, w.bytes()), s);
  }

  @Test
  void inputThatCannotBeSampledIsLeftToTheRead() throws Exception {
    assertNull(JitChoice.sample(List.of("-"), 0, 1 << 20));
    assertNull(JitChoice.sample(List.of(dir.resolve("missing.pcap").toString()), 0, 1 << 20));
    assertNull(JitChoice.sample(List.of(dir.toString()), 0, 1 << 20));
    Path junk = dir.resolve("junk.pcap");
    Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    assertNull(JitChoice.sample(List.of(junk.toString()), 0, 1 << 20));
  }

  @Test
  void childCommandIsThisJvmWithC2() {
    List<String> c = JitChoice.childCommand();
    assertNotNull(c, "the surefire JVM's command line is readable");
    int at = c.indexOf("-XX:TieredStopAtLevel=4");
    assertTrue(at > 0, c.toString());
    String next = c.get(at + 1);
    assertTrue(next.equals("-jar") || next.equals(Main.class.getName()), c.toString());
    assertTrue(Files.isExecutable(Path.of(c.get(0))), c.get(0));
  }
}
