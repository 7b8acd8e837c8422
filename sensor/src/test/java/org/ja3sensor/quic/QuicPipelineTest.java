package org.ja3sensor.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.ja3sensor.Unreachable;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.fingerprint.Ja3;
import org.ja3sensor.pipeline.Pipeline;
import org.ja3sensor.pipeline.PipelineConfig;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * QUIC through a whole pipeline: the RFC Initials give one event with JA3 and JA3S; hellos split
 * across Initials, reordered, duplicated and shuffled give the same JA3; Retry re-keys the same
 * connection; a failed tag is an anomaly and no hello.
 */
class QuicPipelineTest {
  static final long SEC = 1_000_000_000L;
  static final byte[] SCID_SERVER = QuicVersions.hex("f067a5502a4262b5");

  private Counters counters;
  private final List<TlsEvent> events = new ArrayList<>();
  private Pipeline pipeline;

  @BeforeEach
  void setUp() {
    counters = new Counters();
    pipeline = new Pipeline(PipelineConfig.defaults(), counters, events::add);
  }

  void send(boolean fromClient, byte[] datagram, long ts) {
    DecodedPacket p = new DecodedPacket();
    p.udp = true;
    p.srcLo = 0xffff00000000L | (fromClient ? 0x0a000001L : 0x0a000002L);
    p.dstLo = 0xffff00000000L | (fromClient ? 0x0a000002L : 0x0a000001L);
    p.srcPort = fromClient ? 50000 : 443;
    p.dstPort = fromClient ? 443 : 50000;
    p.payload = datagram;
    p.payloadOff = 0;
    p.payloadLen = datagram.length;
    p.payloadWireLen = datagram.length;
    pipeline.onSegment(p, ts, 0);
  }

  /**
   * JA3 of the RFC 9001 A.2 ClientHello, read by hand from its hex: suites 1301 1302; extensions
   * 0000 ff01 000a 0010 0005 0033 002b 000d 002d 001c 0039; groups 001d 0017 0018; no point formats.
   */
  private static String rfcJa3() {
    return "771,4865-4866,0-65281-10-16-5-51-43-13-45-28-57,29-23-24,";
  }

  @Test
  void aConnectionThatGoesOnAfterItsEventNoLongerHoldsItsHellos() throws InterruptedException {
    send(true, QuicVectors.packet("rfc9001-a2-client-initial"), SEC);
    send(false, QuicVectors.packet("rfc9001-a3-server-initial"), 2 * SEC);
    assertEquals(1, events.size());
    WeakReference<ClientHello> client = new WeakReference<>(events.get(0).clientHello);
    WeakReference<ServerHello> server = new WeakReference<>(events.get(0).serverHello);
    assertNotNull(client.get());
    assertNotNull(server.get());
    events.clear(); // the event went out: only the connection could still hold the hellos
    Unreachable.collect(client, server);
    assertEquals(1, pipeline.activeFlows(), "the connection goes on");
    assertNull(client.get(), "the connection let go of its ClientHello");
    assertNull(server.get(), "the connection let go of its ServerHello");
    send(true, QuicVectors.packet("rfc9001-a2-client-initial"), 3 * SEC); // a retransmission
    pipeline.finish();
    assertTrue(events.isEmpty(), "one connection, one event: " + events);
  }

  @Test
  void rfcClientAndServerInitialsMakeOneEvent() {
    send(true, QuicVectors.packet("rfc9001-a2-client-initial"), SEC);
    send(false, QuicVectors.packet("rfc9001-a3-server-initial"), 2 * SEC);
    assertEquals(1, events.size());
    TlsEvent e = events.get(0);
    assertEquals(TlsEvent.Trigger.SERVER_HELLO, e.trigger);
    assertTrue(e.quic);
    assertEquals(QuicVersions.V1, e.quicVersion);
    assertEquals("example.com", e.clientHello.serverName());
    assertEquals(rfcJa3(), e.ja3String);
    assertEquals("771,4865,51-43", e.ja3sString);
    assertEquals("10.0.0.1", e.clientIp);
    assertEquals(443, e.serverPort);
    assertEquals(SEC, e.timestampNanos);
    assertEquals(2, counters.quicInitials);
    assertEquals(2, counters.quicDecrypted);
    assertEquals(2, counters.quicHellos);
    assertEquals(1, counters.quicFlows);
    assertEquals(0, counters.totalAnomalies());
    pipeline.finish();
    assertEquals(1, events.size()); // one event per connection
  }

