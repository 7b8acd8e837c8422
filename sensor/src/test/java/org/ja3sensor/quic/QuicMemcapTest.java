package org.ja3sensor.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.junit.jupiter.api.Test;

/**
 * What QUIC CRYPTO streams hold is counted against a memory cap: valid Initials (anyone can make
 * them: the keys come from the public DCID) whose CRYPTO data starts past offset 0 make every
 * connection buffer; beyond the cap connections give up their streams, counted, and the total
 * never passes it. The bitmap of bytes present is counted and grows with the buffer.
 */
class QuicMemcapTest {
  private static final int CAP = 128 * 1024;
  private static final long MEMCAP = 256 * 1024;

  @Test
  void outOfOrderCryptoDataIsCountedAndCapped() throws Exception {
    Counters counters = new Counters();
    QuicTracker t = new QuicTracker(counters, (f, why) -> { }, 10_000, 30_000_000_000L, CAP, MEMCAP);
    byte[] hello = QuicVectors.clientHelloMessage();
    // The hello from offset 1 on: byte 0 never comes, everything is held.
    byte[] payload = InitialBuilder.payload(
        List.of(InitialBuilder.cryptoFrames(hello, 1).get(1)), 1162);
    int n = 2000;
    for (int i = 0; i < n; i++) {
      byte[] dcid = {(byte) (i >> 8), (byte) i, 1, 2, 3, 4, 5, 6};
      InitialKeys k = InitialBuilder.keys(1, dcid, false);
      byte[] pkt = InitialBuilder.initial(1, dcid, new byte[0], new byte[0], 0, payload, k);
      t.onDatagram(datagram(i, pkt), 1_000_000_000L + i, 0);
      assertTrue(t.bufferedBytes() <= MEMCAP, "held " + t.bufferedBytes());
    }
    assertEquals(n, counters.quicDecrypted, "every Initial decrypts");
    // Each connection holds a 2 KiB buffer and its 256-byte bitmap: about 113 fit in 256 KiB.
    long perConnection = 2048 + 256;
    assertTrue(t.bufferedBytes() > MEMCAP - perConnection, "held " + t.bufferedBytes());
    assertEquals(n - MEMCAP / perConnection, counters.get(Anomaly.REASSEMBLY_MEMCAP));
    t.finish();
    assertEquals(0, t.bufferedBytes(), "bytes counted after every connection ended");
  }

  @Test
  void aCompleteHelloHoldsNoBuffersNorKeysWhileItsServerIsAwaited() throws Exception {
    Counters counters = new Counters();
    List<Object> reported = new java.util.ArrayList<>();
    QuicTracker t = new QuicTracker(
        counters, (f, why) -> reported.add(why), 10_000, 30_000_000_000L, CAP, MEMCAP);
    byte[] hello = QuicVectors.clientHelloMessage();
    List<byte[]> frames = InitialBuilder.cryptoFrames(hello, 1); // the hello in two frames
    byte[] dcid = {9, 8, 7, 6, 5, 4, 3, 2};
    InitialKeys k = InitialBuilder.keys(1, dcid, false);
    // The second half first: held until the first comes.
    t.onDatagram(datagram(1, InitialBuilder.initial(1, dcid, new byte[0], new byte[0], 1,
        InitialBuilder.payload(List.of(frames.get(1)), 1162), k)), 1_000_000_000L, 0);
    assertTrue(t.bufferedBytes() > 0, "the half held");
    t.onDatagram(datagram(1, InitialBuilder.initial(1, dcid, new byte[0], new byte[0], 0,
        InitialBuilder.payload(List.of(frames.get(0)), 1162), k)), 1_001_000_000L, 0);
    assertEquals(1, counters.quicClientHellos, "the hello is whole");
    assertTrue(reported.isEmpty(), "its event waits for the ServerHello");
    assertEquals(0, t.bufferedBytes(), "the client direction is over: its buffers went");
    QuicConnection c = t.connectionOf(datagram(1, new byte[0]));
    assertTrue(c != null && c.clientHello != null);
    assertNull(c.clientKeys, "and its keys (the server's Initials use their own)");
    assertEquals(1, t.activeFlows());
    t.finish();
    assertEquals(1, reported.size(), "the ClientHello alone at the end");
  }

  private static DecodedPacket datagram(int i, byte[] b) {
    DecodedPacket p = new DecodedPacket();
    p.udp = true;
    p.srcLo = 0xffff00000000L | (0x0a000000L + i);
    p.dstLo = 0xffff00000000L | 0x0a0000ffL;
    p.srcPort = 50000;
    p.dstPort = 443;
    p.payload = b;
    p.payloadOff = 0;
    p.payloadLen = b.length;
    p.payloadWireLen = b.length;
    return p;
  }
}
