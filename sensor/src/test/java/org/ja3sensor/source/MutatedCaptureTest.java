package org.ja3sensor.source;

import org.ja3sensor.decode.LinkType;

import static org.ja3sensor.source.CaptureBuilder.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of randomly damaged captures (fixed seed): every run must end, normally or with a
 * one-line {@link SourceException}, hand out only slices inside the buffer, and never run out of
 * memory whatever the damaged lengths say. Seeds: synthetic files of both formats, plus the
 * corpus files when the corpus is there.
 */
class MutatedCaptureTest {
  private static final int ROUNDS = 4000;
  private static final int[] INTERESTING = {
    0, 1, 3, 4, 8, 11, 12, 16, 20, 27, 28, 31, 32, -1, Integer.MAX_VALUE, Integer.MIN_VALUE,
    0x0A0D0D0A, 0x1A2B3C4D, 0x4D3C2B1A, 65535, 65536, 262_144, 262_145, 1 << 20, (1 << 20) + 4,
    16 << 20, (16 << 20) + 4,
  };

  @Test
  void damagedCapturesEndCleanly() throws IOException {
    List<byte[]> seeds = seeds();
    Random random = new Random(0x5EED_CAFEL);
    int[] outcomes = new int[3]; // ended with an error, delivered frames, counted anomalies
    assertTimeoutPreemptively(
        Duration.ofMinutes(5),
        () -> {
          for (int round = 0; round < ROUNDS; round++) {
            byte[] seed = seeds.get(random.nextInt(seeds.size()));
            StringBuilder how = new StringBuilder();
            byte[] input = mutate(seed, random, how);
            try {
              Runs.Result r = readChecked(input, round % 8 == 0);
              outcomes[0] += r.error != null ? 1 : 0;
              outcomes[1] += r.rec.size() > 0 ? 1 : 0;
              outcomes[2] += r.counters.totalAnomalies() > 0 ? 1 : 0;
            } catch (Throwable t) {
              throw new AssertionError(
                  "round " + round + " (seed of " + seed.length + " bytes," + how + ")", t);
            }
          }
        });
    // The damage must reach every path: errors, frames read on, anomalies counted.
    System.out.println("errors, with frames, with anomalies: " + Arrays.toString(outcomes));
    for (int n : outcomes) {
      assertTrue(n > ROUNDS / 20, Arrays.toString(outcomes));
    }
  }

  private static Runs.Result readChecked(byte[] input, boolean trickle) throws IOException {
    Runs.Result r =
        Runs.readOnce(
            trickle ? new Runs.Trickle(input, 3000, input.length) : new ByteArrayInputStream(input),
            PcapngReader.MAX_PACKET_BLOCK_LEN);
    for (Recorder.Frame f : r.rec.frames) {
      assertTrue(f.data().length <= CaptureFileReader.MAX_CAPLEN);
    }
    if (r.error != null) {
      String m = r.error.getMessage();
      assertFalse(m.contains("\n"), m);
      assertTrue(m.startsWith("test.cap: ") && m.endsWith(" at byte offset " + r.error.offset()), m);
      assertTrue(r.error.offset() >= 0 && r.error.offset() <= input.length, m);
    }
    if (r.stats != null) {
      assertEquals(r.rec.size(), r.stats.packets);
      assertTrue(r.stats.inputOffset <= input.length);
    }
    return r;
  }

  private static byte[] mutate(byte[] seed, Random random, StringBuilder how) {
    byte[] b = seed.clone();
    int steps = 1 + random.nextInt(4);
    for (int s = 0; s < steps && b.length > 0; s++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(6)) {
        case 0 -> {
          how.append(" byte@").append(at);
          b[at] = (byte) random.nextInt(256);
        }
        case 1 -> {
          int word = at & ~3;
          if (word + 4 <= b.length) {
            int v = INTERESTING[random.nextInt(INTERESTING.length)];
            if (random.nextBoolean()) {
              v += random.nextInt(9) - 4;
            }
            how.append(" word@").append(word).append('=').append(v);
            ByteOrder order = random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            ByteBuffer.wrap(b).order(order).putInt(word, v);
          }
        }
        case 2 -> {
          how.append(" cut@").append(at);
          b = Arrays.copyOf(b, at);
        }
        case 3 -> {
          int len = Math.min(b.length - at, 1 + random.nextInt(64));
          how.append(" delete@").append(at).append('+').append(len);
          byte[] c = new byte[b.length - len];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + len, c, at, b.length - at - len);
          b = c;
        }
        case 4 -> {
          int len = Math.min(b.length - at, 1 + random.nextInt(256));
          int to = random.nextInt(b.length + 1);
          how.append(" copy@").append(at).append('+').append(len).append("->").append(to);
          byte[] c = new byte[b.length + len];
          System.arraycopy(b, 0, c, 0, to);
          System.arraycopy(b, at, c, to, len);
          System.arraycopy(b, to, c, to + len, b.length - to);
          b = c;
        }
        default -> {
          how.append(" bits@").append(at);
          for (int i = at; i < Math.min(b.length, at + 16); i++) {
            if (random.nextInt(8) == 0) {
              b[i] ^= (byte) (1 << random.nextInt(8));
            }
          }
        }
      }
    }
    return b;
  }

  private static List<byte[]> seeds() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(PcapngReaderTest.twoSections());
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      CaptureBuilder pcap = CaptureBuilder.pcap(order, order == ByteOrder.BIG_ENDIAN, 2000, 1);
      CaptureBuilder ng = CaptureBuilder.pcapng(order);
      ng.idb(LinkType.RAW, 1600, ng.options(ng.tsresol(0x80 | 24), ng.tsoffset(3)));
      for (int i = 0; i < 40; i++) {
        pcap.record(i, i, frame(i, 20 + i * 37), 20 + i * 37);
        ng.epb(0, i, frame(i, 20 + i * 37), 2000);
        if (i % 10 == 0) {
          ng.spb(20 + i, frame(i, 20 + i));
        }
      }
      seeds.add(pcap.bytes());
      seeds.add(ng.bytes());
    }
    // Every corpus file is a seed when the corpus is there (the synthetic ones always are).
    for (Path p : CorpusFiles.captures()) {
      seeds.add(Files.readAllBytes(p));
    }
    return seeds;
  }
}
