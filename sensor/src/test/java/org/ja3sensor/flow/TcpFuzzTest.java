package org.ja3sensor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;

/**
 * Coverage-guided fuzz target (Jazzer) for TCP reassembly and the connection rules, fed from a
 * fuzzed script of segments rather than raw packets: segments of known streams in any order,
 * overlapping, duplicated, altered, with SYN, FIN and RST, across sequence-number wraparound, on
 * up to four flows competing for a table of three and a small memory cap.
 *
 * <p>Script: byte 0 picks the bounds (bytes and separate runs per direction), bytes 1-4 the base
 * of the initial sequence numbers (so wraparound is reached), byte 5 the stream lengths; then 4
 * bytes per segment: offset in the stream (16 bits), length, and flags (side, flow, SYN, FIN, RST,
 * altered bytes). Each direction of each flow sends a fixed pseudo-random stream; an altered
 * segment carries its bytes XOR 0x5a.
 *
 * <p>Invariants checked after every segment: the bytes all streams account equal the sum of what
 * each stream really holds, and stay within the memory cap; each direction's real heap cost stays
 * within its bound (4 x the per-direction byte cap plus the run bookkeeping); the bytes a consumer
 * receives are the stream itself from one anchor on (each byte from one of the copies sent, and
 * exactly the stream's bytes when no copy was altered), nothing after release, and, when no bound
 * was hit, every byte that was contiguously available from the anchor; after {@code finish} no
 * flow and no buffered byte is left.
 */
class TcpFuzzTest {
  private static final int FLOWS = 4;
  private static final int SEGMENT_BYTES = 4;
  private static final int HEADER = 6;

  /** One direction's consumer: one connection's bytes, as delivered. */
  private static final class Sink implements StreamConsumer {
    final int flow;
    final int side;
    final int generation;
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    /** Offsets of the segments sent to this direction while this consumer was current. */
    final List<int[]> sent = new ArrayList<>();
    boolean released;
    boolean gap;
    int held;

    Sink(int flow, int side, int generation) {
      this.flow = flow;
      this.side = side;
      this.generation = generation;
    }

    @Override
    public boolean onBytes(byte[] b, int off, int len, long tsNanos) {
      assertFalse(released, "bytes after release");
      assertTrue(len > 0, "empty delivery");
      got.write(b, off, len);
      held = Math.min(got.size(), 700); // a parser holding part of what it saw, as TLS does
      return true;
    }

    @Override
    public void onGap() {
      assertFalse(released, "gap after release");
      assertFalse(gap, "gap told twice");
      gap = true;
    }

    @Override
    public int bufferedBytes() {
      return released ? 0 : held;
    }

    @Override
    public void release() {
      assertFalse(released, "released twice");
      released = true;
      held = 0;
    }
  }

  private final class App implements TcpTracker.Application<Integer> {
    final List<Flow<Integer>> flows = new ArrayList<>();
    final Sink[][] current = new Sink[FLOWS][2];
    final List<Sink> all = new ArrayList<>();
    int sessions;

    @Override
    public Integer newSession() {
      return sessions++;
    }

    @Override
    public StreamConsumer openStream(Flow<Integer> flow, int side) {
      if (!flows.contains(flow)) {
        flows.add(flow);
      }
      boolean aIsClient = flow.aPort() == CLIENT_PORT;
      int id = (aIsClient ? flow.bPort() : flow.aPort()) - SERVER_PORT;
      // The key's side 0 is endpoint A; the script's side 0 is the server.
      int scriptSide = aIsClient ? 1 - side : side;
      Sink s = new Sink(id, scriptSide, flow.session);
      current[id][scriptSide] = s;
      all.add(s);
      return s;
    }

    @Override
    public boolean startsConnection(Flow<Integer> flow, int side, byte[] b, int off, int len) {
      return b[off] == 0x16;
    }

    @Override
    public void onEnd(Flow<Integer> flow, TcpTracker.End why) {}
  }

  private static final int CLIENT_PORT = 40000;
  private static final int SERVER_PORT = 443;

