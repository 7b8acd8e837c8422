package org.ja3sensor.decode;

import static org.ja3sensor.decode.Frames.bytes;
import static org.ja3sensor.decode.Frames.capwap;
import static org.ja3sensor.decode.Frames.cat;
import static org.ja3sensor.decode.Frames.eth;
import static org.ja3sensor.decode.Frames.gre;
import static org.ja3sensor.decode.Frames.mplsLabel;
import static org.ja3sensor.decode.Frames.tag;
import static org.ja3sensor.decode.Frames.u16;
import static org.ja3sensor.decode.Frames.u32;
import static org.ja3sensor.decode.Frames.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.LinkType;
import org.junit.jupiter.api.Test;

/**
 * Millions of mutated and random frames with a fixed seed: the decoder never throws, never
 * points outside the frame, and counts exactly one outcome per frame.
 */
class PacketDecoderFuzzTest {
  private static final long SEED = 0x4a41335345L;
  private static final int MUTATED = 1_500_000;
  private static final int RANDOM = 500_000;

  private static final int[] LINK_TYPES = {
    LinkType.ETHERNET, LinkType.RAW, LinkType.RAW_ALT_12, LinkType.RAW_ALT_14, LinkType.IPV4,
    LinkType.IPV6, LinkType.NULL, LinkType.LOOP, LinkType.PPP, LinkType.LINUX_SLL,
    LinkType.LINUX_SLL2, 105, 127
  };

  record Seed(int linkType, byte[] frame, boolean valid) {
    Seed(int linkType, byte[] frame) {
      this(linkType, frame, true);
    }
  }

