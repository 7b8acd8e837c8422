package org.ja3sensor.pipeline;

import org.ja3sensor.Unreachable;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flow table, reassembly and event emission, driven with decoded segments (no capture file): the
 * cases where simple JA3 tools fail.
 */
class PipelineTest {
  static final int CLIENT = 0x0a000001;
  static final int SERVER = 0x0a000002;
  static final long SEC = 1_000_000_000L;

  final List<TlsEvent> events = new ArrayList<>();
  Counters counters;
  Pipeline pipeline;

  @BeforeEach
  void setUp() {
    counters = new Counters();
    pipeline = new Pipeline(PipelineConfig.defaults(), counters, events::add);
  }

  static DecodedPacket seg(boolean fromClient, int cport, int seq, int flags, byte[] data, int off, int len) {
    DecodedPacket p = new DecodedPacket();
    int src = fromClient ? CLIENT : SERVER;
    int dst = fromClient ? SERVER : CLIENT;
    p.srcLo = 0xffff00000000L | (src & 0xffffffffL);
    p.dstLo = 0xffff00000000L | (dst & 0xffffffffL);
    p.srcPort = fromClient ? cport : 443;
    p.dstPort = fromClient ? 443 : cport;
    p.seq = seq;
    p.tcpFlags = flags;
    p.payload = data;
    p.payloadOff = off;
    p.payloadLen = len;
    p.payloadWireLen = len;
    return p;
  }

  void send(boolean fromClient, int cport, int seq, int flags, byte[] data, int off, int len, long ts) {
    pipeline.onSegment(seg(fromClient, cport, seq, flags, data, off, len), ts, 0);
  }

  void sendAll(boolean fromClient, int cport, int seq, byte[] data, long ts) {
    send(fromClient, cport, seq, DecodedPacket.ACK | DecodedPacket.PSH, data, 0, data.length, ts);
  }

  void handshake(int cport, int cisn, int sisn, long ts, byte[] ch) {
    send(true, cport, cisn, DecodedPacket.SYN, null, 0, 0, ts);
    send(false, cport, sisn, DecodedPacket.SYN | DecodedPacket.ACK, null, 0, 0, ts);
    sendAll(true, cport, cisn + 1, ch, ts + 1000);
    sendAll(false, cport, sisn + 1, Hellos.serverHelloRecord(), ts + 2000);
  }

  @Test
  void helloInOneSegmentGivesOneEventAtTheServerHello() {
    handshake(40000, 1000, 5000, 10 * SEC, Hellos.clientHelloRecord("example.org", 10));
    assertEquals(1, events.size());
    TlsEvent e = events.get(0);
    assertEquals(TlsEvent.Trigger.SERVER_HELLO, e.trigger);
    assertEquals("10.0.0.1", e.clientIp);
    assertEquals(40000, e.clientPort);
    assertEquals("10.0.0.2", e.serverIp);
    assertEquals(443, e.serverPort);
    assertEquals(Hellos.CLIENT_JA3, e.ja3String);
    assertEquals(Hellos.SERVER_JA3S, e.ja3sString);
    assertEquals("example.org", e.clientHello.serverName());
    assertEquals(10 * SEC + 1000, e.timestampNanos);
    pipeline.finish();
    assertEquals(1, events.size(), "no second event at input end");
  }