  @FuzzTest(maxDuration = "10s")
  void reassembly(byte[] data) {
    if (data.length < HEADER) {
      return;
    }
    int maxBytes = new int[] {64, 300, 1024, 4096}[data[0] & 3];
    int maxRuns = new int[] {1, 2, 8, 64}[(data[0] >>> 2) & 3];
    long memcap = new long[] {2_000, 6_000, 20_000, 1_000_000}[(data[0] >>> 4) & 3];
    int isnBase = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8)
        | (data[4] & 0xff);
    int streamLen = 1 + (data[5] & 0xff) * 16;
    byte[][][] truth = new byte[FLOWS][2][];
    for (int f = 0; f < FLOWS; f++) {
      for (int side = 0; side < 2; side++) {
        truth[f][side] = new byte[streamLen];
        new SplittableRandom(f * 2 + side + 1).nextBytes(truth[f][side]);
      }
    }
    Counters counters = new Counters();
    App app = new App();
    TcpTracker<Integer> tcp =
        new TcpTracker<>(counters, app, 3, Long.MAX_VALUE / 4, maxBytes, memcap, maxRuns);
    boolean altered = false;
    DecodedPacket p = new DecodedPacket();
    long ts = 1_000_000_000L;
    for (int at = HEADER; at + SEGMENT_BYTES <= data.length; at += SEGMENT_BYTES) {
      int offset = ((data[at] & 0xff) << 8 | (data[at + 1] & 0xff)) % (streamLen + 64);
      int flags = data[at + 3] & 0xff;
      int side = flags & 1;
      int flow = (flags >>> 1) & 3;
      boolean syn = (flags & 0x08) != 0;
      boolean fin = (flags & 0x10) != 0;
      boolean rst = (flags & 0x60) == 0x60; // rarer than the others
      boolean alter = (flags & 0x80) != 0;
      int len = Math.max(0, Math.min(data[at + 2] & 0xff, streamLen - offset));
      int isn = isnBase + flow * 0x1000_0000 + side * 0x0800_0000;
      // SYN carries isn; stream byte i has sequence number isn + 1 + i.
      int seq = syn ? isn : isn + 1 + offset;
      byte[] frame = new byte[3 + len];
      if (len > 0) {
        System.arraycopy(truth[flow][side], offset, frame, 3, len);
      }
      if (alter && len > 0) {
        altered = true;
        for (int i = 3; i < frame.length; i++) {
          frame[i] ^= 0x5a;
        }
      }
      if (syn) {
        len = 0; // a SYN without payload: the bytes at offset are sent by later segments
      }
      Sink before = app.current[flow][side];
      fill(p, flow, side, seq, (syn ? DecodedPacket.SYN : 0) | (side == 1 ? DecodedPacket.ACK : 0)
          | (fin ? DecodedPacket.FIN : 0) | (rst ? DecodedPacket.RST : 0), frame, 3, len);
      if (len > 0 && before != null && !before.released) {
        before.sent.add(new int[] {offset, len});
      }
      tcp.onSegment(p, ts, 0);
      ts += 1000;
      Sink after = app.current[flow][side];
      if (after != before && after != null && len > 0) {
        after.sent.add(new int[] {offset, len});
      }
      checkAccounting(tcp, app, memcap, maxBytes, maxRuns);
    }
    boolean bounded = counters.get(Anomaly.REASSEMBLY_FLOW_CAP) > 0
        || counters.get(Anomaly.REASSEMBLY_QUEUE_FULL) > 0
        || counters.get(Anomaly.REASSEMBLY_MEMCAP) > 0;
    if (!altered) {
      assertEquals(0, counters.get(Anomaly.REASSEMBLY_OVERLAP_MISMATCH),
          "a mismatch counted though every copy was the same");
    }
    for (Sink s : app.all) {
      checkDelivered(s, truth[s.flow][s.side], altered, bounded);
    }
    tcp.finish();
    assertEquals(0, tcp.activeFlows(), "flows left after finish");
    assertEquals(0, tcp.bufferedBytes(), "bytes left after finish");
    for (Sink s : app.all) {
      assertTrue(s.released, "a consumer never released");
    }
    checkAccounting(tcp, app, memcap, maxBytes, maxRuns);
  }

  private static void checkAccounting(
      TcpTracker<Integer> tcp, App app, long memcap, int maxBytes, int maxRuns) {
    long sum = 0;
    int bound = 96 + Math.max(256, 4 * maxBytes) + 8 * Math.max(4, 2 * (maxRuns + 1)) + 700;
    for (Flow<Integer> f : app.flows) {
      for (int side = 0; side < 2; side++) {
        TcpStream s = f.streamIfAny(side);
        if (s == null) {
          continue; // this side never sent: it holds nothing
        }
        int real = s.bufferedBytes();
        assertEquals(real, s.accountedBytes(), "a stream's bytes not accounted");
        // Messages as suppliers, built only on failure: this runs per segment.
        assertTrue(real <= bound, () -> "a direction holds " + real + " bytes, bound " + bound);
        sum += real;
      }
    }
    assertEquals(sum, tcp.bufferedBytes(), "accounted bytes differ from what streams hold");
    assertTrue(tcp.bufferedBytes() <= memcap,
        () -> "buffered " + tcp.bufferedBytes() + " above the memory cap " + memcap);
  }

  /** The consumer got the stream from one anchor on, and all of it that was available. */
  private static void checkDelivered(Sink s, byte[] truth, boolean altered, boolean bounded) {
    byte[] got = s.got.toByteArray();
    if (got.length == 0) {
      return;
    }
    // The anchor: 0 (a SYN was seen) or the offset of the segment that opened the direction.
    // Several may match a short delivery by chance; one of them must explain it.
    List<Integer> candidates = new ArrayList<>();
    candidates.add(0);
    for (int[] seg : s.sent) {
      candidates.add(seg[0]);
    }
    boolean matched = false;
    for (int a : candidates) {
      if (!matches(got, truth, a, altered)) {
        continue;
      }
      matched = true;
      if (bounded || s.released || reach(s, a) - a == got.length) {
        return;
      }
    }
    if (!matched) {
      fail("flow " + s.flow + " side " + s.side + ": delivered " + got.length
          + " bytes that are not the stream from any anchor: " + Arrays.toString(
              Arrays.copyOf(got, Math.min(16, got.length))));
    }
    fail("flow " + s.flow + " side " + s.side + ": " + got.length + " bytes delivered, but from"
        + " no anchor is that what was contiguously available (no bound was hit)");
  }

  /** The end of the bytes contiguously available from {@code anchor} in what was sent. */
  private static int reach(Sink s, int anchor) {
    int reach = anchor;
    boolean grew = true;
    while (grew) {
      grew = false;
      for (int[] seg : s.sent) {
        if (seg[0] <= reach && seg[0] + seg[1] > reach) {
          reach = seg[0] + seg[1];
          grew = true;
        }
      }
    }
    return reach;
  }

  private static boolean matches(byte[] got, byte[] truth, int anchor, boolean altered) {
    if (anchor + got.length > truth.length) {
      return false;
    }
    for (int i = 0; i < got.length; i++) {
      byte t = truth[anchor + i];
      if (got[i] != t && !(altered && got[i] == (byte) (t ^ 0x5a))) {
        return false;
      }
    }
    return true;
  }

  private static void fill(
      DecodedPacket p, int flow, int side, int seq, int flags, byte[] b, int off, int len) {
    long client = 0x0000ffff_0a000001L;
    long server = 0x0000ffff_0a000002L;
    p.ipv6 = false;
    p.srcHi = 0;
    p.dstHi = 0;
    // Script side 0 sends from the server.
    p.srcLo = side == 0 ? server : client;
    p.dstLo = side == 0 ? client : server;
    p.srcPort = side == 0 ? SERVER_PORT + flow : CLIENT_PORT;
    p.dstPort = side == 0 ? CLIENT_PORT : SERVER_PORT + flow;
    p.seq = seq;
    p.ack = 0;
    p.tcpFlags = flags;
    p.payload = b;
    p.payloadOff = off;
    p.payloadLen = len;
    p.payloadWireLen = len;
    p.tunnelDepth = 0;
  }
}
