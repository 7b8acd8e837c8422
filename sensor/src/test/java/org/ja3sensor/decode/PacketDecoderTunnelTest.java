package org.ja3sensor.decode;

import static org.ja3sensor.decode.Frames.bytes;
import static org.ja3sensor.decode.Frames.capwap;
import static org.ja3sensor.decode.Frames.cat;
import static org.ja3sensor.decode.Frames.eth;
import static org.ja3sensor.decode.Frames.gre;
import static org.ja3sensor.decode.Frames.hex;
import static org.ja3sensor.decode.Frames.mplsLabel;
import static org.ja3sensor.decode.Frames.tag;
import static org.ja3sensor.decode.Frames.udp;
import static org.ja3sensor.decode.Frames.wlanData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.decode.LinkType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Encapsulations: the innermost flow is decoded and the layers removed are counted. */
class PacketDecoderTunnelTest extends DecoderFixture {
  static final String O4A = "198.51.100.1"; // outer (tunnel endpoint) addresses
  static final String O4B = "198.51.100.2";
  static final String O6A = "2001:db8:ffff::a";
  static final String O6B = "2001:db8:ffff::b";

  static byte[] outer4(int proto, byte[] payload) {
    return eth(0x0800, Frames.ipv4(O4A, O4B, proto, payload));
  }

  static byte[] outer6(int next, byte[] payload) {
    return eth(0x86dd, Frames.ipv6(O6A, O6B, next, payload));
  }

  @Test
  void ipInIp() {
    assertStandard(LinkType.ETHERNET, outer4(4, ip4seg()), C4, S4, 1);
    assertEquals(14 + 20 + 20 + 20, out.payloadOff);
  }

  @Test
  void sixInFour() {
    assertStandard(LinkType.ETHERNET, outer4(41, ip6seg()), C6, S6, 1);
  }

  @Test
  void fourInSix() {
    assertStandard(LinkType.ETHERNET, outer6(4, ip4seg()), C4, S4, 1);
  }

  @Test
  void sixInSixBehindADestinationOptionsHeader() {
    byte[] opts = Frames.ext6(41, 0);
    assertStandard(LinkType.ETHERNET, outer6(60, cat(opts, ip6seg())), C6, S6, 1);
  }

