package org.ja3sensor.decode;

import static org.ja3sensor.decode.Frames.bytes;
import static org.ja3sensor.decode.Frames.cat;
import static org.ja3sensor.decode.Frames.eth;
import static org.ja3sensor.decode.Frames.ext6;
import static org.ja3sensor.decode.Frames.mplsLabel;
import static org.ja3sensor.decode.Frames.tag;
import static org.ja3sensor.decode.Frames.u16;
import static org.ja3sensor.decode.Frames.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.decode.LinkType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain (untunnelled) TCP over every supported link layer, and what is not ours. */
class PacketDecoderLinkTest extends DecoderFixture {

  @Test
  void ethernetIpv4() {
    byte[] frame = eth(0x0800, ip4seg());
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 0);
    // 14 Ethernet + 20 IPv4 + 20 TCP
    assertEquals(54, out.payloadOff);
    assertEquals(0L, out.srcHi);
    assertEquals(0x0000ffff_0a000001L, out.srcLo);
    assertEquals(0x0000ffff_5db8d822L, out.dstLo);
  }

  @Test
  void ethernetIpv6() {
    byte[] frame = eth(0x86dd, ip6seg());
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 0);
    assertEquals(74, out.payloadOff);
    assertEquals(0x20010db8_00000000L, out.srcHi);
    assertEquals(0x00000000_00000001L, out.srcLo);
    assertEquals(0x20010db8_00000001L, out.dstHi);
    assertEquals(0x00000000_00000443L, out.dstLo);
  }

  @Test
  void frameInsideALargerBufferAtAnOffset() {
    byte[] frame = eth(0x0800, ip4seg());
    byte[] buf = cat(new byte[37], frame, bytes(0x16, 0x03, 0x01)); // junk after the frame
    assertTrue(decoder.decode(LinkType.ETHERNET, 0L, buf, 37, frame.length, out));
    assertSegment(C4, S4, 37 + frame.length - 5, 0);
  }

  @Test
  void ethernetPaddingIsNotPayload() {
    // SYN without payload: 54 bytes, padded by the sender's NIC to the 60-byte minimum.
    byte[] syn = Frames.ipv4(C4, S4, 6, Frames.tcp(CPORT, SPORT, 1, 0, DecodedPacket.SYN,
        new byte[0]));
    byte[] frame = cat(eth(0x0800, syn), bytes(0xde, 0xad, 0xbe, 0xef, 0xde, 0xad));
    assertTrue(decode(LinkType.ETHERNET, frame));
    assertEquals(0, out.payloadLen);
    assertEquals(0, out.payloadWireLen);
    assertEquals(54, out.payloadOff);
    assertTrue(out.syn());
    assertEquals(0, counters.totalAnomalies());
  }

  @Test
  void ipv4OptionsAreSkipped() {
    byte[] options = bytes(0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00); // router alert, NOPs, EOL
    byte[] frame = eth(0x0800, Frames.ipv4(C4, S4, 6, options, seg()));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 0);
    assertEquals(62, out.payloadOff);
  }

  @Test
  void tcpOptionsAreSkipped() {
    byte[] options = bytes(2, 4, 0x05, 0xb4, 1, 1, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7);
    byte[] padded = cat(options, bytes(0, 0)); // 24 bytes of options: data offset 11 words
    byte[] tcp = Frames.tcp(CPORT, SPORT, SEQ, ACK, FLAGS, padded, HELLO);
    byte[] frame = eth(0x0800, Frames.ipv4(C4, S4, 6, tcp));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 0);
    assertEquals(14 + 20 + 44, out.payloadOff);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 43, 60, 135, 139, 140})
  void ipv6ExtensionHeadersAreSkipped(int extType) {
    byte[] ip = Frames.ipv6(C6, S6, extType, cat(ext6(6, 1), seg()));
    assertStandard(LinkType.ETHERNET, eth(0x86dd, ip), C6, S6, 0);
    assertEquals(14 + 40 + 16 + 20, out.payloadOff);
  }

  @Test
  void ipv6ChainOfHopByHopDestinationOptionsAndAuthenticationHeader() {
    byte[] chain = cat(ext6(60, 0), ext6(51, 2), Frames.ah(6));
    byte[] ip = Frames.ipv6(C6, S6, 0, cat(chain, seg()));
    assertStandard(LinkType.ETHERNET, eth(0x86dd, ip), C6, S6, 0);
    assertEquals(14 + 40 + 8 + 24 + 24 + 20, out.payloadOff);
  }

  @Test
  void vlan8021q() {
    byte[] frame = eth(0x8100, cat(tag(100, 0x0800), ip4seg()));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 0);
    assertEquals(58, out.payloadOff);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x88a8, 0x9100, 0x9200})
  void qinqOuterTagThenCustomerTag(int outerTpid) {
    byte[] frame = eth(outerTpid, cat(tag(10, 0x8100), tag(20, 0x86dd), ip6seg()));
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 0);
  }

  @Test
  void eightStackedTagsAreFollowed() {
    byte[] tags = new byte[0];
    for (int i = 0; i < 7; i++) {
      tags = cat(tags, tag(i, 0x8100));
    }
    byte[] frame = eth(0x8100, cat(tags, tag(7, 0x0800), ip4seg()));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 0);
  }

  @Test
  void mplsSingleLabelIpv4() {
    byte[] frame = eth(0x8847, cat(mplsLabel(1000, true), ip4seg()));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 0);
  }

  @Test
  void mplsMulticastTwoLabelsIpv6() {
    byte[] frame = eth(0x8848, cat(mplsLabel(16, false), mplsLabel(17, true), ip6seg()));
    assertStandard(LinkType.ETHERNET, frame, C6, S6, 0);
  }

  @Test
  void mplsAfterVlanTag() {
    byte[] frame = eth(0x8100, cat(tag(5, 0x8847), mplsLabel(3, true), ip4seg()));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 0);
  }

  @Test
  void mplsEthernetPseudowireWithControlWord() {
    byte[] inner = eth(0x0800, ip4seg());
    byte[] frame = eth(0x8847, cat(mplsLabel(20, false), mplsLabel(21, true), u32(0), inner));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 1);
  }

  @Test
  void pppoeSessionIpv4AndIpv6() {
    byte[] ppp4 = cat(u16(0x0021), ip4seg());
    byte[] frame = eth(0x8864, cat(bytes(0x11, 0x00), u16(0x1234), u16(ppp4.length), ppp4));
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 0);

    DecoderFixture f = new DecoderFixture();
    byte[] ppp6 = cat(u16(0x0057), ip6seg());
    byte[] frame6 = eth(0x8864, cat(bytes(0x11, 0x00), u16(0x1234), u16(ppp6.length), ppp6));
    f.assertStandard(LinkType.ETHERNET, frame6, C6, S6, 0);
  }

  @Test
  void ieee8023WithLlcSnap() {
    byte[] llc = cat(bytes(0xaa, 0xaa, 0x03, 0, 0, 0), u16(0x0800), ip4seg());
    byte[] frame = eth(llc.length, llc); // length field instead of an EtherType
    assertStandard(LinkType.ETHERNET, frame, C4, S4, 0);
  }

  @Test
  void ieee8023WithoutSnapIsNotOurs() {
    byte[] llc = cat(bytes(0x42, 0x42, 0x03), new byte[40]); // spanning tree BPDU
    assertOther(decode(LinkType.ETHERNET, eth(llc.length, llc)));
  }

  @Test
  void linuxCookedSll() {
    byte[] frame = Frames.sll(0x0800, ip4seg());
    assertStandard(LinkType.LINUX_SLL, frame, C4, S4, 0);
    assertEquals(16 + 40, out.payloadOff);
  }

  @Test
  void linuxCookedSllWithVlanTag() {
    byte[] frame = Frames.sll(0x8100, cat(tag(9, 0x86dd), ip6seg()));
    assertStandard(LinkType.LINUX_SLL, frame, C6, S6, 0);
  }

  @Test
  void linuxCookedSll2() {
    byte[] frame = Frames.sll2(0x86dd, ip6seg());
    assertStandard(LinkType.LINUX_SLL2, frame, C6, S6, 0);
    assertEquals(20 + 60, out.payloadOff);
  }

  @ParameterizedTest
  @ValueSource(ints = {LinkType.RAW, LinkType.RAW_ALT_12, LinkType.RAW_ALT_14})
  void rawIpBothVersions(int linkType) {
    assertStandard(linkType, ip4seg(), C4, S4, 0);
    assertEquals(40, out.payloadOff);
    DecoderFixture f = new DecoderFixture();
    f.assertStandard(linkType, ip6seg(), C6, S6, 0);
    assertEquals(60, f.out.payloadOff);
  }

  @Test
  void linkTypeIpv4() {
    assertStandard(LinkType.IPV4, ip4seg(), C4, S4, 0);
  }

  @Test
  void linkTypeIpv6() {
    assertStandard(LinkType.IPV6, ip6seg(), C6, S6, 0);
  }

  @Test
  void linkTypeIpv4RefusesAnIpv6Packet() {
    assertOnly(Anomaly.IPV4_INVALID, decode(LinkType.IPV4, ip6seg()));
  }

  @Test
  void bsdNullIpv4InBothByteOrders() {
    assertStandard(LinkType.NULL, cat(bytes(2, 0, 0, 0), ip4seg()), C4, S4, 0);
    DecoderFixture f = new DecoderFixture();
    f.assertStandard(LinkType.NULL, cat(bytes(0, 0, 0, 2), ip4seg()), C4, S4, 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {24, 28, 30})
  void bsdNullIpv6FamiliesInBothByteOrders(int family) {
    assertStandard(LinkType.NULL, cat(bytes(family, 0, 0, 0), ip6seg()), C6, S6, 0);
    assertEquals(64, out.payloadOff);
    DecoderFixture f = new DecoderFixture();
    f.assertStandard(LinkType.NULL, cat(bytes(0, 0, 0, family), ip6seg()), C6, S6, 0);
  }

  @Test
  void bsdNullUnknownFamilyIsNotOurs() {
    assertOther(decode(LinkType.NULL, cat(bytes(7, 0, 0, 0), ip4seg())));
  }

  @Test
  void openBsdLoopNetworkOrder() {
    assertStandard(LinkType.LOOP, cat(u32(2), ip4seg()), C4, S4, 0);
    DecoderFixture f = new DecoderFixture();
    f.assertStandard(LinkType.LOOP, cat(u32(24), ip6seg()), C6, S6, 0);
  }

  @Test
  void pppWithAddressAndControl() {
    assertStandard(LinkType.PPP, cat(bytes(0xff, 0x03, 0x00, 0x21), ip4seg()), C4, S4, 0);
    assertEquals(44, out.payloadOff);
  }

  @Test
  void pppWithoutAddressAndControlIpv6() {
    assertStandard(LinkType.PPP, cat(bytes(0x00, 0x57), ip6seg()), C6, S6, 0);
  }

  @Test
  void pppWithProtocolFieldCompression() {
    assertStandard(LinkType.PPP, cat(bytes(0x21), ip4seg()), C4, S4, 0);
  }

  @Test
  void pppLinkControlIsNotOurs() {
    assertOther(decode(LinkType.PPP, cat(bytes(0xff, 0x03, 0xc0, 0x21), new byte[20])));
  }

  @Test
  void arpIsNotOurs() {
    assertOther(decode(LinkType.ETHERNET, eth(0x0806, new byte[28])));
  }

  @Test
  void udpOnAnOrdinaryPortIsNotOurs() {
    byte[] frame = eth(0x0800, Frames.ipv4(C4, S4, 17, Frames.udp(5353, 53, new byte[12])));
    assertOther(decode(LinkType.ETHERNET, frame));
  }

  @Test
  void icmpErrorQuotingATcpHeaderIsNotOurs() {
    byte[] quoted = Frames.ipv4(S4, C4, 6, Frames.tcp(SPORT, CPORT, 1, 0, 0, new byte[0]));
    byte[] icmp = cat(bytes(3, 3, 0, 0, 0, 0, 0, 0), quoted);
    assertOther(decode(LinkType.ETHERNET, eth(0x0800, Frames.ipv4(C4, S4, 1, icmp))));
  }

  @ParameterizedTest
  @ValueSource(ints = {50, 59})
  void ipv6EspAndNoNextHeaderAreNotOurs(int next) {
    assertOther(decode(LinkType.ETHERNET, eth(0x86dd, Frames.ipv6(C6, S6, next, new byte[32]))));
  }

  @Test
  void segmentationOffloadTotalLengthZeroUsesTheCapturedLength() {
    byte[] ip = ip4seg();
    ip[2] = 0;
    ip[3] = 0; // what a capture on the sending host shows for a >64 KiB offloaded segment
    assertStandard(LinkType.ETHERNET, eth(0x0800, ip), C4, S4, 0);
  }

  @Test
  void synAckFlagsAndHelpers() {
    byte[] seg = Frames.tcp(SPORT, CPORT, 7, 8, DecodedPacket.SYN | DecodedPacket.ACK,
        new byte[0]);
    assertTrue(decode(LinkType.ETHERNET, eth(0x0800, Frames.ipv4(S4, C4, 6, seg))));
    assertTrue(out.syn() && out.ackFlag());
    assertEquals(false, out.fin() || out.rst());
    assertEquals(SPORT, out.srcPort);
    assertEquals(CPORT, out.dstPort);
    assertEquals(7, out.seq);
    assertEquals(8, out.ack);
  }

  @Test
  void reusedOutputIsFullyRewrittenByTheNextPacket() {
    byte[] tunnelled = eth(0x0800, Frames.ipv4("192.0.2.1", "192.0.2.2", 4, ip4seg()));
    assertTrue(decode(LinkType.ETHERNET, tunnelled));
    assertEquals(1, out.tunnelDepth);
    byte[] plain = eth(0x86dd, ip6seg());
    assertTrue(decode(LinkType.ETHERNET, plain));
    assertEquals(0, out.tunnelDepth);
    assertTrue(out.ipv6);
    assertEquals(Frames.lo(C6), out.srcLo);
    assertEquals(plain.length - 5, out.payloadOff);
    assertEquals(2, counters.tcpPackets);
  }
}
