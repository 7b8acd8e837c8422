package org.ja3sensor.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/** A decoder with fresh counters, the standard test segments and assertions about outcomes. */
class DecoderFixture {
  static final String C4 = "10.0.0.1";
  static final String S4 = "93.184.216.34";
  static final String C6 = "2001:db8::1";
  static final String S6 = "2001:db8:0:1::443";
  static final int CPORT = 40000;
  static final int SPORT = 443;
  static final int SEQ = 0xf0000001; // above 2^31: must survive as unsigned bits
  static final int ACK = 0x12345678;
  static final int FLAGS = DecodedPacket.PSH | DecodedPacket.ACK;
  static final byte[] HELLO = Frames.ascii("hello");

  final Counters counters = new Counters();
  final PacketDecoder decoder = new PacketDecoder(counters);
  final DecodedPacket out = new DecodedPacket();

  /** The standard TCP segment: 40000 -> 443, PSH|ACK, payload "hello". */
  static byte[] seg() {
    return Frames.tcp(CPORT, SPORT, SEQ, ACK, FLAGS, HELLO);
  }

  static byte[] ip4seg() {
    return Frames.ipv4(C4, S4, 6, seg());
  }

  static byte[] ip6seg() {
    return Frames.ipv6(C6, S6, 6, seg());
  }

  boolean decode(int linkType, byte[] frame) {
    return decoder.decode(linkType, 0L, frame, 0, frame.length, out);
  }

  /**
   * Asserts the frame decodes to the standard segment between {@code src} and {@code dst}, with
   * the payload being the frame's last 5 bytes, at the given tunnel depth, and nothing else
   * counted.
   */
  void assertStandard(int linkType, byte[] frame, String src, String dst, int depth) {
    assertTrue(decode(linkType, frame), "decode returned false");
    assertSegment(src, dst, frame.length - HELLO.length, depth);
  }

  void assertSegment(String src, String dst, int payloadOff, int depth) {
    assertEquals(Frames.addr(src).length == 16, out.ipv6, "ipv6");
    assertEquals(Frames.hi(src), out.srcHi, "srcHi");
    assertEquals(Frames.lo(src), out.srcLo, "srcLo");
    assertEquals(Frames.hi(dst), out.dstHi, "dstHi");
    assertEquals(Frames.lo(dst), out.dstLo, "dstLo");
    assertEquals(CPORT, out.srcPort, "srcPort");
    assertEquals(SPORT, out.dstPort, "dstPort");
    assertEquals(SEQ, out.seq, "seq");
    assertEquals(ACK, out.ack, "ack");
    assertEquals(FLAGS, out.tcpFlags, "flags");
    assertEquals(payloadOff, out.payloadOff, "payloadOff");
    assertEquals(HELLO.length, out.payloadLen, "payloadLen");
    assertEquals(HELLO.length, out.payloadWireLen, "payloadWireLen");
    assertArrayEquals(HELLO,
        Arrays.copyOfRange(out.payload, out.payloadOff, out.payloadOff + out.payloadLen));
    assertEquals(depth, out.tunnelDepth, "tunnelDepth");
    assertEquals(1, counters.tcpPackets, "tcpPackets");
    assertEquals(0, counters.otherPackets, "otherPackets");
    assertEquals(0, counters.totalAnomalies(), "anomalies");
  }

  /** Asserts the last decode was refused as malformed with exactly this anomaly. */
  void assertOnly(Anomaly a, boolean result) {
    assertFalse(result, "decode returned true");
    assertEquals(1, counters.get(a), a.label());
    assertEquals(1, counters.totalAnomalies(), "other anomalies counted too");
    assertEquals(0, counters.tcpPackets, "tcpPackets");
    assertEquals(0, counters.otherPackets, "otherPackets");
  }

  /** Asserts the last decode was refused as not TCP over IP, without anomaly. */
  void assertOther(boolean result) {
    assertFalse(result, "decode returned true");
    assertEquals(1, counters.otherPackets, "otherPackets");
    assertEquals(0, counters.tcpPackets, "tcpPackets");
    assertEquals(0, counters.totalAnomalies(), "anomalies");
  }
}
