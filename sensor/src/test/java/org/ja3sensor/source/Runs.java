package org.ja3sensor.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/** Runs a reader over an in-memory capture and keeps everything it produced. */
final class Runs {
  /** The outcome of reading one input. */
  static final class Result {
    final Recorder rec = new Recorder();
    final Counters counters = new Counters();
    SourceException error;
    SourceStats stats;

    long anomalies(Anomaly a) {
      return counters.get(a);
    }
  }

  private Runs() {}

  /**
   * Reads {@code file} twice, once from a stream that hands out everything at once and once from
   * one that hands out a few bytes per read (every record then straddles a refill), and checks
   * that both saw the same frames, anomalies and error.
   */
  static Result read(byte[] file) throws IOException {
    Result whole = readOnce(new ByteArrayInputStream(file), InputWindow.DEFAULT_CAPACITY);
    Result trickled = readOnce(new Trickle(file, 7, 42), PcapngReader.MAX_PACKET_BLOCK_LEN);
    assertSame(whole, trickled);
    return whole;
  }

  static Result readOnce(InputStream in, int capacity) throws IOException {
    Result r = new Result();
    PacketSource src;
    try {
      src = CaptureFiles.open("test.cap", in, -1, r.counters, capacity);
    } catch (SourceException e) {
      r.error = e;
      return r;
    }
    try (src) {
      src.run(r.rec);
    } catch (SourceException e) {
      r.error = e;
    }
    r.stats = src.stats();
    return r;
  }

  static void assertSame(Result a, Result b) {
    assertEquals(a.rec.size(), b.rec.size(), "frame count");
    for (int i = 0; i < a.rec.size(); i++) {
      assertEquals(a.rec.get(i).toString(), b.rec.get(i).toString(), "frame " + i);
      assertArrayEquals(a.rec.get(i).data(), b.rec.get(i).data(), "bytes of frame " + i);
    }
    for (Anomaly an : Anomaly.values()) {
      assertEquals(a.counters.get(an), b.counters.get(an), an.label());
    }
    assertEquals(a.error == null, b.error == null, "error " + a.error + " vs " + b.error);
    if (a.error != null) {
      assertEquals(a.error.getMessage(), b.error.getMessage());
    }
  }

  /** A stream that returns at most a few bytes per read, like a slow pipe. */
  static final class Trickle extends InputStream {
    private final byte[] data;
    private final int maxChunk;
    private final Random random;
    private int pos;

    Trickle(byte[] data, int maxChunk, long seed) {
      this.data = data;
      this.maxChunk = maxChunk;
      this.random = new Random(seed);
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, 1 + random.nextInt(maxChunk)), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
