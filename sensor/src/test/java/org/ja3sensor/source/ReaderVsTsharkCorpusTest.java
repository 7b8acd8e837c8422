package org.ja3sensor.source;

import org.ja3sensor.decode.LinkType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ja3sensor.Tshark;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * Every capture of the shared corpus, read by our reader and by tshark: same frames, time stamps
 * (to the nanosecond), lengths, interface ids and bytes (MD5 per frame); and the link type of the
 * first frame equals what libpcap (through pcap4j) reports for the file.
 */
class ReaderVsTsharkCorpusTest {

  /** One frame as tshark prints it. */
  private record TsharkFrame(String time, int capLen, int len, String ifId, String md5) {}

  @TestFactory
  Stream<DynamicTest> everyCorpusFileMatchesTshark() throws IOException {
    List<Path> files = CorpusFiles.captures();
    Assumptions.assumeFalse(files.isEmpty(), "no corpus at " + CorpusFiles.dir());
    Assumptions.assumeTrue(Tshark.available(), "tshark is not installed");
    return files.stream()
        .map(f -> DynamicTest.dynamicTest(CorpusFiles.dir().relativize(f).toString(), () -> check(f)));
  }

  private static void check(Path file) throws Exception {
    List<TsharkFrame> expected = tshark(file);
    Recorder rec = new Recorder();
    Counters counters = new Counters();
    try (PacketSource src = CaptureFiles.open(file.toString(), counters)) {
      src.run(rec);
      assertEquals(expected.size(), src.stats().packets);
      assertEquals(file.toFile().length(), src.stats().inputOffset);
    }
    assertEquals(expected.size(), rec.size(), "frame count");
    assertEquals(0, counters.totalAnomalies(), "anomalies in a well-formed file");
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    for (int i = 0; i < expected.size(); i++) {
      TsharkFrame t = expected.get(i);
      Recorder.Frame f = rec.get(i);
      String at = "frame " + (i + 1);
      assertEquals(epochNanos(t.time()), f.tsNanos(), at + " time " + t.time());
      assertEquals(t.capLen(), f.data().length, at + " caplen");
      assertEquals(t.len(), f.origLen(), at + " len");
      assertEquals(t.ifId().isEmpty() ? 0 : Integer.parseInt(t.ifId()), f.ifIndex(), at + " interface");
      assertEquals(t.md5(), HexFormat.of().formatHex(md5.digest(f.data())), at + " bytes");
    }
    if (!rec.frames.isEmpty()) {
      Integer dlt = libpcapLinkType(file);
      if (dlt != null) {
        assertEquals(dlt, rec.get(0).linkType(), "link type");
      }
    }
  }

  private static long epochNanos(String time) {
    return new BigDecimal(time).movePointRight(9).longValueExact();
  }


  private static List<TsharkFrame> tshark(Path file) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "tshark", "-n", "-r", file.toString(), "-o", "frame.generate_md5_hash:TRUE",
                "-T", "fields", "-E", "occurrence=f",
                "-e", "frame.time_epoch", "-e", "frame.cap_len", "-e", "frame.len",
                "-e", "frame.interface_id", "-e", "frame.md5_hash")
            .redirectError(new File("/dev/null"))
            .start();
    List<TsharkFrame> frames = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split("\t", -1);
        frames.add(
            new TsharkFrame(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3], f[4]));
      }
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "tshark finished");
    assertEquals(0, p.exitValue(), "tshark exit status for " + file);
    return frames;
  }

  /** The file's link type according to libpcap, or null when libpcap cannot be loaded. */
  private static Integer libpcapLinkType(Path file) throws Exception {
    PcapHandle h;
    try {
      h = Pcaps.openOffline(file.toString());
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return null;
    }
    try {
      int dlt = h.getDlt().value();
      // libpcap reports DLT_ values; the file (and our reader) carry LINKTYPE_ values, which
      // differ for raw IP: DLT_RAW is 12 (14 on OpenBSD), LINKTYPE_RAW 101.
      return dlt == 12 || dlt == 14 ? LinkType.RAW : dlt;
    } finally {
      h.close();
    }
  }
}
