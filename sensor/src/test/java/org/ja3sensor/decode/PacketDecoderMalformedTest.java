package org.ja3sensor.decode;

import static org.ja3sensor.decode.Frames.bytes;
import static org.ja3sensor.decode.Frames.capwap;
import static org.ja3sensor.decode.Frames.cat;
import static org.ja3sensor.decode.Frames.eth;
import static org.ja3sensor.decode.Frames.gre;
import static org.ja3sensor.decode.Frames.mplsLabel;
import static org.ja3sensor.decode.Frames.tag;
import static org.ja3sensor.decode.Frames.u16;
import static org.ja3sensor.decode.Frames.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.decode.LinkType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One malformation per test: the frame is refused and exactly the right anomaly is counted. */
class PacketDecoderMalformedTest extends DecoderFixture {

  static byte[] outer4(int proto, byte[] payload) {
    return PacketDecoderTunnelTest.outer4(proto, payload);
  }

  // ---- link ----

  @Test
  void emptyFrame() {
    assertOnly(Anomaly.LINK_TRUNCATED, decoder.decode(LinkType.ETHERNET, 0L, new byte[10], 3, 0,
        out));
  }

  @Test
  void offsetAndLengthOutsideTheBuffer() {
    assertOnly(Anomaly.LINK_TRUNCATED, decoder.decode(LinkType.ETHERNET, 0L, new byte[60], 30, 31,
        out));
  }

  @Test
  void ethernetHeaderCut() {
    assertOnly(Anomaly.LINK_TRUNCATED, decode(LinkType.ETHERNET, new byte[13]));
  }

  @Test
  void vlanTagCut() {
    assertOnly(Anomaly.LINK_TRUNCATED, decode(LinkType.ETHERNET, eth(0x8100, bytes(0, 5))));
  }

  @Test
  void mplsLabelStackCut() {
    assertOnly(Anomaly.LINK_TRUNCATED, decode(LinkType.ETHERNET,
        eth(0x8847, mplsLabel(1, false))));
  }

  @Test
  void sllHeaderCut() {
    assertOnly(Anomaly.LINK_TRUNCATED, decode(LinkType.LINUX_SLL, new byte[15]));
  }

  @Test
  void sll2HeaderCut() {
    assertOnly(Anomaly.LINK_TRUNCATED, decode(LinkType.LINUX_SLL2, new byte[19]));
  }

  @Test
  void nullFamilyCut() {
    assertOnly(Anomaly.LINK_TRUNCATED, decode(LinkType.NULL, bytes(2, 0, 0)));
  }

  @Test
  void pppProtocolCut() {
    assertOnly(Anomaly.LINK_TRUNCATED, decode(LinkType.PPP, bytes(0xff, 0x03, 0x00)));
  }

  @Test
  void pppoeHeaderCut() {
    assertOnly(Anomaly.LINK_TRUNCATED, decode(LinkType.ETHERNET, eth(0x8864, bytes(0x11, 0, 0,
        1))));
  }

  @ParameterizedTest
  @ValueSource(ints = {105, 127, 147, -1, 65536})
  void unsupportedLinkType(int linkType) {
    assertOnly(Anomaly.LINKTYPE_UNSUPPORTED, decode(linkType, eth(0x0800, ip4seg())));
  }

  @Test
  void nineVlanTags() {
    byte[] tags = new byte[0];
    for (int i = 0; i < 8; i++) {
      tags = cat(tags, tag(i, 0x8100));
    }
    assertOnly(Anomaly.LINK_TOO_MANY_LABELS, decode(LinkType.ETHERNET,
        eth(0x8100, cat(tags, tag(8, 0x0800), ip4seg()))));
  }

  @Test
  void seventeenMplsLabels() {
    byte[] labels = new byte[0];
    for (int i = 0; i < 16; i++) {
      labels = cat(labels, mplsLabel(100 + i, false));
    }
    assertOnly(Anomaly.LINK_TOO_MANY_LABELS, decode(LinkType.ETHERNET,
        eth(0x8847, cat(labels, mplsLabel(1, true), ip4seg()))));
  }

  // ---- IPv4 ----

  @Test
  void ipv4HeaderShorterThanTwentyBytes() {
    assertOnly(Anomaly.IPV4_INVALID, decode(LinkType.ETHERNET,
        eth(0x0800, Arrays.copyOf(ip4seg(), 19))));
  }

  @Test
  void ipv4WrongVersionOnRawLink() {
    byte[] ip = ip4seg();
    ip[0] = 0x55;
    assertOnly(Anomaly.IPV4_INVALID, decode(LinkType.RAW, ip));
  }

  @Test
  void ipv4HeaderLengthBelowFive() {
    byte[] ip = ip4seg();
    ip[0] = 0x44;
    assertOnly(Anomaly.IPV4_INVALID, decode(LinkType.ETHERNET, eth(0x0800, ip)));
  }