  @Test
  void aPipelineLeavesToItsListenerWhatItsDeriveSettingSays() {
    byte[] ch = Hellos.clientHelloRecord("derive.example", 10);
    handshake(40010, 1000, 5000, 10 * SEC, ch); // ALL, the default
    TlsEvent all = events.get(0);
    assertEquals("10.0.0.1", all.clientIp);

    // A pipeline on a capture thread: the ClientHello's fingerprints (through this thread's
    // memo), not the address strings, Community ID or JA3S, which the emitter fills.
    pipeline.setDerive(Pipeline.Derive.CLIENT_FINGERPRINTS);
    handshake(40011, 1000, 5000, 10 * SEC, ch);
    TlsEvent some = events.get(1);
    assertEquals(Hellos.CLIENT_JA3, some.ja3String);
    assertNotNull(some.ja4);
    assertNull(some.clientIp);
    assertNull(some.communityId);
    assertNull(some.ja3sString);

    pipeline.setDerive(Pipeline.Derive.NONE); // read: all on the emitter
    handshake(40012, 1000, 5000, 10 * SEC, ch);
    TlsEvent none = events.get(2);
    assertNull(none.ja3String);
    assertNull(none.clientIp);

    // Derived later, on another thread, each is what the pipeline would have given.
    for (TlsEvent e : List.of(some, none)) {
      Thread t = new Thread(e::deriveFields);
      t.start();
      assertTrue(joined(t));
      assertEquals(all.clientIp, e.clientIp);
      assertEquals(all.serverIp, e.serverIp);
      assertEquals(Hellos.CLIENT_JA3, e.ja3String);
      assertEquals(all.ja3Hash, e.ja3Hash);
      assertEquals(all.ja3nString, e.ja3nString);
      assertEquals(all.ja4, e.ja4);
      assertEquals(all.ja4Raw, e.ja4Raw);
      assertEquals(Hellos.SERVER_JA3S, e.ja3sString);
      assertEquals(all.ja3sHash, e.ja3sHash);
      assertNotNull(e.communityId);
    }
    assertEquals(org.ja3sensor.event.CommunityId.v1(0, new byte[] {10, 0, 0, 1}, 40011,
        new byte[] {10, 0, 0, 2}, 443, 6), some.communityId);
  }

