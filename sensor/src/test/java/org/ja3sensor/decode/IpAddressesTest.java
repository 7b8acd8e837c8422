package org.ja3sensor.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressesTest {

  /** Examples from RFC 5952 sections 4.1 to 4.3 and usual special addresses. */
  @ParameterizedTest
  @CsvSource({
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", // one zero group is not shortened
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1", // the longest run wins
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1", // on a tie, the first run
    "2001:DB8:0:0:0:0:0:A, 2001:db8::a", // lower case
    "0:0:0:0:0:0:0:0, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "1:0:0:0:0:0:0:0, 1::",
    "fe80:0:0:0:0204:61ff:fe9d:f156, fe80::204:61ff:fe9d:f156",
    "2a03:b0c0:2:d0:0:0:bd3:4001, 2a03:b0c0:2:d0::bd3:4001",
    "2606:2800:220:1:248:1893:25c8:1946, 2606:2800:220:1:248:1893:25c8:1946",
    "0:0:0:0:0:fffe:c000:0201, ::fffe:c000:201", // not the mapped prefix
  })
  void formatsIpv6AsRfc5952(String full, String expected) throws Exception {
    byte[] a = InetAddress.getByName(full).getAddress();
    ByteBuffer bb = ByteBuffer.wrap(a);
    assertEquals(expected, IpAddresses.format(bb.getLong(0), bb.getLong(8)));
  }

  @ParameterizedTest
  @CsvSource({"192.0.2.1", "0.0.0.0", "255.255.255.255", "10.1.3.68", "128.0.0.1"})
  void formatsMappedAddressesAsDottedIpv4(String dotted) {
    assertEquals(dotted, IpAddresses.format(Frames.hi(dotted), Frames.lo(dotted)));
  }

  @Test
  void mapIpv4BuildsTheLowHalf() {
    assertEquals(0x0000ffff_c0000201L, IpAddresses.mapIpv4(0xc0000201));
    assertEquals(0x0000ffff_ffffffffL, IpAddresses.mapIpv4(-1));
    assertTrue(IpAddresses.isIpv4Mapped(0, IpAddresses.mapIpv4(0)));
    assertFalse(IpAddresses.isIpv4Mapped(1, IpAddresses.mapIpv4(0)));
    assertFalse(IpAddresses.isIpv4Mapped(0, 1));
  }

  @Test
  void randomAddressesRoundTripThroughTheJdkParser() throws Exception {
    Random r = new Random(5952);
    for (int i = 0; i < 20_000; i++) {
      long hi = r.nextLong();
      long lo = r.nextLong();
      // zero some groups so that runs of every length appear
      for (int g = 0; g < 8; g++) {
        if (r.nextInt(3) == 0) {
          if (g < 4) {
            hi &= ~(0xffffL << (48 - 16 * g));
          } else {
            lo &= ~(0xffffL << (48 - 16 * (g - 4)));
          }
        }
      }
      if (IpAddresses.isIpv4Mapped(hi, lo)) {
        continue;
      }
      String text = IpAddresses.format(hi, lo);
      byte[] parsed = InetAddress.getByName(text).getAddress();
      assertArrayEquals(IpAddresses.toBytes(hi, lo, false), parsed, text);
      assertEquals(text, text.toLowerCase(), text);
      assertTrue(text.indexOf("::") == text.lastIndexOf("::"), text);
      assertFalse(text.matches(".*(^|:)0[0-9a-f].*"), "leading zero in " + text);
    }
  }

  @Test
  void toBytesIpv4TakesTheLow32Bits() throws Exception {
    byte[] b = IpAddresses.toBytes(0, Frames.lo("93.184.216.34"), true);
    assertArrayEquals(InetAddress.getByName("93.184.216.34").getAddress(), b);
  }

  @Test
  void toBytesIpv6IsTheSixteenBytesInNetworkOrder() throws Exception {
    String s = "2001:db8:85a3::8a2e:370:7334";
    byte[] b = IpAddresses.toBytes(Frames.hi(s), Frames.lo(s), false);
    assertArrayEquals(InetAddress.getByName(s).getAddress(), b);
  }

  @Test
  void decodedPacketAddressesFormat() {
    DecoderFixture f = new DecoderFixture();
    assertTrue(f.decode(org.ja3sensor.decode.LinkType.RAW, DecoderFixture.ip6seg()));
    assertEquals("2001:db8::1", IpAddresses.format(f.out.srcHi, f.out.srcLo));
    assertEquals("2001:db8:0:1::443", IpAddresses.format(f.out.dstHi, f.out.dstLo));
    assertTrue(f.decode(org.ja3sensor.decode.LinkType.RAW, DecoderFixture.ip4seg()));
    assertEquals("10.0.0.1", IpAddresses.format(f.out.srcHi, f.out.srcLo));
    assertEquals("93.184.216.34", IpAddresses.format(f.out.dstHi, f.out.dstLo));
  }

  @Test
  void ipv4MappedAddressOfAnIpv6PacketKeepsItsIpv6Form() {
    long lo = IpAddresses.mapIpv4(0xc0000201); // 192.0.2.1
    assertEquals("::ffff:192.0.2.1", IpAddresses.format(0, lo, true));
    assertEquals("192.0.2.1", IpAddresses.format(0, lo, false));
    assertEquals("2001:db8::1", IpAddresses.format(0x20010db800000000L, 1, true));
  }
}