  @Test
  void ipv4HeaderLengthBeyondTheFrame() {
    byte[] ip = Arrays.copyOf(ip4seg(), 40);
    ip[0] = 0x4f; // 60-byte header in a 40-byte packet
    assertOnly(Anomaly.IPV4_INVALID, decode(LinkType.RAW, ip));
  }

  @Test
  void ipv4TotalLengthBelowHeaderLength() {
    byte[] ip = ip4seg();
    ip[2] = 0;
    ip[3] = 19;
    assertOnly(Anomaly.IPV4_INVALID, decode(LinkType.ETHERNET, eth(0x0800, ip)));
  }

  @Test
  void innerIpv4LongerThanTheOuterPacketCarryingIt() {
    byte[] inner = ip4seg();
    inner[3] += 10; // claims 10 bytes the complete outer packet does not have
    assertOnly(Anomaly.IPV4_INVALID, decode(LinkType.ETHERNET, outer4(4, inner)));
  }

  @Test
  void ipv4FragmentNotAMultipleOfEightBytes() {
    byte[] ip = ip4seg(); // 25 bytes of payload
    ip[6] = 0x20; // MF
    assertOnly(Anomaly.IP_FRAGMENT_INVALID, decode(LinkType.ETHERNET, eth(0x0800, ip)));
  }

  @Test
  void ipv4FragmentBeyond65535Bytes() {
    byte[] ip = ip4seg();
    ip[6] = 0x1f;
    ip[7] = (byte) 0xff; // offset 65,528, last fragment
    assertOnly(Anomaly.IP_FRAGMENT_TOO_LARGE, decode(LinkType.ETHERNET, eth(0x0800, ip)));
  }

  @Test
  void fragmentedOuterTunnelPacketCutBySnapLength() {
    byte[] frame = outer4(47, gre(false, false, false, 0x0800, ip4seg()));
    frame[14 + 6] = 0x20;
    assertOnly(Anomaly.IP_FRAGMENT_INVALID,
        decoder.decode(LinkType.ETHERNET, 0L, frame, 0, frame.length - 1, out));
  }

  // ---- IPv6 ----

  @Test
  void ipv6HeaderCut() {
    assertOnly(Anomaly.IPV6_INVALID, decode(LinkType.ETHERNET,
        eth(0x86dd, Arrays.copyOf(ip6seg(), 39))));
  }

  @Test
  void ipv6WrongVersion() {
    byte[] ip = ip6seg();
    ip[0] = 0x40;
    assertOnly(Anomaly.IPV6_INVALID, decode(LinkType.IPV6, ip));
  }

  @Test
  void ipv6ExtensionHeaderBeyondTheFrame() {
    byte[] ip = Frames.ipv6(C6, S6, 0, cat(bytes(6, 9), new byte[6], seg()));
    // hop-by-hop claims (9 + 1) * 8 = 80 bytes; only 8 + 25 follow
    assertOnly(Anomaly.IPV6_INVALID, decode(LinkType.ETHERNET, eth(0x86dd, ip)));
  }

  @Test
  void ipv6ExtensionHeaderCutBeforeItsLengthByte() {
    byte[] ip = Frames.ipv6(C6, S6, 60, bytes(6));
    assertOnly(Anomaly.IPV6_INVALID, decode(LinkType.ETHERNET, eth(0x86dd, ip)));
  }

  @Test
  void innerIpv6LongerThanTheOuterPacketCarryingIt() {
    byte[] inner = ip6seg();
    inner[5] += 4;
    assertOnly(Anomaly.IPV6_INVALID, decode(LinkType.ETHERNET, outer4(41, inner)));
  }

  @Test
  void ipv6FragmentNotAMultipleOfEightBytes() {
    byte[] frag = cat(bytes(6, 0), u16(0x0001), Frames.u32(0xabcd)); // offset 0, M set
    byte[] ip = Frames.ipv6(C6, S6, 44, cat(frag, seg()));
    assertOnly(Anomaly.IP_FRAGMENT_INVALID, decode(LinkType.ETHERNET, eth(0x86dd, ip)));
  }

  @Test
  void ipv6FragmentHeaderCut() {
    byte[] ip = Frames.ipv6(C6, S6, 0, cat(Frames.ext6(44, 0), new byte[6]));
    assertOnly(Anomaly.IPV6_INVALID, decode(LinkType.ETHERNET, eth(0x86dd, ip)));
  }

  // ---- TCP ----

  @Test
  void tcpDataOffsetBelowFive() {
    byte[] ip = ip4seg();
    ip[20 + 12] = 0x40;
    assertOnly(Anomaly.TCP_INVALID, decode(LinkType.ETHERNET, eth(0x0800, ip)));
  }

  @Test
  void tcpDataOffsetBeyondThePacket() {
    byte[] ip = ip4seg();
    ip[20 + 12] = (byte) 0xf0; // 60-byte header in a 25-byte segment
    assertOnly(Anomaly.TCP_INVALID, decode(LinkType.ETHERNET, eth(0x0800, ip)));
  }

