package org.ja3sensor.decode;

import static org.ja3sensor.decode.Frames.bytes;
import static org.ja3sensor.decode.Frames.cat;
import static org.ja3sensor.decode.Frames.eth;
import static org.ja3sensor.decode.Frames.u16;
import static org.ja3sensor.decode.Frames.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Test;

/**
 * IP fragments crafted byte by byte: the datagram they complete is decoded as if it had come whole
 * (TCP, and UDP into tunnels), and every rule of {@link IpDefragmenter} (first wins on overlap,
 * caps, capture-time timeout, bad fragments) gives its count.
 */
class PacketDecoderFragmentTest {
  static final String C4 = DecoderFixture.C4;
  static final String S4 = DecoderFixture.S4;
  static final String C6 = DecoderFixture.C6;
  static final String S6 = DecoderFixture.S6;
  static final long SECOND = 1_000_000_000L;

  Counters counters = new Counters();
  PacketDecoder decoder = new PacketDecoder(counters);
  final DecodedPacket out = new DecodedPacket();

  /** 200 bytes of TCP payload, no two 8-byte blocks alike. */
  static final byte[] DATA = pattern(200, 1);

  static byte[] pattern(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + seed);
    }
    return b;
  }

  /** The TCP segment the fragments carry: 40000 -> 443 with {@link #DATA}. */
  static byte[] segment() {
    return Frames.tcp(40000, 443, 1000, 2000, DecodedPacket.PSH | DecodedPacket.ACK, DATA);
  }

  /**
   * Fragment of IPv4 packet {@code ip} (20-byte header): its payload bytes [from, to), with the
   * more-fragments flag unless {@code to} is the payload's end; identification {@code id}.
   */
  static byte[] frag4(byte[] ip, int id, int from, int to) {
    int payload = ip.length - 20;
    return frag4(ip, id, from, Arrays.copyOfRange(ip, 20 + from, 20 + to), to < payload);
  }

  /** Fragment of {@code ip} at byte offset {@code from} carrying {@code data}. */
  static byte[] frag4(byte[] ip, int id, int from, byte[] data, boolean more) {
    byte[] h = Arrays.copyOf(ip, 20);
    h[2] = (byte) ((20 + data.length) >>> 8);
    h[3] = (byte) (20 + data.length);
    h[4] = (byte) (id >>> 8);
    h[5] = (byte) id;
    int fo = (from >>> 3) | (more ? 0x2000 : 0);
    h[6] = (byte) (fo >>> 8);
    h[7] = (byte) fo;
    return cat(h, data);
  }

  /** IPv6 fragment: fixed header, optional extension bytes, fragment header, data. */
  static byte[] frag6(byte[] beforeFragment, int firstNext, int next, int id, int from,
      byte[] data, boolean more) {
    byte[] fh = cat(bytes(next, 0), u16(from | (more ? 1 : 0)), Frames.u32(id));
    return Frames.ipv6(C6, S6, firstNext, cat(beforeFragment, fh, data));
  }

  boolean decode(byte[] frame, long ts) {
    return decoder.decode(LinkType.ETHERNET, ts, frame, 0, frame.length, out);
  }

  /** Decodes frames in order; returns the indexes of those that gave a segment. */
  List<Integer> decodeAll(List<byte[]> frames) {
    List<Integer> done = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      if (decode(frames.get(i), 0)) {
        done.add(i);
      }
    }
    return done;
  }

  void assertSegment(byte[] expectedPayload, int depth) {
    assertEquals(40000, out.srcPort, "srcPort");
    assertEquals(443, out.dstPort, "dstPort");
    assertEquals(1000, out.seq, "seq");
    assertEquals(expectedPayload.length, out.payloadLen, "payloadLen");
    assertEquals(expectedPayload.length, out.payloadWireLen, "payloadWireLen");
    assertArrayEquals(expectedPayload,
        Arrays.copyOfRange(out.payload, out.payloadOff, out.payloadOff + out.payloadLen));
    assertEquals(depth, out.tunnelDepth, "tunnelDepth");
  }

  void assertTableEmpty() {
    assertEquals(0, decoder.defragmenter().pending(), "pending datagrams");
    assertEquals(0, decoder.defragmenter().bytesHeld(), "bytes held");
  }

  static List<byte[]> eth4(byte[]... ips) {
    List<byte[]> l = new ArrayList<>();
    for (byte[] ip : ips) {
      l.add(eth(0x0800, ip));
    }
    return l;
  }

  // ---- IPv4 ----

  @Test
  void inOrder() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment()); // 220 bytes of IP payload
    List<byte[]> frames = eth4(frag4(ip, 7, 0, 16), frag4(ip, 7, 16, 96), frag4(ip, 7, 96, 220));
    assertEquals(List.of(2), decodeAll(frames));
    assertSegment(DATA, 0);
    assertEquals(C4, IpAddresses.format(out.srcHi, out.srcLo));
    assertEquals(3, counters.ipFragments);
    assertEquals(1, counters.ipReassembled);
    assertEquals(1, counters.tcpPackets);
    assertEquals(0, counters.otherPackets);
    assertEquals(0, counters.totalAnomalies());
    assertTableEmpty();
  }

  @Test
  void reverseOrderFirstFragmentOfEightBytes() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    List<byte[]> frames = eth4(frag4(ip, 7, 200, 220), frag4(ip, 7, 104, 200),
        frag4(ip, 7, 8, 104), frag4(ip, 7, 0, 8)); // the first fragment splits the TCP header
    assertEquals(List.of(3), decodeAll(frames));
    assertSegment(DATA, 0);
    assertEquals(0, counters.totalAnomalies());
    assertTableEmpty();
  }

  @Test
  void overlapKeepsTheFirstBytes() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    byte[] other = pattern(220, 99);
    // [0,48) original; then [40,128) with other bytes; then [128,220) original.
    List<byte[]> frames = eth4(frag4(ip, 9, 0, 48),
        frag4(ip, 9, 40, Arrays.copyOfRange(other, 40, 128), true), frag4(ip, 9, 128, 220));
    assertEquals(List.of(2), decodeAll(frames));
    byte[] expected = Arrays.copyOfRange(ip, 20, 240);
    System.arraycopy(other, 48, expected, 48, 128 - 48); // the hole [48,128) came from "other"
    assertSegment(Arrays.copyOfRange(expected, 20, 220), 0);
    assertEquals(1, counters.get(Anomaly.IP_FRAGMENT_OVERLAP));
    assertEquals(1, counters.totalAnomalies());
  }

  @Test
  void laterFragmentCoveringAnEarlierOneOnlyFillsTheHoles() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    byte[] evil = Arrays.copyOfRange(ip, 20, 240); // same TCP header, other payload
    System.arraycopy(pattern(200, 55), 0, evil, 20, 200);
    // [64,80) original first, then one fragment of "evil" bytes for [0,216), then the rest.
    List<byte[]> frames = eth4(frag4(ip, 3, 64, 80),
        frag4(ip, 3, 0, Arrays.copyOf(evil, 216), true), frag4(ip, 3, 216, 220));
    assertEquals(List.of(2), decodeAll(frames));
    byte[] expected = evil.clone();
    System.arraycopy(ip, 20 + 64, expected, 64, 16);
    System.arraycopy(ip, 20 + 216, expected, 216, 4);
    assertSegment(Arrays.copyOfRange(expected, 20, 220), 0);
    assertEquals(1, counters.get(Anomaly.IP_FRAGMENT_OVERLAP));
  }

  @Test
  void duplicatesCountAsOverlapsAndGiveOneSegment() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    List<byte[]> frames = eth4(frag4(ip, 5, 0, 104), frag4(ip, 5, 0, 104), frag4(ip, 5, 104, 220));
    assertEquals(List.of(2), decodeAll(frames));
    assertSegment(DATA, 0);
    assertEquals(1, counters.get(Anomaly.IP_FRAGMENT_OVERLAP));
    assertEquals(1, counters.tcpPackets);
    assertTableEmpty();
  }

  @Test
  void datagramsWithAnotherIdOrAddressDoNotMix() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    byte[] otherSrc = Frames.ipv4("10.0.0.2", S4, 6, segment());
    List<byte[]> frames = eth4(frag4(ip, 1, 0, 104), frag4(ip, 2, 104, 220),
        frag4(otherSrc, 1, 104, 220));
    assertEquals(List.of(), decodeAll(frames));
    assertEquals(3, decoder.defragmenter().pending());
    assertTrue(decode(eth(0x0800, frag4(ip, 1, 104, 220)), 0));
    assertSegment(DATA, 0);
    assertEquals(2, decoder.defragmenter().pending());
  }

  @Test
  void tooLarge() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    // offset 65,504 + 16 bytes of data + 20 bytes of header = 65,540 > 65,535
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 65_504, new byte[16], false)), 0));
    assertEquals(1, counters.get(Anomaly.IP_FRAGMENT_TOO_LARGE));
    // the largest legal end is accepted: 65,496 + 16 + 20 = 65,532
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 65_496, new byte[16], false)), 0));
    assertEquals(1, counters.totalAnomalies());
    assertEquals(1, counters.ipFragments);
  }

  @Test
  void badFragmentsAreCounted() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 0, new byte[20], true)), 0)); // not 8n, not last
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 0, new byte[0], true)), 0)); // empty
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 8, 96)), 0)); // good
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 48, new byte[8], false)), 0)); // ends before 96
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 96, new byte[8], false)), 0)); // end 104: good
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 96, new byte[16], false)), 0)); // another end
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 104, new byte[8], true)), 0)); // past the end
    assertEquals(5, counters.get(Anomaly.IP_FRAGMENT_INVALID));
    assertEquals(5, counters.totalAnomalies());
    assertEquals(2, counters.ipFragments);
    byte[] cut = eth(0x0800, frag4(ip, 2, 0, 96));
    assertFalse(decoder.decode(LinkType.ETHERNET, 0, cut, 0, cut.length - 10, out)); // snap length
    assertEquals(6, counters.get(Anomaly.IP_FRAGMENT_INVALID));
  }

  @Test
  void tooManyFragments() {
    decoder = new PacketDecoder(counters, new IpDefragmenter.Limits(16, 1 << 20, SECOND, 4));
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    for (int off = 0; off < 40; off += 8) {
      assertFalse(decode(eth(0x0800, frag4(ip, 1, off, off + 8)), 0));
    }
    assertEquals(1, counters.get(Anomaly.IP_FRAGMENT_TOO_MANY));
    assertEquals(4, counters.ipFragments);
    assertTableEmpty();
  }

  @Test
  void timeoutOnCaptureTime() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 0, 104)), 100 * SECOND));
    assertTrue(decode(eth(0x0800, frag4(ip, 1, 104, 220)), 130 * SECOND)); // 30 s: still in time
    assertSegment(DATA, 0);
    assertFalse(decode(eth(0x0800, frag4(ip, 2, 0, 104)), 200 * SECOND));
    assertFalse(decode(eth(0x0800, frag4(ip, 2, 104, 220)), 230 * SECOND + 1)); // too late
    assertEquals(1, counters.get(Anomaly.IP_FRAGMENT_TIMEOUT));
    assertEquals(1, decoder.defragmenter().pending(), "the late fragment starts a new datagram");
    assertEquals(1, counters.tcpPackets);
  }

  @Test
  void fullTableDropsTheOldestDatagram() {
    decoder = new PacketDecoder(counters, new IpDefragmenter.Limits(2, 1 << 20, SECOND, 8));
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    for (int id = 1; id <= 3; id++) {
      assertFalse(decode(eth(0x0800, frag4(ip, id, 0, 104)), id));
    }
    assertEquals(1, counters.get(Anomaly.IP_FRAGMENT_EVICTED));
    assertEquals(2, decoder.defragmenter().pending());
    assertTrue(decode(eth(0x0800, frag4(ip, 3, 104, 220)), 4));
    assertTrue(decode(eth(0x0800, frag4(ip, 2, 104, 220)), 5));
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 104, 220)), 6), "datagram 1 was dropped");
    assertEquals(2, counters.tcpPackets);
  }

  @Test
  void memoryCapCountsBuffersAndDropsTheOldest() {
    long one = IpDefragmenter.Limits.worstCost(8);
    decoder = new PacketDecoder(counters, new IpDefragmenter.Limits(100, one + 4096, SECOND, 8));
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    IpDefragmenter d = decoder.defragmenter();
    // A fragment at offset 60,000 makes its datagram hold a 64 KiB buffer.
    assertFalse(decode(eth(0x0800, frag4(ip, 1, 60_000, new byte[8], true)), 0));
    long big = d.bytesHeld();
    assertTrue(big > 60_000 && big <= one, "bytes held " + big);
    assertFalse(decode(eth(0x0800, frag4(ip, 2, 0, 104)), 1)); // small: fits beside it
    assertEquals(2, d.pending());
    assertFalse(decode(eth(0x0800, frag4(ip, 3, 32_000, new byte[8], true)), 2)); // does not fit
    assertEquals(1, counters.get(Anomaly.IP_FRAGMENT_EVICTED));
    assertEquals(2, d.pending());
    assertTrue(d.bytesHeld() <= one + 4096, "bytes held " + d.bytesHeld());
    assertTrue(decode(eth(0x0800, frag4(ip, 2, 104, 220)), 3)); // the younger one survived
    assertSegment(DATA, 0);
  }

  @Test
  void fragmentsOfOtherProtocolsAreNotKept() {
    byte[] icmp = Frames.ipv4(C4, S4, 1, new byte[64]);
    assertFalse(decode(eth(0x0800, frag4(icmp, 1, 0, 32)), 0));
    assertEquals(1, counters.otherPackets);
    assertEquals(0, counters.ipFragments);
    assertTableEmpty();
  }

  @Test
  void limitsAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new IpDefragmenter.Limits(10, 1000, SECOND, 8));
    assertTrue(e.getMessage().startsWith("maxBytes is 1000, expected at least "), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new IpDefragmenter.Limits(0, 1 << 20, SECOND, 8));
    assertThrows(IllegalArgumentException.class,
        () -> new IpDefragmenter.Limits(10, 1 << 20, 0, 8));
  }

  // ---- IPv6 ----

  @Test
  void ipv6WithHopByHopBeforeTheFragmentHeader() {
    byte[] seg = segment();
    byte[] hbh = Frames.ext6(44, 0);
    List<byte[]> frames = List.of(
        eth(0x86dd, frag6(hbh, 0, 6, 0xabcdef01, 112, Arrays.copyOfRange(seg, 112, 220), false)),
        eth(0x86dd, frag6(hbh, 0, 6, 0xabcdef01, 0, Arrays.copyOfRange(seg, 0, 112), true)));
    assertEquals(List.of(1), decodeAll(frames));
    assertTrue(out.ipv6);
    assertEquals(C6, IpAddresses.format(out.srcHi, out.srcLo));
    assertSegment(DATA, 0);
    assertEquals(0, counters.totalAnomalies());
    assertTableEmpty();
  }

  @Test
  void ipv6AtomicFragmentIsDecodedDirectly() {
    byte[] frame = eth(0x86dd, frag6(new byte[0], 44, 6, 77, 0, segment(), false));
    assertTrue(decode(frame, 0));
    assertSegment(DATA, 0);
    assertEquals(0, counters.ipFragments);
  }

  @Test
  void ipv6Overlap() {
    byte[] seg = segment();
    byte[] other = pattern(220, 3);
    List<byte[]> frames = List.of(
        eth(0x86dd, frag6(new byte[0], 44, 6, 9, 0, Arrays.copyOfRange(seg, 0, 64), true)),
        eth(0x86dd, frag6(new byte[0], 44, 6, 9, 56, Arrays.copyOfRange(other, 56, 220), false)));
    assertEquals(List.of(1), decodeAll(frames));
    byte[] expected = Arrays.copyOfRange(other, 20, 220);
    System.arraycopy(seg, 20, expected, 0, 44);
    assertSegment(expected, 0);
    assertEquals(1, counters.get(Anomaly.IP_FRAGMENT_OVERLAP));
  }

  // ---- tunnels ----

  @Test
  void fragmentedOuterVxlanPacket() {
    byte[] inner = eth(0x0800, Frames.ipv4(C4, S4, 6, segment()));
    byte[] outer = Frames.ipv4("198.51.100.1", "198.51.100.2", 17,
        udp(51000, 4789, Frames.vxlan(5001, inner))); // UDP 8 + VXLAN 8 + 14 + 240 = 270
    List<byte[]> frames = eth4(frag4(outer, 44, 136, 270), frag4(outer, 44, 0, 136));
    assertEquals(List.of(1), decodeAll(frames));
    assertSegment(DATA, 1);
    assertEquals(C4, IpAddresses.format(out.srcHi, out.srcLo));
  }

  @Test
  void fragmentedOuterGreErspanPacket() {
    byte[] inner = eth(0x0800, Frames.ipv4(C4, S4, 6, segment()));
    byte[] outer = Frames.ipv4("198.51.100.1", "198.51.100.2", 47,
        Frames.gre(false, false, true, 0x88be, Frames.erspan2(inner)));
    int payload = outer.length - 20;
    List<byte[]> frames = eth4(frag4(outer, 45, 0, 80), frag4(outer, 45, 80, payload));
    assertEquals(List.of(1), decodeAll(frames));
    assertSegment(DATA, 1);
  }

  @Test
  void innerFragmentsInsideGre() {
    byte[] ip = Frames.ipv4(C4, S4, 6, segment());
    List<byte[]> frames = new ArrayList<>();
    for (byte[] f : List.of(frag4(ip, 8, 0, 104), frag4(ip, 8, 104, 220))) {
      frames.add(eth(0x0800, Frames.ipv4("198.51.100.1", "198.51.100.2", 47,
          Frames.gre(false, false, false, 0x0800, f))));
    }
    assertEquals(List.of(1), decodeAll(frames));
    assertSegment(DATA, 1);
  }

  @Test
  void fragmentedGtpUdp() {
    byte[] inner = Frames.ipv4(C4, S4, 6, segment());
    byte[] gtp = cat(bytes(0x30, 0xff), u16(inner.length), Frames.u32(0x1234), inner);
    byte[] outer = Frames.ipv4("198.51.100.1", "198.51.100.2", 17, udp(2152, 2152, gtp));
    int payload = outer.length - 20;
    List<byte[]> frames = eth4(frag4(outer, 46, 0, 120), frag4(outer, 46, 120, payload));
    assertEquals(List.of(1), decodeAll(frames));
    assertSegment(DATA, 1);
  }
}