  @ParameterizedTest
  @CsvSource({"false,false,false", "true,false,false", "false,true,false", "false,false,true",
      "true,true,true"})
  void greWithOptionalFieldsCarryingIpv4(boolean checksum, boolean key, boolean seq) {
    byte[] frame = outer4(47, gre(checksum, key, seq, 0x0800, ip4seg()));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 1);
  }

  @Test
  void greCarryingIpv6OverIpv6() {
    assertStandard(LinkType.ETHERNET, outer6(47, gre(false, true, false, 0x86dd, ip6seg())),
        C6, S6, 1);
  }

  @Test
  void greTransparentEthernetBridgingWithVlan() {
    byte[] inner = eth(0x8100, cat(tag(33, 0x0800), ip4seg()));
    assertStandard(LinkType.ETHERNET, outer4(47, gre(false, true, false, 0x6558, inner)),
        C4, S4, 1);
  }

  @Test
  void greCarryingMpls() {
    byte[] frame = outer4(47, gre(false, false, false, 0x8847, cat(mplsLabel(9, true),
        ip6seg())));
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 1);
  }

  @Test
  void erspanTypeOne() {
    byte[] frame = outer4(47, gre(false, false, false, 0x88be, eth(0x0800, ip4seg())));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 1);
    assertEquals(14 + 20 + 4 + 14 + 20 + 20, out.payloadOff);
  }

  @Test
  void erspanTypeTwo() {
    byte[] mirrored = eth(0x8100, cat(tag(10, 0x86dd), ip6seg()));
    byte[] frame = outer4(47, gre(false, false, true, 0x88be, Frames.erspan2(mirrored)));
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 1);
    assertEquals(14 + 20 + 8 + 8 + 18 + 40 + 20, out.payloadOff);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void erspanTypeThreeWithAndWithoutPlatformSubheader(boolean subheader) {
    byte[] erspan = Frames.erspan3(subheader, 0, eth(0x0800, ip4seg()));
    byte[] frame = outer4(47, gre(false, false, true, 0x22eb, erspan));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 1);
    assertEquals(14 + 20 + 8 + 12 + (subheader ? 8 : 0) + 14 + 20 + 20, out.payloadOff);
  }

  @Test
  void erspanTypeThreeCarryingAnIpFrame() {
    byte[] frame = outer4(47, gre(false, false, true, 0x22eb, Frames.erspan3(true, 2, ip6seg())));
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 1);
  }

  @Test
  void vxlan() {
    byte[] inner = eth(0x0800, ip4seg());
    byte[] frame = outer4(17, udp(51000, 4789, Frames.vxlan(5001, inner)));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 1);
    assertEquals(14 + 20 + 8 + 8 + 14 + 20 + 20, out.payloadOff);
  }

  @Test
  void vxlanOverIpv6WithInnerIpv6() {
    byte[] frame = outer6(17, udp(51000, 4789, Frames.vxlan(7, eth(0x86dd, ip6seg()))));
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 1);
  }

  @Test
  void geneveEthernetWithOptions() {
    byte[] options = cat(Frames.u16(0x0102), bytes(0x03, 0x01), Frames.u32(0xcafe)); // 8 bytes
    byte[] frame = outer4(17, udp(40000, 6081,
        Frames.geneve(0x6558, options, eth(0x0800, ip4seg()))));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 1);
    assertEquals(14 + 20 + 8 + 16 + 14 + 20 + 20, out.payloadOff);
  }

  @Test
  void geneveCarryingIpv6Directly() {
    byte[] frame = outer4(17, udp(40000, 6081, Frames.geneve(0x86dd, new byte[0], ip6seg())));
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 1);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 1, false", // data, to-DS
    "0, 2, true", // data, from-DS, frame control swapped (Cisco)
    "8, 1, false", // QoS data: QoS control field
    "8, 2, true",
    "0, 3, false", // WDS: four addresses
    "8, 3, true"
  })
  void capwapCarrying80211Data(int subtype, int flags, boolean swapped) {
    byte[] wlan = wlanData(subtype, flags, swapped, 0x0800, ip4seg());
    byte[] frame = outer4(17, udp(41264, 5247, capwap(true, bytes(4, 0xbf, 0x23, 0, 0, 0, 0, 0),
        wlan)));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 1);
  }

  @Test
  void capwapFromTheAccessControllerSide() {
    // AC -> WTP: source port 5247; no wireless-specific information.
    byte[] wlan = wlanData(0, 2, true, 0x86dd, ip6seg());
    byte[] frame = outer4(17, udp(5247, 41264, capwap(true, new byte[0], wlan)));
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 1);
  }

  @Test
  void capwapCarrying8023Frames() {
    byte[] frame = outer4(17, udp(41264, 5247, capwap(false, new byte[0], eth(0x0800,
        ip4seg()))));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 1);
  }

  @Test
  void capwapProtectedWlanFrameIsNotOurs() {
    byte[] wlan = wlanData(0, 0x41, false, 0x0800, ip4seg()); // protected flag set
    assertOther(decode(LinkType.ETHERNET, outer4(17, udp(1, 5247, capwap(true, new byte[0],
        wlan)))));
  }

  @Test
  void capwapDtlsIsNotOurs() {
    byte[] dtls = cat(bytes(0x01, 0, 0, 0), new byte[40]);
    assertOther(decode(LinkType.ETHERNET, outer4(17, udp(1, 5247, dtls))));
  }

  /**
   * Frames 1 and 4 of nDPI's tests/cfgs/default/pcap/capwap_data.pcapng (ntop/nDPI, the
   * acceptance corpus file ndpi/capwap_data.pcapng): two VLAN tags, IPv4, UDP 5247, CAPWAP with
   * wireless information, 802.11 data with a swapped frame control field, LLC/SNAP, IPv4, TCP.
   */
  @Test
  void capwapRealFramesFromNdpiCorpus() {
    byte[] syn = hex("000000000008a4c64f3bb3ab8100805e8100800308004500008854394000fe11"
        + "06f6ac32649bac106457a130147f00740000002003200000000004bf23000000"
        + "000011082c0084802d2b459054f201e1b29910f311eaeec17630aaaa03000000"
        + "08004500003c2122400040063f1c0a0103444a7d82bcb7b101bb0b21616e0000"
        + "0000a002ffff07180000020405b40402080a0021404c0000000001030308");
    assertTrue(decode(LinkType.ETHERNET, syn));
    assertEquals(Frames.lo("10.1.3.68"), out.srcLo);
    assertEquals(Frames.lo("74.125.130.188"), out.dstLo);
    assertEquals(47025, out.srcPort);
    assertEquals(443, out.dstPort);
    assertEquals(0x0b21616e, out.seq);
    assertEquals(DecodedPacket.SYN, out.tcpFlags);
    assertEquals(158, out.payloadOff);
    assertEquals(0, out.payloadLen);
    assertEquals(1, out.tunnelDepth);

    byte[] synAck = hex("000000000008a4c64f3bb3ab8100605e8100600408004500008020024000fd11"
        + "3c35ac106457ac32649b147fa130006c000000100300e03c00000208000054f2"
        + "01e1b29984802d2b4590e4c722aab94f0000aaaa0300000008004500003c0000"
        + "40004006603e4a7d82bc0a01034401bbb7b1d1f4745d0b21616fa01215880e14"
        + "00000204056e0402080a9b6501fb0021404c01030306");
    assertTrue(decode(LinkType.ETHERNET, synAck));
    assertEquals(Frames.lo("74.125.130.188"), out.srcLo);
    assertEquals(Frames.lo("10.1.3.68"), out.dstLo);
    assertEquals(443, out.srcPort);
    assertEquals(47025, out.dstPort);
    assertEquals(0xd1f4745d, out.seq);
    assertEquals(0x0b21616f, out.ack);
    assertEquals(DecodedPacket.SYN | DecodedPacket.ACK, out.tcpFlags);
    assertEquals(150, out.payloadOff);
    assertEquals(1, out.tunnelDepth);
    assertEquals(2, counters.tcpPackets);
    assertEquals(0, counters.totalAnomalies());
  }

  @Test
  void vxlanInsideGreCountsTwoLayers() {
    byte[] vx = Frames.ipv4("192.0.2.7", "192.0.2.8", 17,
        udp(1000, 4789, Frames.vxlan(1, eth(0x86dd, ip6seg()))));
    byte[] frame = outer4(47, gre(false, false, false, 0x0800, vx));
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 2);
  }

  static byte[] nestIpInIp(int layers, byte[] inner) {
    byte[] p = inner;
    for (int i = 0; i < layers; i++) {
      p = Frames.ipv4("192.0.2." + (i + 10), "192.0.2." + (i + 100), 4, p);
    }
    return p;
  }

  @Test
  void fourTunnelLayersAreFollowed() {
    byte[] frame = eth(0x0800, nestIpInIp(4, ip4seg()));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, PacketDecoder.MAX_TUNNEL_DEPTH);
  }

  @Test
  void fifthTunnelLayerIsTooDeep() {
    assertOnly(Anomaly.TUNNEL_TOO_DEEP, decode(LinkType.ETHERNET,
        eth(0x0800, nestIpInIp(5, ip4seg()))));
  }

  @Test
  void fifthLayerAsGreIsTooDeep() {
    byte[] greInner = Frames.ipv4("192.0.2.1", "192.0.2.2", 47, gre(false, false, false, 0x0800,
        ip4seg()));
    assertOnly(Anomaly.TUNNEL_TOO_DEEP, decode(LinkType.ETHERNET,
        eth(0x0800, nestIpInIp(4, greInner))));
  }

  @Test
  void fifthLayerAsVxlanIsTooDeep() {
    byte[] vx = Frames.ipv4("192.0.2.1", "192.0.2.2", 17, udp(1, 4789, Frames.vxlan(1,
        eth(0x0800, ip4seg()))));
    assertOnly(Anomaly.TUNNEL_TOO_DEEP, decode(LinkType.ETHERNET,
        eth(0x0800, nestIpInIp(4, vx))));
  }

  @Test
  void pptpEnhancedGreIsNotOurs() {
    byte[] pptp = cat(Frames.u16(0x3001), Frames.u16(0x880b), Frames.u16(4), Frames.u16(1),
        Frames.u32(5), bytes(0xff, 0x03, 0x00, 0x21));
    assertOther(decode(LinkType.ETHERNET, outer4(47, pptp)));
  }

  @Test
  void greKeepaliveWithUnknownProtocolIsNotOurs() {
    assertOther(decode(LinkType.ETHERNET, outer4(47, gre(false, false, false, 0x0000,
        new byte[8]))));
  }
}