  @Test
  void tcpHeaderCutBelowTwentyBytes() {
    byte[] ip = Frames.ipv4(C4, S4, 6, Arrays.copyOf(seg(), 12));
    assertOnly(Anomaly.TCP_INVALID, decode(LinkType.RAW, ip));
  }

  @Test
  void tcpPayloadCutBySnapLengthIsStillDecoded() {
    byte[] big = new byte[1000];
    Arrays.fill(big, (byte) 0x16);
    byte[] frame = eth(0x0800, Frames.ipv4(C4, S4, 6, Frames.tcp(CPORT, SPORT, SEQ, ACK, FLAGS,
        big)));
    byte[] snapped = Arrays.copyOf(frame, 300);
    assertTrue(decode(LinkType.ETHERNET, snapped));
    assertEquals(54, out.payloadOff);
    assertEquals(246, out.payloadLen);
    assertEquals(1000, out.payloadWireLen);
    assertEquals(1, counters.get(Anomaly.TCP_PAYLOAD_TRUNCATED));
    assertEquals(1, counters.totalAnomalies());
    assertEquals(1, counters.tcpPackets);
    assertEquals(SEQ, out.seq);
  }

  @Test
  void tcpPayloadCutInsideATunnelCountsAgainstTheInnerLength() {
    byte[] big = new byte[500];
    byte[] inner = Frames.ipv6(C6, S6, 6, Frames.tcp(CPORT, SPORT, SEQ, ACK, FLAGS, big));
    byte[] frame = PacketDecoderTunnelTest.outer4(17, udp(9, 4789, Frames.vxlan(3,
        eth(0x86dd, inner))));
    byte[] snapped = Arrays.copyOf(frame, 200);
    assertTrue(decode(LinkType.ETHERNET, snapped));
    int payloadOff = 14 + 20 + 8 + 8 + 14 + 40 + 20;
    assertEquals(payloadOff, out.payloadOff);
    assertEquals(200 - payloadOff, out.payloadLen);
    assertEquals(500, out.payloadWireLen);
    assertEquals(1, out.tunnelDepth);
    assertArrayEquals(new long[] {1, 1}, new long[] {counters.tcpPackets,
        counters.get(Anomaly.TCP_PAYLOAD_TRUNCATED)});
  }

  // ---- tunnels ----

  @Test
  void greHeaderCut() {
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET, outer4(47, bytes(0, 0))));
  }

  @Test
  void greKeyAnnouncedButMissing() {
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET,
        outer4(47, cat(u16(0x2000), u16(0x0800), bytes(1, 2)))));
  }

  @Test
  void greSourceRoutingIsNotFollowed() {
    byte[] g = cat(u16(0x4000), u16(0x0800), new byte[4], ip4seg());
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET, outer4(47, g)));
  }

  @Test
  void erspanTwoWithWrongVersion() {
    byte[] erspan = Frames.erspan2(eth(0x0800, ip4seg()));
    erspan[0] = 0x20;
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET,
        outer4(47, gre(false, false, true, 0x88be, erspan))));
  }

  @Test
  void erspanThreeSubheaderCut() {
    byte[] erspan = Arrays.copyOf(Frames.erspan3(true, 0, new byte[0]), 16);
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET,
        outer4(47, gre(false, false, true, 0x22eb, erspan))));
  }

  @Test
  void vxlanWithoutTheIFlag() {
    byte[] vx = Frames.vxlan(1, eth(0x0800, ip4seg()));
    vx[0] = 0;
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET, outer4(17, udp(1, 4789, vx))));
  }

  @Test
  void udpLengthLongerThanTheIpPayload() {
    byte[] u = udp(1, 4789, Frames.vxlan(1, eth(0x0800, ip4seg())));
    u[5] += 8;
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET, outer4(17, u)));
  }

  @Test
  void udpLengthBelowEight() {
    byte[] u = udp(1, 4789, Frames.vxlan(1, eth(0x0800, ip4seg())));
    u[4] = 0;
    u[5] = 4;
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET, outer4(17, u)));
  }

  @Test
  void geneveOptionsBeyondThePacket() {
    byte[] g = Frames.geneve(0x6558, new byte[0], new byte[8]);
    g[0] = 0x3f; // 252 bytes of options announced
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET, outer4(17, udp(1, 6081, g))));
  }

  @Test
  void capwapHeaderLengthBeyondThePacket() {
    byte[] c = capwap(true, new byte[0], new byte[20]);
    c[1] = (byte) 0xf8; // HLEN 31 words
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET, outer4(17, udp(1, 5247, c))));
  }

  @Test
  void capwapWlanFrameCut() {
    byte[] c = capwap(true, new byte[0], new byte[10]);
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET, outer4(17, udp(1, 5247, c))));
  }
}
