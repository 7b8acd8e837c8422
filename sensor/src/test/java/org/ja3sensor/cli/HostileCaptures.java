package org.ja3sensor.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes generated hostile captures (classic pcap, Ethernet, microsecond timestamps, one packet
 * per microsecond) streaming, so that millions of packets cost no memory here:
 *
 * <ul>
 *   <li>{@code syn N}: a SYN flood, N SYNs each opening a flow of its own (10.x.y.z, ports
 *       10000 to 59999, to 192.0.2.1:443);
 *   <li>{@code udp N}: N one-datagram UDP flows that look like QUIC v1 client Initials (a random
 *       DCID, 46 bytes that fail the tag), each a QUIC flow with its keys derived;
 *   <li>{@code ooo F K}: F flows, each a SYN then K one-byte segments every other byte after a
 *       missing first byte (every segment out of order, each a hole), the flows interleaved
 *       segment by segment so that all hold their data at once.
 * </ul>
 *
 * Command line (bench/hostile-memory.sh): {@code HostileCaptures KIND COUNT [K] OUT.pcap}.
 */
public final class HostileCaptures {
  private final OutputStream out;
  private long ts = 1_700_000_000_000_000L; // microseconds
  private final byte[] frame = new byte[14 + 20 + 20 + 64];

  private HostileCaptures(OutputStream out) throws IOException {
    this.out = out;
    byte[] h = new byte[24];
    le32(h, 0, 0xa1b2c3d4);
    h[4] = 2;
    h[6] = 4;
    le32(h, 16, 65535);
    le32(h, 20, 1); // Ethernet
    out.write(h);
  }

  public static void main(String[] args) throws IOException {
    String kind = args[0];
    int n = Integer.parseInt(args[1]);
    int k = kind.equals("ooo") ? Integer.parseInt(args[2]) : 0;
    write(Path.of(args[args.length - 1]), kind, n, k);
  }

  /** Writes the capture {@code kind} ({@code syn}, {@code udp}, {@code ooo}) to {@code file}. */
  public static void write(Path file, String kind, int n, int k) throws IOException {
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      HostileCaptures c = new HostileCaptures(o);
      switch (kind) {
        case "syn" -> {
          for (int i = 0; i < n; i++) {
            c.tcp(i, 0x02, 1000, 0);
          }
        }
        case "udp" -> {
          for (int i = 0; i < n; i++) {
            c.quicLooking(i);
          }
        }
        case "ooo" -> {
          for (int i = 0; i < n; i++) {
            c.tcp(i, 0x02, 1000, 0);
          }
          for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
              c.tcp(i, 0x18, 1000 + 2 + 2 * j, 1); // seq 1001 (the first byte) never comes
            }
          }
        }
        default -> throw new IllegalArgumentException("kind " + kind + ": expected syn, udp or ooo");
      }
    }
  }

  /** One TCP segment of flow {@code i} from its client, with {@code len} payload bytes. */
  private void tcp(int i, int flags, long seq, int len) throws IOException {
    int ip = ethernetIpv4(i, 6, 20 + len);
    int t = ip + 20;
    be16(frame, t, port(i));
    be16(frame, t + 2, 443);
    be32(frame, t + 4, (int) seq);
    be32(frame, t + 8, 0);
    frame[t + 12] = 0x50;
    frame[t + 13] = (byte) flags;
    be16(frame, t + 14, 65535);
    be32(frame, t + 16, 0);
    for (int b = 0; b < len; b++) {
      frame[t + 20 + b] = (byte) ('a' + (seq + b) % 26);
    }
    packet(t + 20 + len);
  }

  /** A 64-byte UDP payload that looks like a QUIC v1 client Initial (its tag fails). */
  private void quicLooking(int i) throws IOException {
    int ip = ethernetIpv4(i, 17, 8 + 64);
    int u = ip + 20;
    be16(frame, u, port(i));
    be16(frame, u + 2, 443);
    be16(frame, u + 4, 8 + 64);
    be16(frame, u + 6, 0);
    int q = u + 8;
    frame[q] = (byte) 0xc3;
    be32(frame, q + 1, 1);
    frame[q + 5] = 8;
    be32(frame, q + 6, i);
    be32(frame, q + 10, i * 0x9e3779b1);
    frame[q + 14] = 0; // SCID length
    frame[q + 15] = 0; // token length
    frame[q + 16] = 0x40;
    frame[q + 17] = 46; // Length: packet number and payload
    for (int b = 0; b < 46; b++) {
      frame[q + 18 + b] = (byte) (i * 31 + b * 7);
    }
    packet(q + 64);
  }

  /** Ethernet and IPv4 headers of flow {@code i}; returns the IPv4 header's offset. */
  private int ethernetIpv4(int i, int proto, int ipPayload) {
    for (int b = 0; b < 12; b++) {
      frame[b] = (byte) (b < 6 ? 0x02 : 0x04);
    }
    be16(frame, 12, 0x0800);
    int ip = 14;
    frame[ip] = 0x45;
    frame[ip + 1] = 0;
    be16(frame, ip + 2, 20 + ipPayload);
    be32(frame, ip + 4, 0x40000000); // id 0, DF
    frame[ip + 8] = 64;
    frame[ip + 9] = (byte) proto;
    be16(frame, ip + 10, 0);
    int src = 0x0a000000 | (i / 50000 + 1);
    be32(frame, ip + 12, src);
    be32(frame, ip + 16, 0xc0000201);
    return ip;
  }

  /** Source ports 10000 to 59999: clear of the tunnel ports (GTP-U, VXLAN, GENEVE, CAPWAP). */
  private static int port(int i) {
    return 10000 + i % 50000;
  }

  private void packet(int len) throws IOException {
    byte[] rec = new byte[16];
    le32(rec, 0, (int) (ts / 1_000_000));
    le32(rec, 4, (int) (ts % 1_000_000));
    le32(rec, 8, len);
    le32(rec, 12, len);
    ts++;
    out.write(rec);
    out.write(frame, 0, len);
  }

  private static void le32(byte[] b, int o, int v) {
    b[o] = (byte) v;
    b[o + 1] = (byte) (v >>> 8);
    b[o + 2] = (byte) (v >>> 16);
    b[o + 3] = (byte) (v >>> 24);
  }

  private static void be16(byte[] b, int o, int v) {
    b[o] = (byte) (v >>> 8);
    b[o + 1] = (byte) v;
  }

  private static void be32(byte[] b, int o, int v) {
    b[o] = (byte) (v >>> 24);
    b[o + 1] = (byte) (v >>> 16);
    b[o + 2] = (byte) (v >>> 8);
    b[o + 3] = (byte) v;
  }
}