  private static boolean joined(Thread t) {
    try {
      t.join(10_000);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  @Test
  void ipv6PacketsBetweenIpv4MappedAddressesStayIpv6() {
    // The table keys IPv4 as IPv4-mapped IPv6; an IPv6 packet whose addresses are themselves
    // IPv4-mapped must still be reported as IPv6, as Wireshark shows it (RFC 5952 section 5).
    byte[] ch = Hellos.clientHelloRecord("mapped.example", 10);
    byte[] sh = Hellos.serverHelloRecord();
    DecodedPacket[] pkts = {
      seg(true, 40100, 1000, DecodedPacket.SYN, null, 0, 0),
      seg(false, 40100, 5000, DecodedPacket.SYN | DecodedPacket.ACK, null, 0, 0),
      seg(true, 40100, 1001, DecodedPacket.ACK | DecodedPacket.PSH, ch, 0, ch.length),
      seg(false, 40100, 5001, DecodedPacket.ACK | DecodedPacket.PSH, sh, 0, sh.length),
    };
    long ts = SEC;
    for (DecodedPacket p : pkts) {
      p.ipv6 = true;
      pipeline.onSegment(p, ts++, 0);
    }
    assertEquals(1, events.size());
    TlsEvent e = events.get(0);
    assertTrue(e.ipv6);
    assertEquals("::ffff:10.0.0.1", e.clientIp);
    assertEquals("::ffff:10.0.0.2", e.serverIp);
    byte[] c16 = new byte[16];
    byte[] s16 = new byte[16];
    c16[10] = c16[11] = s16[10] = s16[11] = (byte) 0xff;
    System.arraycopy(new byte[] {10, 0, 0, 1}, 0, c16, 12, 4);
    System.arraycopy(new byte[] {10, 0, 0, 2}, 0, s16, 12, 4);
    assertEquals(org.ja3sensor.event.CommunityId.v1(0, c16, 40100, s16, 443, 6), e.communityId);
    // The same handshake over IPv4 is IPv4, with the 4-byte Community ID.
    handshake(40101, 1000, 5000, 10 * SEC, ch);
    TlsEvent v4 = events.get(1);
    assertEquals(false, v4.ipv6);
    assertEquals("10.0.0.1", v4.clientIp);
    assertEquals(org.ja3sensor.event.CommunityId.v1(0, new byte[] {10, 0, 0, 1}, 40101,
        new byte[] {10, 0, 0, 2}, 443, 6), v4.communityId);
  }

  /**
   * On a capture thread's pipeline (which fills the memo), a later flow of a content seen before
   * waits with the memo's key and its server name, not a hello of its own; its event's hello is
   * the one on the wire all the same, server name included, and flows of other names keep theirs.
   */
  @Test
  void aRepeatedHelloWaitsAsTheMemosKeyAndComesOutWithItsOwnServerName() {
    pipeline.setDerive(Pipeline.Derive.CLIENT_FINGERPRINTS);
    String[] names = {"first.example", "second.example", "third.example"};
    for (int i = 0; i < names.length; i++) {
      handshake(40100 + i, 1000, 5000, 10 * SEC, Hellos.clientHelloRecord(names[i], 10));
    }
    // and two that wait together, answered after both hellos came
    int c = 40200;
    for (int i = 0; i < 2; i++) {
      send(true, c + i, 1000, DecodedPacket.SYN, null, 0, 0, 11 * SEC);
      sendAll(true, c + i, 1001, Hellos.clientHelloRecord("waiting" + i + ".example", 10), 11 * SEC);
    }
    for (int i = 0; i < 2; i++) {
      sendAll(false, c + i, 5001, Hellos.serverHelloRecord(), 11 * SEC + 1000);
    }
    assertEquals(5, events.size());
    TlsEvent first = events.get(0);
    List<String> got = new ArrayList<>();
    for (TlsEvent e : events) {
      got.add(e.clientHello.serverName());
      assertEquals(Hellos.CLIENT_JA3, e.ja3String);
      assertEquals(first.ja4, e.ja4);
      assertEquals(first.clientHello.toString().replace("first.example", e.clientHello.serverName()),
          e.clientHello.toString());
    }
    assertEquals(List.of("first.example", "second.example", "third.example", "waiting0.example",
        "waiting1.example"), got);
    // the later hellos are made from one key: one copy of their lists for all of them
    assertSame(events.get(1).clientHello.cipherSuites(), events.get(4).clientHello.cipherSuites());
    assertNotSame(events.get(1).clientHello, events.get(2).clientHello);
  }

  @Test
  void flowPickedUpWithoutSyn() {
    byte[] ch = Hellos.clientHelloRecord("nosyn.example", 0);
    sendAll(true, 40003, 123456, ch, SEC);
    sendAll(false, 40003, 999, Hellos.serverHelloRecord(), SEC);
    assertEquals(1, events.size());
    assertEquals(Hellos.SERVER_JA3S, events.get(0).ja3sString);
  }

  @Test
  void serverOnlyCaptureGivesServerOnlyEventAtInputEnd() {
    sendAll(false, 40004, 999, Hellos.serverHelloRecord(), SEC);
    assertTrue(events.isEmpty());
    pipeline.finish();
    assertEquals(1, events.size());
    TlsEvent e = events.get(0);
    assertEquals(TlsEvent.Trigger.INPUT_END, e.trigger);
    assertNull(e.ja3String);
    assertEquals(Hellos.SERVER_JA3S, e.ja3sString);
    assertEquals("10.0.0.1", e.clientIp, "the receiver of the ServerHello is the client");
  }

  @Test
  void clientOnlyFlowIsEmittedWhenItCloses() {
    byte[] ch = Hellos.clientHelloRecord("closed.example", 0);
    send(true, 40005, 10, DecodedPacket.SYN, null, 0, 0, SEC);
    sendAll(true, 40005, 11, ch, SEC);
    send(false, 40005, 50, DecodedPacket.RST, null, 0, 0, SEC);
    assertEquals(1, events.size());
    assertEquals(TlsEvent.Trigger.FLOW_CLOSED, events.get(0).trigger);
    pipeline.finish();
    assertEquals(1, events.size());
  }

  @Test
  void aHalfCloseBeforeTheServerAnswersStillGivesOneEventWithTheServerHello() {
    // openssl s_time: ClientHello, then FIN from the client, then the server's answer
    byte[] ch = Hellos.clientHelloRecord("halfclose.example", 0);
    send(true, 40010, 10, DecodedPacket.SYN, null, 0, 0, SEC);
    send(false, 40010, 70, DecodedPacket.SYN | DecodedPacket.ACK, null, 0, 0, SEC);
    sendAll(true, 40010, 11, ch, SEC + 1);
    send(true, 40010, 11 + ch.length, DecodedPacket.FIN | DecodedPacket.ACK, null, 0, 0, SEC + 2);
    assertEquals(0, events.size(), "the server can still answer");
    sendAll(false, 40010, 71, Hellos.serverHelloRecord(), SEC + 3);
    assertEquals(1, events.size());
    TlsEvent e = events.get(0);
    assertEquals(TlsEvent.Trigger.SERVER_HELLO, e.trigger);
    assertEquals(Hellos.SERVER_JA3S, e.ja3sString);
    assertEquals("halfclose.example", e.clientHello.serverName());
    send(false, 40010, 71 + 100, DecodedPacket.FIN | DecodedPacket.ACK, null, 0, 0, SEC + 4);
    pipeline.finish();
    assertEquals(1, events.size(), "one handshake, one event");
  }

  @Test
  void aConnectionThatGoesOnAfterItsEventNoLongerHoldsItsHellos() throws InterruptedException {
    byte[] ch = Hellos.clientHelloRecord("lasting.example", 0);
    handshake(40013, 10, 70, SEC, ch);
    assertEquals(1, events.size());
    WeakReference<ClientHello> client = new WeakReference<>(events.get(0).clientHello);
    WeakReference<ServerHello> server = new WeakReference<>(events.get(0).serverHello);
    assertNotNull(client.get());
    assertNotNull(server.get());
    events.clear(); // the event went out: only the flow could still hold the hellos
    Unreachable.collect(client, server);
    assertEquals(1, pipeline.activeFlows(), "the connection goes on");
    assertNull(client.get(), "the flow let go of its ClientHello");
    assertNull(server.get(), "the flow let go of its ServerHello");
    // what the session still knows is enough: a ClientHello again is a retransmission, a close
    // gives no second event
    sendAll(true, 40013, 11, ch, SEC + 2);
    sendAll(false, 40013, 71, Hellos.serverHelloRecord(), SEC + 3);
    send(true, 40013, 11 + ch.length, DecodedPacket.FIN | DecodedPacket.ACK, null, 0, 0, SEC + 4);
    send(false, 40013, 900, DecodedPacket.FIN | DecodedPacket.ACK, null, 0, 0, SEC + 5);
    pipeline.finish();
    assertTrue(events.isEmpty(), "one handshake, one event: " + events);
  }

  @Test
  void finFromBothSidesEndsAHandshakeWithoutServerHello() {
    byte[] ch = Hellos.clientHelloRecord("bothfin.example", 0);
    send(true, 40011, 10, DecodedPacket.SYN, null, 0, 0, SEC);
    sendAll(true, 40011, 11, ch, SEC + 1);
    send(true, 40011, 11 + ch.length, DecodedPacket.FIN | DecodedPacket.ACK, null, 0, 0, SEC + 2);
    assertEquals(0, events.size());
    send(false, 40011, 70, DecodedPacket.FIN | DecodedPacket.ACK, null, 0, 0, SEC + 3);
    assertEquals(1, events.size());
    assertEquals(TlsEvent.Trigger.FLOW_CLOSED, events.get(0).trigger);
    assertNull(events.get(0).ja3sString);
  }

  @Test
  void aOneSidedFinEndsAtEvictionOrInputEnd() {
    byte[] ch = Hellos.clientHelloRecord("onefin.example", 0);
    send(true, 40012, 10, DecodedPacket.SYN, null, 0, 0, SEC);
    sendAll(true, 40012, 11, ch, SEC + 1);
    send(true, 40012, 11 + ch.length, DecodedPacket.FIN | DecodedPacket.ACK, null, 0, 0, SEC + 2);
    assertEquals(0, events.size());
    pipeline.finish();
    assertEquals(1, events.size());
    assertEquals(TlsEvent.Trigger.INPUT_END, events.get(0).trigger);
  }

  @Test
  void newSynOnTheSameFourTupleStartsANewHandshake() {
    handshake(40006, 1000, 5000, SEC, Hellos.clientHelloRecord("first.example", 0));
    handshake(40006, 900000, 7000, 3 * SEC, Hellos.clientHelloRecord("second.example", 0));
    assertEquals(2, events.size());
    assertEquals("first.example", events.get(0).clientHello.serverName());
    assertEquals("second.example", events.get(1).clientHello.serverName());
  }

  @Test
  void newHelloWithoutSynSecondsLaterStartsANewHandshake() {
    sendAll(true, 40007, 1000, Hellos.clientHelloRecord("one.example", 0), SEC);
    sendAll(false, 40007, 5000, Hellos.serverHelloRecord(), SEC);
    // a retransmission of the first hello is not a new handshake
    sendAll(true, 40007, 1000, Hellos.clientHelloRecord("one.example", 0), SEC + 5);
    sendAll(true, 40007, 800_000, Hellos.clientHelloRecord("two.example", 0), 4 * SEC);
    sendAll(false, 40007, 90_000, Hellos.serverHelloRecord(), 4 * SEC);
    assertEquals(2, events.size());
    assertEquals("two.example", events.get(1).clientHello.serverName());
  }

  @Test
  void aSmallTableCyclingThroughManyConnectionsGivesEachItsOwnEvent() {
    // Two flows in the table and 60 connections: each new one evicts the oldest. Every third
    // connection has no ServerHello, every fifth no hello at all; each event must be its own
    // connection's only.
    pipeline = new Pipeline(new PipelineConfig(2, 60 * SEC, 64 * 1024, 1 << 20, 16 * 1024, 8),
        counters, events::add);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int port = 42000 + i;
      long ts = SEC + i * 1000L;
      send(true, port, 100, DecodedPacket.SYN, null, 0, 0, ts);
      if (i % 5 == 4) {
        continue; // a SYN only: no event
      }
      sendAll(true, port, 101, Hellos.clientHelloRecord("c" + i + ".example", 0), ts + 1);
      if (i % 3 != 2) {
        sendAll(false, port, 7000, Hellos.serverHelloRecord(), ts + 2);
      }
      expected.add(port + " c" + i + ".example " + (i % 3 != 2));
    }
    pipeline.finish();
    List<String> got = new ArrayList<>();
    for (TlsEvent e : events) {
      got.add(e.clientPort + " " + e.clientHello.serverName() + " " + (e.serverHello != null));
      assertEquals(e.serverHello != null ? Hellos.SERVER_JA3S : null, e.ja3sString);
    }
    got.sort(null);
    expected.sort(null);
    assertEquals(expected, got);
    assertEquals(0, pipeline.activeFlows());
  }

  @Test
  void fullTableEvictsTheLeastRecentlyUsedFlowAndEmitsIt() {
    pipeline = new Pipeline(new PipelineConfig(2, 60 * SEC, 64 * 1024, 1 << 20, 16 * 1024, 8), counters, events::add);
    sendAll(true, 41000, 1, Hellos.clientHelloRecord("a.example", 0), SEC);
    sendAll(true, 41001, 1, Hellos.clientHelloRecord("b.example", 0), SEC + 1);
    sendAll(true, 41002, 1, Hellos.clientHelloRecord("c.example", 0), SEC + 2);
    assertEquals(1, counters.get(Anomaly.FLOW_TABLE_FULL));
    assertEquals(1, events.size());
    assertEquals("a.example", events.get(0).clientHello.serverName());
    assertEquals(TlsEvent.Trigger.FLOW_EVICTED, events.get(0).trigger);
    assertEquals(2, pipeline.activeFlows());
  }

  @Test
  void idleFlowsAreEvicted() {
    pipeline = new Pipeline(new PipelineConfig(100, 30 * SEC, 64 * 1024, 1 << 20, 16 * 1024, 8), counters, events::add);
    sendAll(true, 42000, 1, Hellos.clientHelloRecord("idle.example", 0), SEC);
    sendAll(true, 42001, 1, new byte[] {1, 2, 3}, 40 * SEC);
    assertEquals(1, events.size());
    assertEquals(TlsEvent.Trigger.FLOW_EVICTED, events.get(0).trigger);
    assertEquals(1, counters.flowsIdleEvicted);
    assertEquals(1, pipeline.activeFlows());
  }

  @Test
  void memoryCapBoundsBufferedHelloBytes() {
    long memcap = 64 * 1024;
    pipeline = new Pipeline(new PipelineConfig(100_000, 60 * SEC, 32 * 1024, memcap, 16 * 1024, 8), counters, events::add);
    byte[] ch = Hellos.clientHelloRecord("big.example", 12_000);
    // Many flows each send only the first half of a big hello: their bytes wait in the parser.
    for (int i = 0; i < 200; i++) {
      send(true, 20000 + i, 1, DecodedPacket.ACK, ch, 0, 6_000, SEC);
      assertTrue(pipeline.bufferedBytes() <= memcap + 32 * 1024, "buffered " + pipeline.bufferedBytes());
    }
    assertTrue(counters.get(Anomaly.REASSEMBLY_MEMCAP) > 0);
    pipeline.finish();
    assertEquals(0, pipeline.bufferedBytes());
  }

  @Test
  void nonTlsStreamHoldsNoBuffers() {
    byte[] junk = new byte[1400];
    Arrays.fill(junk, (byte) 'A');
    for (int i = 0; i < 40; i++) {
      send(true, 43000, 1 + i * junk.length, DecodedPacket.ACK, junk, 0, junk.length, SEC + i);
    }
    assertEquals(0, pipeline.bufferedBytes());
    pipeline.finish();
    assertTrue(events.isEmpty());
  }
}