  @Test
  void v2InitialsMakeOneEvent() {
    send(true, QuicVectors.packet("rfc9369-a2-client-initial"), SEC);
    send(false, QuicVectors.packet("rfc9369-a3-server-initial"), SEC);
    assertEquals(1, events.size());
    assertEquals(QuicVersions.V2, events.get(0).quicVersion);
    assertEquals(rfcJa3(), events.get(0).ja3String);
    assertEquals("771,4865,51-43", events.get(0).ja3sString);
  }

  @Test
  void aFailedTagIsCountedAndGivesNoHello() {
    byte[] pkt = QuicVectors.packet("rfc9001-a2-client-initial");
    pkt[1000] ^= 0x20;
    send(true, pkt, SEC);
    pipeline.finish();
    assertEquals(0, events.size());
    assertEquals(1, counters.quicTagFailures);
    assertEquals(1, counters.get(Anomaly.QUIC_TAG_FAILURE));
    assertEquals(0, counters.quicHellos);
  }

  @Test
  void aClientHelloAloneIsReportedAtInputEnd() {
    send(true, QuicVectors.packet("rfc9001-a2-client-initial"), SEC);
    assertEquals(0, events.size());
    pipeline.finish();
    assertEquals(1, events.size());
    assertEquals(TlsEvent.Trigger.INPUT_END, events.get(0).trigger);
    assertNull(events.get(0).serverHello);
    assertEquals(rfcJa3(), events.get(0).ja3String);
  }

  @Test
  void aClientHelloIsReportedAtTheUdpIdleTimeout() {
    send(true, QuicVectors.packet("rfc9001-a2-client-initial"), SEC);
    send(true, QuicVectors.packet("rfc9001-a2-client-initial"), SEC + 5 * SEC); // ignored: done
    assertEquals(1, counters.quicDecrypted); // the direction's hello was complete: not decrypted
    pipeline.expire(SEC + 5 * SEC + PipelineConfig.DEFAULT_UDP_IDLE_TIMEOUT_NANOS + 1);
    assertEquals(1, events.size());
    assertEquals(TlsEvent.Trigger.FLOW_EVICTED, events.get(0).trigger);
  }

  @Test
  void helloAcrossTwoInitialsReorderedDuplicatedAndShuffled() throws Exception {
    byte[] hello = QuicVectors.clientHelloMessage();
    byte[] dcid = QuicVersions.hex("0011223344556677");
    InitialKeys ck = InitialBuilder.keys(QuicVersions.V1, dcid, false);
    for (long seed = 0; seed < 20; seed++) {
      setUp();
      events.clear();
      Random r = new Random(seed);
      List<byte[]> frames = InitialBuilder.cryptoFrames(hello, 30, 90, 150, 200);
      frames.add(frames.get(r.nextInt(frames.size()))); // a duplicate
      Collections.shuffle(frames, r);
      int cut = 1 + r.nextInt(frames.size() - 1);
      byte[] p1 = InitialBuilder.initial(QuicVersions.V1, dcid, new byte[0], new byte[0], 0,
          InitialBuilder.payload(frames.subList(0, cut), 1100), ck);
      byte[] p2 = InitialBuilder.initial(QuicVersions.V1, dcid, new byte[0], new byte[0], 1,
          InitialBuilder.payload(frames.subList(cut, frames.size()), 1100), ck);
      // the second Initial first, and the first one twice
      send(true, p2, SEC);
      send(true, p1, SEC + 1);
      send(true, p1, SEC + 2);
      pipeline.finish();
      assertEquals(1, events.size(), "seed " + seed);
      assertEquals(rfcJa3(), events.get(0).ja3String, "seed " + seed);
      assertEquals(0, counters.totalAnomalies(), "seed " + seed);
    }
  }

