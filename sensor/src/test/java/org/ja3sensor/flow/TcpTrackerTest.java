package org.ja3sensor.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.junit.jupiter.api.Test;

/**
 * The TCP rules of {@link TcpTracker} with an application that knows no TLS: it records sessions,
 * streams and ends, and calls a payload starting with 'N' a connection start.
 */
class TcpTrackerTest {
  static final long SEC = 1_000_000_000L;

  /** One session per connection: what its consumers received. */
  static final class Session {
    final StringBuilder[] bytes = {new StringBuilder(), new StringBuilder()};
    final List<TcpTracker.End> ends = new ArrayList<>();
    int released;
  }

  final Counters counters = new Counters();
  final List<Session> sessions = new ArrayList<>();
  /** The flow of the last stream opened. */
  Flow<Session> lastFlow;
  /** Bytes a consumer claims to hold (to exercise the memory cap). */
  int holds;

  final TcpTracker.Application<Session> app =
      new TcpTracker.Application<>() {
        @Override
        public Session newSession() {
          Session s = new Session();
          sessions.add(s);
          return s;
        }

        @Override
        public StreamConsumer openStream(Flow<Session> flow, int side) {
          lastFlow = flow;
          Session s = flow.session;
          return new StreamConsumer() {
            @Override
            public boolean onBytes(byte[] b, int off, int len, long tsNanos) {
              s.bytes[side].append(new String(b, off, len, java.nio.charset.StandardCharsets.US_ASCII));
              return s.bytes[side].indexOf(".") < 0; // a '.' ends what this direction says
            }

            @Override
            public void onGap() {}

            @Override
            public int bufferedBytes() {
              return holds;
            }

            @Override
            public void release() {
              s.released++;
            }
          };
        }

        @Override
        public boolean startsConnection(Flow<Session> flow, int side, byte[] b, int off, int len) {
          return len > 0 && b[off] == 'N';
        }

        @Override
        public void onEnd(Flow<Session> flow, TcpTracker.End why) {
          flow.session.ends.add(why);
        }
      };

  TcpTracker<Session> tracker = new TcpTracker<>(counters, app, 100, 30 * SEC, 1 << 16, 1 << 20, 8);

  static DecodedPacket seg(boolean fromClient, int cport, int seq, int flags, String data) {
    DecodedPacket p = new DecodedPacket();
    p.srcLo = 0xffff00000000L | (fromClient ? 0x0a000001L : 0x0a000002L);
    p.dstLo = 0xffff00000000L | (fromClient ? 0x0a000002L : 0x0a000001L);
    p.srcPort = fromClient ? cport : 443;
    p.dstPort = fromClient ? 443 : cport;
    p.seq = seq;
    p.tcpFlags = flags;
    byte[] b = data.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    p.payload = b;
    p.payloadOff = 0;
    p.payloadLen = b.length;
    p.payloadWireLen = b.length;
    return p;
  }

  void send(boolean fromClient, int seq, int flags, String data, long ts) {
    tracker.onSegment(seg(fromClient, 40000, seq, flags, data), ts, 0);
  }

  static final int ACK = DecodedPacket.ACK;

  @Test
  void aFinFromOneSideLeavesTheOtherSideFreeToAnswer() {
    send(true, 100, DecodedPacket.SYN, "", SEC);
    send(true, 101, ACK, "hello.", SEC);
    send(true, 107, ACK | DecodedPacket.FIN, "", SEC);
    Session s = sessions.get(0);
    assertEquals(List.of(), s.ends);
    send(false, 500, ACK, "answer.", SEC);
    assertEquals("answer.", s.bytes[1].toString());
    send(false, 507, ACK | DecodedPacket.FIN, "", SEC);
    assertEquals(List.of(TcpTracker.End.CLOSED), s.ends);
    tracker.finish();
    assertEquals(List.of(TcpTracker.End.CLOSED, TcpTracker.End.INPUT_END), s.ends);
  }

  @Test
  void aDirectionHasAStreamOnlyOnceItSends() {
    send(true, 100, ACK, "hello", SEC);
    Flow<Session> f = lastFlow;
    int client = sideOfClient(40000);
    FlowKey key = f; // the flow is its own key
    assertEquals(client, key.sideOf(seg(true, 40000, 105, ACK, "")));
    assertNotNull(f.streamIfAny(client));
    assertNull(f.streamIfAny(1 - client), "the server has not sent: no stream");
    send(true, 105, ACK | DecodedPacket.FIN, "", SEC);
    assertNull(f.streamIfAny(1 - client), "a FIN of one side makes none for the other");
    send(false, 500, ACK, "answer.", SEC);
    assertEquals("answer.", sessions.get(0).bytes[1].toString());
    assertNotNull(f.streamIfAny(1 - client));
  }

  @Test
  void aRstEndsTheSideThatNeverSentToo() {
    send(true, 100, ACK, "part", SEC);
    Flow<Session> f = lastFlow;
    int client = sideOfClient(40000);
    send(true, 104, DecodedPacket.RST, "", SEC);
    assertEquals(List.of(TcpTracker.End.CLOSED), sessions.get(0).ends);
    assertEquals(TcpStream.DONE, f.streamIfAny(1 - client).state);
    send(false, 500, ACK, "late answer.", SEC);
    assertEquals("", sessions.get(0).bytes[1].toString(), "nothing read after the RST");
    assertEquals(1, sessions.size());
  }

