package org.ja3sensor.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.LinkType;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.source.CaptureFiles;
import org.ja3sensor.source.FrameRest;
import org.ja3sensor.source.PacketHandler;
import org.ja3sensor.source.PacketSource;
import org.ja3sensor.source.RingCaptureSource;
import org.ja3sensor.source.SourceStats;
import org.junit.jupiter.api.Test;

/**
 * Frames handed over partly copied ({@link PacketHandler#onPartialPacket}, as the ring reader
 * does for plain TCP segments) give exactly the events and counters of the same frames handed
 * over whole, with the single local pipeline and with workers, for every Ethernet capture of
 * samples/ (handshakes, certificates over many segments, IPv6, fragments, reused ports) and for
 * the same frames with random damage. The bytes not yet copied are filled with junk, so a read of
 * them before {@link org.ja3sensor.decode.DecodedPacket#completePayload} would change the result.
 */
class PartialFramesTest {
  private static final Path SAMPLES =
      Path.of(System.getProperty("user.dir")).getParent().resolve("samples");

  /** Every Ethernet frame of samples/, in file order. */
  static List<byte[]> sampleFrames() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(SAMPLES)) {
      files = s.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).sorted().toList();
    }
    List<byte[]> frames = new ArrayList<>();
    for (Path f : files) {
      try (PacketSource src = CaptureFiles.open(f.toString(), new Counters())) {
        src.run((linkType, ts, buf, off, cap, orig, ifIndex) -> {
          if (linkType == LinkType.ETHERNET) {
            frames.add(Arrays.copyOfRange(buf, off, off + cap));
          }
        });
      }
    }
    return frames;
  }

  /** Replays frames, 1 us apart from now, whole or partly copied. */
  static final class Replay implements PacketSource {
    final List<byte[]> frames;
    final boolean partial;
    final SourceStats stats = new SourceStats();
    final byte[] buf = new byte[65_539];
    int partialFrames;
    int restsCopied;

    Replay(List<byte[]> frames, boolean partial) {
      this.frames = frames;
      this.partial = partial;
    }

    @Override
    public void run(PacketHandler handler) {
      long base = System.currentTimeMillis() * 1_000_000L;
      int i = 0;
      for (byte[] f : frames) {
        long ts = base + 1000L * i++;
        stats.packets++;
        int head = RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(f), 0, f.length);
        if (partial && head >= 0 && f.length - head > PacketHandler.PARTIAL_PEEK) {
          int first = head + PacketHandler.PARTIAL_PEEK;
          System.arraycopy(f, 0, buf, 0, first);
          Arrays.fill(buf, first, f.length, (byte) 0x16); // junk that looks like a record start
          partialFrames++;
          boolean[] copied = {false};
          FrameRest rest = () -> {
            if (!copied[0]) {
              copied[0] = true;
              restsCopied++;
              System.arraycopy(f, first, buf, first, f.length - first);
            }
          };
          handler.onPartialPacket(LinkType.ETHERNET, ts, buf, 0, f.length, f.length, 0, rest);
        } else {
          System.arraycopy(f, 0, buf, 0, f.length);
          handler.onPacket(LinkType.ETHERNET, ts, buf, 0, f.length, f.length, 0);
        }
      }
    }

    @Override
    public void stop() {}

    @Override
    public String name() {
      return "replay";
    }

    @Override
    public SourceStats stats() {
      return stats;
    }

    @Override
    public void close() {}
  }

  record Outcome(List<String> events, String counters) {}

  static Outcome run(Replay source, int workers) throws Exception {
    EventJson json = new EventJson();
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    ParallelRunner r = new ParallelRunner(List.of(source), "partial-test", PipelineConfig.defaults(),
        new ParallelRunner.Settings(workers, 16 << 20, 65_535, 60_000, 0, 1024, 1000, true),
        e -> events.add(json.toJson(e).replaceAll("\"(@timestamp|id|created)\":\"[^\"]*\"", "")),
        null, m -> {});
    if (workers == 0) {
      r.useSingleLocalPipeline(PipelineConfig.defaults());
    }
    Counters c = r.run().counters;
    StringBuilder s = new StringBuilder();
    s.append("tcp=").append(c.tcpPackets).append(" other=").append(c.otherPackets)
        .append(" fragments=").append(c.ipFragments).append(" reassembled=")
        .append(c.ipReassembled).append(" flows=").append(c.flows).append(" ch=")
        .append(c.clientHellos).append(" sh=").append(c.serverHellos).append(" events=")
        .append(c.events);
    for (Anomaly a : Anomaly.values()) {
      if (c.get(a) != 0) {
        s.append(' ').append(a).append('=').append(c.get(a));
      }
    }
    List<String> sorted = new ArrayList<>(events);
    Collections.sort(sorted);
    return new Outcome(sorted, s.toString());
  }

  private static void sameOutcome(List<byte[]> frames, int workers, boolean expectSavings)
      throws Exception {
    Outcome whole = run(new Replay(frames, false), workers);
    Replay partial = new Replay(frames, true);
    Outcome split = run(partial, workers);
    assertEquals(whole.counters(), split.counters(), "workers " + workers);
    assertEquals(whole.events().size(), split.events().size(), "workers " + workers);
    for (int i = 0; i < whole.events().size(); i++) {
      assertEquals(whole.events().get(i), split.events().get(i), "workers " + workers);
    }
    assertTrue(partial.partialFrames > 100, "partial frames: " + partial.partialFrames);
    if (expectSavings) {
      // the directions that had found their hello did not need the rest of their segments
      assertTrue(partial.restsCopied < partial.partialFrames,
          partial.restsCopied + " of " + partial.partialFrames);
    } else {
      assertEquals(partial.partialFrames, partial.restsCopied, "workers get whole segments");
    }
  }

  @Test
  void samplesGiveTheSameEventsWhetherFramesComeWholeOrInPart() throws Exception {
    List<byte[]> frames = sampleFrames();
    assertTrue(frames.size() > 1000, "frames: " + frames.size());
    Outcome whole = run(new Replay(frames, false), 0);
    assertTrue(whole.events().size() > 50, "events: " + whole.events().size());
    assertTrue(whole.events().stream().anyMatch(e -> e.contains("\"x509\"")), "certificates");
    sameOutcome(frames, 0, true);
    sameOutcome(frames, 1, false);
    sameOutcome(frames, 2, false);
  }

  @Test
  void damagedFramesGiveTheSameOutcomeWholeOrInPart() throws Exception {
    List<byte[]> frames = sampleFrames();
    Random r = new Random(20261207);
    List<byte[]> damaged = new ArrayList<>();
    for (byte[] f : frames) {
      byte[] d = f.clone();
      int flips = r.nextInt(4);
      for (int i = 0; i < flips; i++) {
        // mostly the headers the source reads before it decides, sometimes the payload's start
        int at = r.nextInt(Math.min(d.length, r.nextBoolean() ? 80 : 200));
        d[at] = (byte) r.nextInt(256);
      }
      if (r.nextInt(20) == 0) {
        d = Arrays.copyOf(d, r.nextInt(d.length) + 1);
      }
      damaged.add(d);
    }
    sameOutcome(damaged, 0, true);
    sameOutcome(damaged, 2, false);
  }

  @Test
  void onlyPlainTcpSegmentsArePartlyCopied() {
    byte[] v4 = QueueFullTest.frame(0x0a000001, 0x0a000002, 40_000, 443, 1, 1, new byte[100]);
    assertEquals(54, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(v4), 0, v4.length));
    byte[] options = v4.clone();
    options[14] = 0x46; // IPv4 header of 24 bytes, the TCP header after it
    options[14 + 24 + 12] = 0x50;
    assertEquals(58, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(options), 0, v4.length));
    byte[] tcpOptions = v4.clone();
    tcpOptions[46] = (byte) 0x80; // TCP header of 32 bytes
    assertEquals(66, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(tcpOptions), 0, 154));
    // at an offset in the ring
    byte[] ring = new byte[300];
    System.arraycopy(v4, 0, ring, 100, v4.length);
    assertEquals(54, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(ring), 100, v4.length));

    byte[] fragment = v4.clone();
    fragment[20] = 0x20; // more fragments
    assertEquals(-1, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(fragment), 0, v4.length));
    byte[] offset = v4.clone();
    offset[21] = 0x01; // fragment offset 8
    assertEquals(-1, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(offset), 0, v4.length));
    byte[] dontFragment = v4.clone();
    dontFragment[20] = 0x40; // DF alone is not a fragment
    assertEquals(54, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(dontFragment), 0, 154));
    byte[] udp = v4.clone();
    udp[23] = 17;
    assertEquals(-1, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(udp), 0, v4.length));
    byte[] vlan = v4.clone();
    vlan[12] = (byte) 0x81;
    vlan[13] = 0x00;
    assertEquals(-1, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(vlan), 0, v4.length));
    byte[] shortIhl = v4.clone();
    shortIhl[14] = 0x44;
    assertEquals(-1, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(shortIhl), 0, v4.length));
    byte[] shortDataOffset = v4.clone();
    shortDataOffset[46] = 0x40;
    assertEquals(-1,
        RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(shortDataOffset), 0, v4.length));
    byte[] longDataOffset = v4.clone();
    longDataOffset[46] = (byte) 0xf0; // 60 bytes, past the 80 captured
    assertEquals(-1, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(longDataOffset), 0, 80));
    assertEquals(-1, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(v4), 0, 53));

    byte[] v6 = new byte[14 + 40 + 20 + 10];
    v6[12] = (byte) 0x86;
    v6[13] = (byte) 0xdd;
    v6[14] = 0x60;
    v6[20] = 6; // next header TCP
    v6[14 + 40 + 12] = 0x50;
    assertEquals(74, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(v6), 0, v6.length));
    v6[20] = 0; // a hop-by-hop header first
    assertEquals(-1, RingCaptureSource.plainTcpHeaders(ByteBuffer.wrap(v6), 0, v6.length));
  }
}