  @Test
  void retryRekeysTheSameConnection() throws Exception {
    byte[] hello = QuicVectors.clientHelloMessage();
    byte[] dcid1 = QuicVersions.hex("0102030405060708");
    byte[] clientScid = QuicVersions.hex("c1c2c3c4");
    byte[] dcid2 = QuicVersions.hex("a1a2a3a4a5a6a7a8a9");
    byte[] token = QuicVersions.hex("746f6b656e");
    // the first Initial carries part of the hello; the server answers with a Retry
    byte[] first = InitialBuilder.initial(QuicVersions.V1, dcid1, clientScid, new byte[0], 0,
        InitialBuilder.payload(InitialBuilder.cryptoFrames(hello, 100).subList(0, 1), 1100),
        InitialBuilder.keys(QuicVersions.V1, dcid1, false));
    send(true, first, SEC);
    send(false, InitialBuilder.retry(QuicVersions.V1, clientScid, dcid2, token), SEC + 1);
    // the client starts again with keys from the Retry's SCID, token echoed
    byte[] second = InitialBuilder.initial(QuicVersions.V1, dcid2, clientScid, token, 1,
        InitialBuilder.payload(InitialBuilder.cryptoFrames(hello, 100), 1100),
        InitialBuilder.keys(QuicVersions.V1, dcid2, false));
    send(true, second, SEC + 2);
    byte[] serverPayload = new byte[QuicVectors.A3_PAYLOAD.length];
    System.arraycopy(QuicVectors.A3_PAYLOAD, 0, serverPayload, 0, serverPayload.length);
    byte[] server = InitialBuilder.initial(QuicVersions.V1, clientScid, SCID_SERVER, new byte[0], 0,
        serverPayload, InitialBuilder.keys(QuicVersions.V1, dcid2, true));
    send(false, server, SEC + 3);
    assertEquals(1, events.size());
    assertEquals(rfcJa3(), events.get(0).ja3String);
    assertNotNull(events.get(0).serverHello);
    assertEquals(1, counters.quicRetries);
    assertEquals(1, counters.quicFlows);
    assertEquals(0, counters.quicTagFailures);
    pipeline.finish();
    assertEquals(1, events.size());
  }

  @Test
  void coalescedServerInitialAndHandshakeAndVersionNegotiation() throws Exception {
    // Version Negotiation before any Initial: counted, no flow
    byte[] vn = QuicVersions.hex("80000000000401020304040a0b0c0d00000001");
    send(false, vn, SEC);
    assertEquals(1, counters.quicVersionNegotiations);
    assertEquals(0, counters.quicFlows);
    send(true, QuicVectors.packet("rfc9001-a2-client-initial"), SEC);
    byte[] server = QuicVectors.packet("rfc9001-a3-server-initial");
    // a Handshake packet (type 2) coalesced after the server's Initial: skipped by its Length
    byte[] handshake = QuicVersions.hex("e000000001" + "00" + "08f067a5502a4262b5" + "14" + "00".repeat(20));
    byte[] datagram = new byte[handshake.length + server.length];
    System.arraycopy(handshake, 0, datagram, 0, handshake.length);
    System.arraycopy(server, 0, datagram, handshake.length, server.length);
    send(false, datagram, SEC + 1);
    assertEquals(1, events.size());
    assertEquals("771,4865,51-43", events.get(0).ja3sString);
    assertEquals(0, counters.totalAnomalies());
    assertEquals(Ja3.md5Hex(rfcJa3()), events.get(0).ja3Hash);
  }
}
