package org.ja3sensor.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HexFormat;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * Coverage-guided fuzz target (Jazzer) for link, network and tunnel decoding: every link type the
 * decoder knows plus two it does not (a TCP segment or a QUIC datagram is what a frame yields). Byte 0 of the input picks the link type, byte 1 how many
 * junk bytes precede the frame in its buffer; the rest is the frame, which ends exactly at the
 * array's end (a read past it throws). Saved inputs: {@code
 * src/test/resources/org/ja3sensor/decode/DecodeFuzzTestInputs/decode/} (frames of the samples
 * and the conformance corpus, written by {@code scripts/fuzz-seeds.py}).
 *
 * <p>Invariants: exactly one outcome counted per frame (a TCP segment, another packet, or one
 * anomaly; snap-length truncation of the payload counted besides, exactly when the payload is
 * shorter than the IP header says); the payload slice lies inside the frame; the tunnel depth
 * within its limit; decoding the same frame again gives the same fields (no state kept between
 * frames).
 */
class DecodeFuzzTest {
  static final int[] LINK_TYPES = {
    LinkType.ETHERNET, LinkType.RAW, LinkType.RAW_ALT_12, LinkType.RAW_ALT_14, LinkType.IPV4,
    LinkType.IPV6, LinkType.NULL, LinkType.LOOP, LinkType.PPP, LinkType.LINUX_SLL,
    LinkType.LINUX_SLL2, 105, 127
  };

  private final Counters counters = new Counters();
  private final PacketDecoder decoder = new PacketDecoder(counters);
  private final DecodedPacket out = new DecodedPacket();

  @FuzzTest(maxDuration = "10s")
  void decode(byte[] data) {
    if (data.length < 2) {
      return;
    }
    int linkType = LINK_TYPES[(data[0] & 0xff) % LINK_TYPES.length];
    int off = (data[1] & 0xff) % 16;
    int len = data.length - 2;
    byte[] buf = new byte[off + len];
    System.arraycopy(data, 2, buf, off, len);

    long tcp = counters.tcpPackets;
    long quic = counters.quicPackets;
    long other = counters.otherPackets;
    long truncated = counters.get(Anomaly.TCP_PAYLOAD_TRUNCATED);
    long anomalies = counters.totalAnomalies() - truncated;
    long fragments = counters.ipFragments;
    // a constant capture time: no fragment times out, so outcomes are those of this frame
    boolean ok = decoder.decode(linkType, 0L, buf, off, len, out);
    long dFragments = counters.ipFragments - fragments;
    long dTcp = counters.tcpPackets - tcp + (counters.quicPackets - quic); // or a QUIC datagram
    long dOther = counters.otherPackets - other;
    long dTruncated = counters.get(Anomaly.TCP_PAYLOAD_TRUNCATED) - truncated;
    long dAnomalies = counters.totalAnomalies() - dTruncated - truncated - anomalies;
    if (dFragments > 0) {
      // An IP fragment: kept (no other outcome), or it completed its datagram (that datagram's
      // one outcome); a full fragment table may also count the eviction it made room by.
      if (dTcp + dOther > 1 || dTcp != (ok ? 1 : 0)) {
        fail("fragment counted tcp " + dTcp + ", other " + dOther + " for result " + ok + ": "
            + describe(linkType, buf, off, len));
      }
      return; // its decoding depends on the fragments before it, by design
    }
    if (dTcp + dOther + dAnomalies != 1 || dTcp != (ok ? 1 : 0)) {
      fail("counted tcp " + dTcp + ", other " + dOther + ", anomalies " + dAnomalies
          + " for result " + ok + ": " + describe(linkType, buf, off, len));
    }
    if (!ok) {
      assertEquals(0, dTruncated, "truncation counted for a refused frame");
      return;
    }
    if (out.payload != buf
        || out.payloadOff < off
        || out.payloadLen < 0
        || out.payloadOff + out.payloadLen > off + len
        || out.payloadWireLen < out.payloadLen
        || out.tunnelDepth < 0
        || out.tunnelDepth > PacketDecoder.MAX_TUNNEL_DEPTH
        || out.srcPort < 0 || out.srcPort > 0xffff || out.dstPort < 0 || out.dstPort > 0xffff) {
      fail("segment outside the frame (off " + out.payloadOff + ", len " + out.payloadLen
          + ", wire " + out.payloadWireLen + ", depth " + out.tunnelDepth + "): "
          + describe(linkType, buf, off, len));
    }
    assertEquals(out.payloadWireLen > out.payloadLen, dTruncated == 1,
        "truncation counted " + dTruncated + " for payload " + out.payloadLen + "/"
            + out.payloadWireLen);
    if (!out.ipv6) {
      // IPv4 addresses are held IPv4-mapped.
      assertEquals(0, out.srcHi);
      assertEquals(0x0000ffffL, out.srcLo >>> 32);
    }
    String first = fields(out);
    DecodedPacket again = new DecodedPacket();
    assertEquals(true, new PacketDecoder(new Counters()).decode(linkType, 0L, buf, off, len, again));
    assertEquals(first, fields(again), "decoding depends on earlier frames");
  }

  private static String fields(DecodedPacket p) {
    return p.ipv6 + " " + p.udp + " " + p.srcHi + " " + p.srcLo + " " + p.dstHi + " " + p.dstLo + " "
        + p.srcPort + " " + p.dstPort + " " + p.seq + " " + p.ack + " " + p.tcpFlags + " "
        + p.payloadOff + " " + p.payloadLen + " " + p.payloadWireLen + " " + p.tunnelDepth;
  }

  private static String describe(int linkType, byte[] buf, int off, int len) {
    return "link type " + linkType + ", frame " + HexFormat.of().formatHex(buf, off, off + len);
  }
}