  @Test
  void rstEndsTheConnectionAndReleasesBothDirections() {
    send(true, 100, ACK, "part", SEC);
    send(false, 500, ACK, "part", SEC);
    send(false, 504, DecodedPacket.RST, "", SEC);
    Session s = sessions.get(0);
    assertEquals(List.of(TcpTracker.End.CLOSED), s.ends);
    assertEquals(2, s.released);
    assertEquals(0, tracker.bufferedBytes());
  }

  @Test
  void aSynWithAnotherIsnIsANewConnection() {
    send(true, 100, DecodedPacket.SYN, "", SEC);
    send(true, 101, ACK, "one.", SEC);
    send(true, 100, DecodedPacket.SYN, "", SEC + 1); // retransmitted SYN: same connection
    assertEquals(1, sessions.size());
    send(true, 9000, DecodedPacket.SYN, "", 2 * SEC);
    send(true, 9001, ACK, "two.", 2 * SEC);
    assertEquals(2, sessions.size());
    assertEquals(List.of(TcpTracker.End.REUSED), sessions.get(0).ends);
    assertEquals("two.", sessions.get(1).bytes[0].toString());
    assertEquals(2, counters.flows);
  }

  @Test
  void aConnectionStartOutsideTheSentRangeIsANewConnectionWithoutSyn() {
    send(true, 100, ACK, "Nfirst.", SEC);
    send(true, 100, ACK, "Nfirst.", SEC + 1); // a retransmission: inside the sent range
    send(true, 107, ACK, "Nlater", SEC + 2); // a continuation
    assertEquals(1, sessions.size());
    send(true, 800_000, ACK, "Nsecond.", 3 * SEC);
    assertEquals(2, sessions.size());
    assertEquals("Nsecond.", sessions.get(1).bytes[0].toString());
    send(true, 900_000, ACK, "xother", 4 * SEC); // not a start: ignored
    assertEquals(2, sessions.size());
  }

  @Test
  void segmentsThatTeachNothingMakeNoFlow() {
    send(true, 100, ACK, "", SEC);
    send(true, 100, ACK | DecodedPacket.FIN, "", SEC);
    send(true, 100, DecodedPacket.RST, "x", SEC);
    assertEquals(0, tracker.activeFlows());
    assertEquals(0, sessions.size());
  }

  @Test
  void theMemoryCapAbandonsTheDirectionThatGrew() {
    holds = 2 << 20; // more than the 1 MiB cap
    send(true, 100, ACK, "big", SEC);
    assertEquals(1, counters.get(Anomaly.REASSEMBLY_MEMCAP));
    assertEquals(1, sessions.get(0).released);
    assertEquals(0, tracker.bufferedBytes());
  }

  @Test
  void evictionWhenFullAndWhenIdle() {
    tracker = new TcpTracker<>(counters, app, 2, 30 * SEC, 1 << 16, 1 << 20, 8);
    tracker.onSegment(seg(true, 1, 1, ACK, "a"), SEC, 0);
    tracker.onSegment(seg(true, 2, 1, ACK, "b"), SEC, 0);
    tracker.onSegment(seg(true, 3, 1, ACK, "c"), SEC, 0);
    assertEquals(1, counters.get(Anomaly.FLOW_TABLE_FULL));
    assertEquals(List.of(TcpTracker.End.EVICTED), sessions.get(0).ends);
    tracker.onSegment(seg(true, 3, 2, ACK, "c"), 20 * SEC, 0);
    tracker.onSegment(seg(true, 4, 1, ACK, "d"), 40 * SEC, 0);
    assertEquals(List.of(TcpTracker.End.EVICTED), sessions.get(1).ends, "idle for 39 s");
    assertEquals(List.of(), sessions.get(2).ends, "idle for 20 s");
    assertEquals(1, counters.flowsIdleEvicted);
    assertEquals(2, tracker.activeFlows());
  }

  @Test
  void eachSessionBelongsToItsFlow() {
    tracker.onSegment(seg(true, 1, 1, ACK, "a"), SEC, 0);
    tracker.onSegment(seg(false, 1, 1, ACK, "b"), SEC, 0);
    tracker.onSegment(seg(true, 2, 1, ACK, "c"), SEC, 0);
    assertEquals(2, sessions.size());
    assertEquals("a", sessions.get(0).bytes[sideOfClient(1)].toString());
    assertEquals("b", sessions.get(0).bytes[1 - sideOfClient(1)].toString());
    assertNotSame(sessions.get(0), sessions.get(1));
    assertEquals("c", sessions.get(1).bytes[sideOfClient(2)].toString());
  }

  /** Side (0 = A) of the client of port {@code cport}: A is the lower endpoint. */
  static int sideOfClient(int cport) {
    FlowKey k = new FlowKey(seg(true, cport, 1, ACK, ""), 0);
    return k.sideOf(seg(true, cport, 1, ACK, ""));
  }

  @Test
  void sideOfIsConsistentWithTheKey() {
    FlowKey k = new FlowKey(seg(true, 5, 1, ACK, ""), 7);
    FlowKey reverse = new FlowKey(seg(false, 5, 1, ACK, ""), 7);
    assertEquals(1, k.sideOf(seg(true, 5, 1, ACK, "")) + k.sideOf(seg(false, 5, 1, ACK, "")));
    assertEquals(k.aPort(), reverse.aPort(), "both directions give the same key");
    assertEquals(k.aLo(), reverse.aLo());
    assertEquals(FlowKey.hash(seg(true, 5, 1, ACK, "")), FlowKey.hash(seg(false, 5, 1, ACK, "")));
  }
}
