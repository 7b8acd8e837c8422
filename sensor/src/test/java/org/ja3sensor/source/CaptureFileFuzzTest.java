package org.ja3sensor.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzz target (Jazzer) for the capture file readers (pcap both byte orders and
 * timestamp units, pcapng): the input is a whole file. Saved inputs: {@code
 * src/test/resources/org/ja3sensor/source/CaptureFileFuzzTestInputs/captureFile/} (the samples'
 * and small corpus captures cut to their first records by {@code scripts/fuzz-seeds.py}, and
 * every past finding).
 *
 * <p>Invariants: the file is read to its end or stops with one {@link SourceException} whose
 * message is one line naming the input and a byte offset inside the file; nothing else is
 * thrown; every frame is a slice inside the buffer, at most the hard caplen limit and never longer
 * than its original length; the same frames, anomalies and error come out whether the input
 * arrives at once or a few bytes per read; the published statistics agree with what was
 * delivered.
 */
class CaptureFileFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void captureFile(byte[] data) throws IOException {
    Runs.Result whole =
        Runs.readOnce(new ByteArrayInputStream(data), PcapngReader.MAX_PACKET_BLOCK_LEN);
    Runs.Result trickled =
        Runs.readOnce(new Runs.Trickle(data, 1 + (data.length & 31), data.length),
            PcapngReader.MAX_PACKET_BLOCK_LEN);
    Runs.assertSame(whole, trickled);
    for (Recorder.Frame f : whole.rec.frames) {
      assertTrue(f.data().length <= CaptureFileReader.MAX_CAPLEN, "caplen " + f.data().length);
    }
    if (whole.error != null) {
      String m = whole.error.getMessage();
      assertFalse(m.contains("\n") || m.contains("\r"), "a message of several lines: " + m);
      assertTrue(m.startsWith("test.cap: ") && m.endsWith(" at byte offset " + whole.error.offset()),
          m);
      assertTrue(whole.error.offset() >= 0 && whole.error.offset() <= data.length, m);
    }
    if (whole.stats != null) {
      assertEquals(whole.rec.size(), whole.stats.packets, "published packet count");
      long bytes = 0;
      for (Recorder.Frame f : whole.rec.frames) {
        bytes += f.data().length;
      }
      assertEquals(bytes, whole.stats.bytes, "published byte count");
      assertTrue(whole.stats.badRecords <= whole.counters.totalAnomalies());
    } else {
      assertEquals(0, whole.rec.size(), "frames from a file whose header was refused");
    }
  }
}