  static List<Seed> seeds() {
    List<Seed> s = new ArrayList<>();
    byte[] ip4 = DecoderFixture.ip4seg();
    byte[] ip6 = DecoderFixture.ip6seg();
    byte[] e4 = eth(0x0800, ip4);
    byte[] e6 = eth(0x86dd, ip6);
    s.add(new Seed(LinkType.ETHERNET, e4));
    s.add(new Seed(LinkType.ETHERNET, e6));
    s.add(new Seed(LinkType.ETHERNET, eth(0x0800, Frames.ipv4("10.0.0.1", "10.0.0.2", 6,
        bytes(0x94, 4, 0, 0), DecoderFixture.seg()))));
    s.add(new Seed(LinkType.ETHERNET, eth(0x86dd, Frames.ipv6("::1", "::2", 0, cat(
        Frames.ext6(60, 1), Frames.ext6(51, 0), Frames.ah(43), Frames.ext6(6, 0),
        DecoderFixture.seg())))));
    s.add(new Seed(LinkType.ETHERNET, eth(0x88a8, cat(tag(1, 0x8100), tag(2, 0x0800), ip4))));
    s.add(new Seed(LinkType.ETHERNET, eth(0x8847, cat(mplsLabel(1, false), mplsLabel(2, true),
        ip6))));
    s.add(new Seed(LinkType.ETHERNET, eth(0x8847, cat(mplsLabel(1, true), u32(0), e4))));
    byte[] ppp = cat(u16(0x0021), ip4);
    s.add(new Seed(LinkType.ETHERNET, eth(0x8864, cat(bytes(0x11, 0), u16(1), u16(ppp.length),
        ppp))));
    s.add(new Seed(LinkType.ETHERNET, eth(22 + ip4.length, cat(bytes(0xaa, 0xaa, 3, 0, 0, 0),
        u16(0x0800), ip4))));
    s.add(new Seed(LinkType.LINUX_SLL, Frames.sll(0x0800, ip4)));
    s.add(new Seed(LinkType.LINUX_SLL2, Frames.sll2(0x86dd, ip6)));
    s.add(new Seed(LinkType.RAW, ip4));
    s.add(new Seed(LinkType.IPV6, ip6));
    s.add(new Seed(LinkType.NULL, cat(bytes(30, 0, 0, 0), ip6)));
    s.add(new Seed(LinkType.LOOP, cat(u32(2), ip4)));
    s.add(new Seed(LinkType.PPP, cat(bytes(0xff, 0x03, 0, 0x57), ip6)));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer4(4, ip4)));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer6(41, ip6)));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer4(47,
        gre(true, true, true, 0x0800, ip4))));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer4(47,
        gre(false, false, false, 0x88be, e4))));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer4(47,
        gre(false, false, true, 0x88be, Frames.erspan2(e6)))));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer4(47,
        gre(false, false, true, 0x22eb, Frames.erspan3(true, 0, e4)))));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer6(17,
        udp(9, 4789, Frames.vxlan(1, e4)))));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer4(17,
        udp(9, 6081, Frames.geneve(0x6558, new byte[8], e6)))));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer4(17, udp(9, 5247,
        capwap(true, new byte[8], Frames.wlanData(8, 3, true, 0x0800, ip4))))));
    s.add(new Seed(LinkType.ETHERNET, PacketDecoderTunnelTest.outer4(17, udp(9, 5247,
        capwap(false, new byte[0], e6)))));
    s.add(new Seed(LinkType.ETHERNET, eth(0x0800,
        PacketDecoderTunnelTest.nestIpInIp(4, ip4))));
    // Beyond the limits: starting points for the anomalies that need many repeated headers.
    s.add(new Seed(LinkType.ETHERNET, eth(0x0800,
        PacketDecoderTunnelTest.nestIpInIp(5, ip4)), false));
    byte[] tags = new byte[0];
    for (int i = 0; i < 9; i++) {
      tags = cat(tags, tag(i, i < 8 ? 0x8100 : 0x0800));
    }
    s.add(new Seed(LinkType.ETHERNET, eth(0x8100, cat(tags, ip4)), false));
    byte[] labels = new byte[0];
    for (int i = 0; i < 17; i++) {
      labels = cat(labels, mplsLabel(i, i == 16));
    }
    s.add(new Seed(LinkType.ETHERNET, eth(0x8847, cat(labels, ip4)), false));
    return s;
  }

  @Test
  void seedsDecodeAsIntended() {
    List<Seed> seeds = seeds();
    for (int i = 0; i < seeds.size(); i++) {
      DecoderFixture f = new DecoderFixture();
      Seed s = seeds.get(i);
      assertEquals(s.valid(), f.decode(s.linkType(), s.frame()), "seed " + i);
    }
  }

  @Test
  void mutatedAndRandomFramesNeverThrow() {
    Random r = new Random(SEED);
    List<Seed> seeds = seeds();
    Counters c = new Counters();
    PacketDecoder d = new PacketDecoder(c);
    DecodedPacket out = new DecodedPacket();
    for (int i = 0; i < MUTATED + RANDOM; i++) {
      int linkType;
      byte[] frame;
      if (i < MUTATED) {
        Seed s = seeds.get(r.nextInt(seeds.size()));
        frame = mutate(s.frame(), r);
        linkType = r.nextInt(10) == 0 ? LINK_TYPES[r.nextInt(LINK_TYPES.length)] : s.linkType();
      } else {
        frame = new byte[r.nextInt(257)];
        r.nextBytes(frame);
        linkType = LINK_TYPES[r.nextInt(LINK_TYPES.length)];
      }
      // The frame ends exactly at the array's end, so any read past it throws.
      int prefix = r.nextInt(4) == 0 ? r.nextInt(16) : 0;
      byte[] buf = new byte[prefix + frame.length];
      System.arraycopy(frame, 0, buf, prefix, frame.length);
      decodeAndCheck(d, c, out, linkType, buf, prefix, frame.length, i);
    }
    // The mutations must have reached every layer, not just bounced off the first header.
    assertTrue(c.tcpPackets > MUTATED / 20, "tcp segments decoded: " + c.tcpPackets);
    for (Anomaly a : Anomaly.values()) {
      if (a.ordinal() >= Anomaly.LINK_TRUNCATED.ordinal()
          && a.ordinal() <= Anomaly.TUNNEL_TOO_DEEP.ordinal()) {
        assertTrue(c.get(a) > 0, "never counted: " + a.label());
      }
    }
  }

  private static void decodeAndCheck(PacketDecoder d, Counters c, DecodedPacket out,
      int linkType, byte[] buf, int off, int len, int iteration) {
    long tcp = c.tcpPackets;
    long quic = c.quicPackets;
    long other = c.otherPackets;
    long truncated = c.get(Anomaly.TCP_PAYLOAD_TRUNCATED);
    long anomalies = c.totalAnomalies() - truncated;
    boolean ok;
    try {
      ok = d.decode(linkType, buf, off, len, out);
    } catch (RuntimeException e) {
      throw new AssertionError(describe(iteration, linkType, buf, off, len), e);
    }
    long dTcp = c.tcpPackets - tcp + (c.quicPackets - quic); // TCP segments and QUIC datagrams
    long dOther = c.otherPackets - other;
    long dTruncated = c.get(Anomaly.TCP_PAYLOAD_TRUNCATED) - truncated;
    long dAnomalies = c.totalAnomalies() - dTruncated - truncated - anomalies;
    if (dTcp + dOther + dAnomalies != 1 || dTcp != (ok ? 1 : 0)) {
      fail("counted tcp " + dTcp + ", other " + dOther + ", anomalies " + dAnomalies
          + " for result " + ok + ": " + describe(iteration, linkType, buf, off, len));
    }
    if (ok) {
      if (out.payload != buf
          || out.payloadOff < off
          || out.payloadLen < 0
          || out.payloadOff + out.payloadLen > off + len
          || out.payloadWireLen < out.payloadLen
          || out.tunnelDepth < 0
          || out.tunnelDepth > PacketDecoder.MAX_TUNNEL_DEPTH) {
        fail("segment outside the frame (off " + out.payloadOff + ", len " + out.payloadLen
            + ", wire " + out.payloadWireLen + ", depth " + out.tunnelDepth + "): "
            + describe(iteration, linkType, buf, off, len));
      }
      if ((dTruncated == 1) != (out.payloadWireLen > out.payloadLen)) {
        fail("truncation counted " + dTruncated + " for payload " + out.payloadLen + "/"
            + out.payloadWireLen + ": " + describe(iteration, linkType, buf, off, len));
      }
    } else if (dTruncated != 0) {
      fail("truncation counted for a refused frame: "
          + describe(iteration, linkType, buf, off, len));
    }
  }

  private static String describe(int iteration, int linkType, byte[] buf, int off, int len) {
    return "iteration " + iteration + ", link type " + linkType + ", frame "
        + HexFormat.of().formatHex(buf, off, off + len);
  }

  private static final int[] INTERESTING = {0, 1, 2, 4, 5, 6, 8, 0x0f, 0x40, 0x45, 0x60, 0x7f,
      0x80, 0xaa, 0xfe, 0xff};

  static byte[] mutate(byte[] seed, Random r) {
    byte[] f = seed.clone();
    int ops = 1 + r.nextInt(3);
    for (int k = 0; k < ops; k++) {
      int n = f.length;
      switch (r.nextInt(7)) {
        case 0: // random bytes
          for (int j = 1 + r.nextInt(4); j > 0 && n > 0; j--) {
            f[r.nextInt(n)] = (byte) r.nextInt(256);
          }
          break;
        case 1: // an interesting byte value
          if (n > 0) {
            f[r.nextInt(n)] = (byte) INTERESTING[r.nextInt(INTERESTING.length)];
          }
          break;
        case 2: // a 16-bit field set to an extreme or nearby length
          if (n > 1) {
            int at = r.nextInt(n - 1);
            int v = switch (r.nextInt(4)) {
              case 0 -> 0;
              case 1 -> 0xffff;
              case 2 -> n + r.nextInt(9) - 4;
              default -> r.nextInt(64);
            };
            f[at] = (byte) (v >>> 8);
            f[at + 1] = (byte) v;
          }
          break;
        case 3: // cut, as a snap length would
          f = Arrays.copyOf(f, r.nextInt(n + 1));
          break;
        case 4: // trailing junk
          byte[] tail = new byte[1 + r.nextInt(32)];
          r.nextBytes(tail);
          f = cat(f, tail);
          break;
        case 5: // delete a range
          if (n > 0) {
            int from = r.nextInt(n);
            int to = Math.min(n, from + 1 + r.nextInt(8));
            f = cat(Arrays.copyOf(f, from), Arrays.copyOfRange(f, to, n));
          }
          break;
        default: // duplicate a range in place (repeats headers: more tags, labels, tunnels)
          if (n > 0) {
            int from = r.nextInt(n);
            int to = Math.min(n, from + 1 + r.nextInt(24));
            f = cat(Arrays.copyOf(f, to), Arrays.copyOfRange(f, from, n));
          }
          break;
      }
    }
    return f;
  }
}
