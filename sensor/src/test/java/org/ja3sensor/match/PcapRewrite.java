package org.ja3sensor.match;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rewrites a classic little-endian pcap of Ethernet/IPv4/TCP loopback recordings (samples/) so that
 * one side becomes a client in the home network and the other a server outside it, optionally on
 * another server port (what {@code tcprewrite} does with a cache file, done here in a few lines so
 * the tests need no extra tool). The side whose TCP port is {@code serverPort} is the server. IPv4
 * and TCP checksums are recomputed. Other frames are copied unchanged.
 */
final class PcapRewrite {
  private PcapRewrite() {}

  static void rewrite(Path in, Path out, int serverPort, byte[] client, byte[] server,
      int newServerPort) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(in)).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != 0xa1b2c3d4 || b.getInt(20) != 1) {
      throw new IOException(in + ": expected a little-endian microsecond pcap of Ethernet frames");
    }
    int pos = 24;
    while (pos + 16 <= b.limit()) {
      int caplen = b.getInt(pos + 8);
      int f = pos + 16;
      pos = f + caplen;
      if (caplen < 54 || (b.get(f + 12) & 0xff) != 0x08 || b.get(f + 13) != 0x00) {
        continue; // not IPv4
      }
      int ip = f + 14;
      int ihl = (b.get(ip) & 0x0f) * 4;
      if (b.get(ip + 9) != 6) {
        continue; // not TCP
      }
      int tcp = ip + ihl;
      ByteBuffer be = b.duplicate().order(ByteOrder.BIG_ENDIAN);
      int sport = be.getShort(tcp) & 0xffff;
      int dport = be.getShort(tcp + 2) & 0xffff;
      boolean fromServer = sport == serverPort;
      if (!fromServer && dport != serverPort) {
        continue;
      }
      put(b, ip + 12, fromServer ? server : client);
      put(b, ip + 16, fromServer ? client : server);
      be.putShort(fromServer ? tcp : tcp + 2, (short) newServerPort);
      int total = be.getShort(ip + 2) & 0xffff;
      be.putShort(ip + 10, (short) 0);
      be.putShort(ip + 10, (short) checksum(be, ip, ihl, 0));
      int tcpLen = Math.min(total, caplen - 14) - ihl;
      long pseudo = sum16(be, ip + 12, 8) + 6 + tcpLen;
      be.putShort(tcp + 16, (short) 0);
      be.putShort(tcp + 16, (short) checksum(be, tcp, tcpLen, pseudo));
    }
    Files.write(out, b.array());
  }

  private static void put(ByteBuffer b, int at, byte[] v) {
    for (int i = 0; i < 4; i++) {
      b.put(at + i, v[i]);
    }
  }

  private static long sum16(ByteBuffer b, int from, int len) {
    long s = 0;
    for (int i = 0; i + 1 < len; i += 2) {
      s += b.getShort(from + i) & 0xffff;
    }
    if ((len & 1) != 0) {
      s += (b.get(from + len - 1) & 0xff) << 8;
    }
    return s;
  }

  private static int checksum(ByteBuffer b, int from, int len, long initial) {
    long s = initial + sum16(b, from, len);
    while ((s >> 16) != 0) {
      s = (s & 0xffff) + (s >> 16);
    }
    return (int) (~s & 0xffff);
  }
}
