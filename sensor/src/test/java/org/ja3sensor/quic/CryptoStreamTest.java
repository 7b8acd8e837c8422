package org.ja3sensor.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.tls.HandshakeAssembler;
import org.junit.jupiter.api.Test;

/**
 * CRYPTO reassembly by offset: in order, reversed, shuffled, duplicated and overlapping pieces
 * of the RFC 9001 A.2 ClientHello all give the same hello; the cap and bad frames are counted.
 */
class CryptoStreamTest {
  private static final byte[] HELLO = QuicVectors.clientHelloMessage();
  private final Counters counters = new Counters();

  private CryptoStream stream(int cap) {
    return new CryptoStream(counters, cap, new HandshakeAssembler(counters, cap));
  }

  /** Pieces [from, to) of the hello. */
  private static List<int[]> pieces(int... cuts) {
    List<int[]> out = new ArrayList<>();
    int prev = 0;
    for (int c : cuts) {
      out.add(new int[] {prev, c});
      prev = c;
    }
    out.add(new int[] {prev, HELLO.length});
    return out;
  }

  private int feed(CryptoStream s, List<int[]> ps) {
    int st = HandshakeAssembler.NEED_MORE;
    for (int[] p : ps) {
      st = s.accept(p[0], HELLO, p[0], p[1] - p[0]);
    }
    return st;
  }

  private void assertHello(CryptoStream s, int st) {
    assertEquals(HandshakeAssembler.DONE, st);
    assertEquals("example.com", s.assembler().clientHello().serverName());
    assertEquals(0, counters.totalAnomalies());
  }

  @Test
  void inOrder() {
    CryptoStream s = stream(4096);
    assertHello(s, feed(s, pieces(1, 3, 100, 200)));
  }

  @Test
  void reversed() {
    CryptoStream s = stream(4096);
    List<int[]> ps = pieces(1, 3, 100, 200);
    Collections.reverse(ps);
    assertHello(s, feed(s, ps));
  }

  @Test
  void shuffledWithDuplicatesAndOverlaps() {
    for (long seed = 0; seed < 50; seed++) {
      Random r = new Random(seed);
      List<int[]> ps = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int from = r.nextInt(HELLO.length);
        int to = from + 1 + r.nextInt(HELLO.length - from);
        ps.add(new int[] {from, to});
      }
      ps.addAll(pieces(60, 120, 180)); // so that every byte is covered
      Collections.shuffle(ps, r);
      CryptoStream s = stream(4096);
      assertHello(s, feed(s, ps));
    }
  }

  @Test
  void firstCopyOfAByteWins() {
    CryptoStream s = stream(4096);
    byte[] forged = HELLO.clone();
    forged[100] ^= 0x55;
    // the genuine bytes [50, 241) arrive first, out of order; a forged copy of [0, 150) after
    s.accept(50, HELLO, 50, HELLO.length - 50);
    int st = s.accept(0, forged, 0, 150);
    assertHello(s, st);
  }

  @Test
  void framesOfOnePayloadInAnyOrderWithPingAndPadding() {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0x00);
    p.write(0x01); // PING
    crypto(p, 120, HELLO.length);
    p.writeBytes(new byte[] {0x02, 0x05, 0x00, 0x01, 0x00, 0x01, 0x02}); // ACK, one more range
    p.write(0x01);
    crypto(p, 0, 60);
    p.write(0x00);
    crypto(p, 60, 120);
    p.writeBytes(new byte[20]);
    byte[] b = p.toByteArray();
    CryptoStream s = stream(4096);
    assertHello(s, s.acceptFrames(b, 0, b.length));
  }

  @Test
  void aHelloAcrossTwoPacketsWithAGap() {
    CryptoStream s = stream(4096);
    byte[] second = frame(200, HELLO.length);
    assertEquals(HandshakeAssembler.NEED_MORE, s.acceptFrames(second, 0, second.length));
    byte[] first = frame(0, 200);
    assertHello(s, s.acceptFrames(first, 0, first.length));
  }

  @Test
  void dataBeyondTheCapIsCountedAndTheDirectionGivesUp() {
    CryptoStream s = stream(200);
    assertEquals(HandshakeAssembler.GAVE_UP, s.accept(150, HELLO, 150, HELLO.length - 150));
    assertEquals(1, counters.get(Anomaly.QUIC_CRYPTO_CAP));
    assertEquals(0, s.bufferedBytes());
    assertEquals(HandshakeAssembler.GAVE_UP, s.accept(0, HELLO, 0, 150));
    assertNull(s.assembler().clientHello());
  }

  @Test
  void aHugeOffsetIsCappedNotAllocated() {
    CryptoStream s = stream(4096);
    byte[] f = QuicVersions.hex("06c0000000ffffffff0401020304");
    s.acceptFrames(f, 0, f.length);
    assertEquals(1, counters.get(Anomaly.QUIC_CRYPTO_CAP));
  }

  @Test
  void aFrameNotAllowedInInitialsOrTruncatedIsCounted() {
    CryptoStream s = stream(4096);
    byte[] stream = QuicVersions.hex("0800"); // STREAM
    assertEquals(HandshakeAssembler.NEED_MORE, s.acceptFrames(stream, 0, stream.length));
    byte[] cut = QuicVersions.hex("060040f10100"); // CRYPTO longer than the payload
    s.acceptFrames(cut, 0, cut.length);
    byte[] ack = QuicVersions.hex("0200004000"); // ACK whose third varint runs off the end
    s.acceptFrames(ack, 0, ack.length);
    assertEquals(3, counters.get(Anomaly.QUIC_FRAME_INVALID));
  }

  private static byte[] frame(int from, int to) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    crypto(p, from, to);
    return p.toByteArray();
  }

  /** A CRYPTO frame with 2-byte varints for offset and length. */
  static void crypto(ByteArrayOutputStream p, int from, int to) {
    p.write(0x06);
    p.write(0x40 | (from >>> 8));
    p.write(from & 0xff);
    p.write(0x40 | ((to - from) >>> 8));
    p.write((to - from) & 0xff);
    p.write(HELLO, from, to - from);
  }
}
