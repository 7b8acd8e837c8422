package org.ja3sensor.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read} says on stderr which file (and pcapng interface) it could not decode because of
 * its link type, once per file and interface, and still exits 0 (nothing was malformed).
 */
class UnknownLinkTypeWarningTest {
  @TempDir Path dir;

  private static int count(String haystack, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(haystack);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void pcapWithAnUnknownLinkTypeIsNamedOnce() throws IOException {
    CaptureBuilder b = CaptureBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 147);
    for (int i = 0; i < 5; i++) {
      b.record(1, i, CaptureBuilder.frame(i, 60), 60);
    }
    Path f = dir.resolve("user0.pcap");
    Files.write(f, b.bytes());
    CliRun run = CliRun.run("read", "--no-progress", f.toString());
    assertEquals(0, run.exitCode, run.err);
    String warning = f + ": link type 147 (USER0) is not decoded";
    assertEquals(1, count(run.err, warning), run.err);
    assertTrue(run.events().isEmpty());
  }

  @Test
  void eachUndecodedPcapngInterfaceIsNamedOnceAcrossSections() throws IOException {
    byte[] frame = CaptureBuilder.frame(1, 60);
    CaptureBuilder b = CaptureBuilder.pcapng(ByteOrder.LITTLE_ENDIAN)
        .idb(1, 65535, new byte[0]) // Ethernet: decoded, no warning
        .idb(105, 65535, new byte[0]) // IEEE 802.11
        .idb(999, 65535, new byte[0])
        .epb(0, 1, frame, 60).epb(1, 2, frame, 60).epb(2, 3, frame, 60).epb(1, 4, frame, 60);
    b.section(ByteOrder.LITTLE_ENDIAN).idb(1, 65535, new byte[0]).idb(105, 65535, new byte[0])
        .epb(1, 5, frame, 60);
    Path f = dir.resolve("wlan.pcapng");
    Files.write(f, b.bytes());
    Path plain = dir.resolve("plain.pcap");
    Files.write(plain, CaptureBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1)
        .record(1, 0, frame, 60).bytes());
    CliRun run = CliRun.run("read", "--no-progress", plain.toString(), f.toString());
    assertEquals(0, run.exitCode, run.err);
    assertEquals(1, count(run.err, f + ": interface 1: link type 105 (IEEE802_11) is not decoded"),
        run.err);
    assertEquals(1, count(run.err, f + ": interface 2: link type 999 is not decoded"), run.err);
    assertFalse(run.err.contains("interface 0:"), run.err);
    assertFalse(run.err.contains(plain + ": link type"), run.err);
  }
}
