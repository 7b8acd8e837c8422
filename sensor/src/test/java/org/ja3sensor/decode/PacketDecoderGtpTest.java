package org.ja3sensor.decode;

import static org.ja3sensor.decode.Frames.bytes;
import static org.ja3sensor.decode.Frames.cat;
import static org.ja3sensor.decode.Frames.u16;
import static org.ja3sensor.decode.Frames.u32;
import static org.ja3sensor.decode.Frames.udp;

import org.ja3sensor.core.Anomaly;
import org.junit.jupiter.api.Test;

/**
 * GTPv1-U (3GPP TS 29.281): the user's IP packet inside a G-PDU is decoded like any tunnel's
 * payload, past the optional sequence/N-PDU fields and extension headers.
 */
class PacketDecoderGtpTest extends DecoderFixture {

  /** A GTPv1-U header: flags (version 1, PT 1, plus E/S/PN bits given), type, length, TEID. */
  static byte[] gtp(int flagBits, int type, byte[] rest) {
    return cat(bytes(0x30 | flagBits, type), u16(rest.length), u32(0x0badcafe), rest);
  }

  static byte[] outer(int sport, int dport, byte[] gtp) {
    return PacketDecoderTunnelTest.outer4(17, udp(sport, dport, gtp));
  }

  @Test
  void plainGpduCarryingIpv4() {
    assertStandard(LinkType.ETHERNET, outer(2152, 2152, gtp(0, 0xff, ip4seg())), C4, S4, 1);
  }

  @Test
  void sequenceNumberPresentCarryingIpv6() {
    byte[] optional = cat(u16(77), bytes(0, 0)); // sequence, N-PDU, no next extension
    assertStandard(LinkType.ETHERNET, outer(40000, 2152, gtp(0x02, 0xff, cat(optional, ip6seg()))),
        C6, S6, 1);
  }

  @Test
  void extensionHeaderChainIsSkipped() {
    // E set: next type 0x85 (PDU session container, 4 bytes), then 0x40 (UDP port, 4 bytes), end.
    byte[] optional = cat(u16(0), bytes(0, 0x85));
    byte[] pduSession = bytes(1, 0x10, 0x05, 0x40);
    byte[] udpPort = bytes(1, 0x08, 0x68, 0x00);
    assertStandard(LinkType.ETHERNET,
        outer(2152, 2152, gtp(0x04, 0xff, cat(optional, pduSession, udpPort, ip4seg()))), C4, S4, 1);
  }

  @Test
  void echoRequestIsNotOurs() {
    assertOther(decode(LinkType.ETHERNET, outer(2152, 2152, gtp(0x02, 0x01, bytes(0, 1, 0, 0)))));
  }

  @Test
  void gtpPrimeIsNotOurs() {
    byte[] prime = cat(bytes(0x2e, 0xff), u16(ip4seg().length), ip4seg());
    assertOther(decode(LinkType.ETHERNET, outer(2152, 2152, prime)));
  }

  @Test
  void zeroLengthExtensionHeaderIsInvalid() {
    byte[] optional = cat(u16(0), bytes(0, 0x85));
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET,
        outer(2152, 2152, gtp(0x04, 0xff, cat(optional, bytes(0, 0, 0, 0), ip4seg())))));
  }

  @Test
  void extensionHeaderBeyondThePacketIsInvalid() {
    byte[] optional = cat(u16(0), bytes(0, 0x85));
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET,
        outer(2152, 2152, gtp(0x04, 0xff, cat(optional, bytes(200, 0, 0))))));
  }

  @Test
  void lengthBeyondTheUdpPayloadIsInvalid() {
    byte[] g = gtp(0, 0xff, ip4seg());
    g[3] += 10; // length field claims 10 more bytes than the datagram holds
    assertOnly(Anomaly.TUNNEL_INVALID, decode(LinkType.ETHERNET, outer(2152, 2152, g)));
  }
}
