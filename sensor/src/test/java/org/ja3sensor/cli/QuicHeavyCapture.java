package org.ja3sensor.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a QUIC-heavy capture for the tests of {@link JitChoice}: the QUIC v1 Initial packets
 * (client and server) of {@code samples/quic/netty-quic.pcap}, a real Netty/quiche exchange,
 * copied with a new client port per flow and copy, so that every copy is a new connection with
 * its own hellos; packets 100 us apart. The Initials are unchanged (same Connection IDs, so
 * they decrypt with the same keys); the UDP checksum is set to 0 ("none", RFC 768).
 */
final class QuicHeavyCapture {
  private QuicHeavyCapture() {}

  /** What was written. */
  record Written(long initials, long bytes) {}

  static Written write(Path sample, Path out, int copies) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(sample)).order(ByteOrder.LITTLE_ENDIAN);
    if (in.getInt(0) != 0xa1b2c3d4 || in.getInt(20) != 1) {
      throw new IOException(sample + ": not a little-endian microsecond Ethernet pcap");
    }
    List<byte[]> initials = new ArrayList<>();
    Map<Integer, Integer> clientPorts = new LinkedHashMap<>();
    int pos = 24;
    while (pos + 16 <= in.limit()) {
      int capLen = in.getInt(pos + 8);
      byte[] frame = new byte[capLen];
      in.get(pos + 16, frame);
      pos += 16 + capLen;
      int udp = udpOffset(frame);
      if (udp < 0 || capLen < udp + 13) {
        continue;
      }
      int first = frame[udp + 8] & 0xff;
      int version = ByteBuffer.wrap(frame, udp + 9, 4).getInt();
      if ((first & 0x80) == 0 || version != 1 || (first & 0x30) != 0) {
        continue; // not a v1 Initial
      }
      initials.add(frame);
      int src = port(frame, udp);
      int dst = port(frame, udp + 2);
      int client = dst == 443 ? src : dst;
      clientPorts.putIfAbsent(client, clientPorts.size());
    }
    if (initials.isEmpty()) {
      throw new IOException(sample + ": no QUIC v1 Initial");
    }
    long count = 0;
    long micros = 1_700_000_000L * 1_000_000L;
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
      ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
          .putInt(262144).putInt(1);
      os.write(header.array());
      ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      for (int copy = 0; copy < copies; copy++) {
        for (byte[] original : initials) {
          byte[] frame = original.clone();
          int udp = udpOffset(frame);
          int src = port(frame, udp);
          int dst = port(frame, udp + 2);
          int at = dst == 443 ? udp : udp + 2;
          int flow = clientPorts.get(dst == 443 ? src : dst);
          int newPort = 1024 + (copy * clientPorts.size() + flow) % 64000;
          frame[at] = (byte) (newPort >>> 8);
          frame[at + 1] = (byte) newPort;
          frame[udp + 6] = 0;
          frame[udp + 7] = 0;
          micros += 100;
          rec.clear();
          rec.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000))
              .putInt(frame.length).putInt(frame.length);
          os.write(rec.array());
          os.write(frame);
          count++;
        }
      }
    }
    return new Written(count, Files.size(out));
  }

  /** The UDP header's offset in an Ethernet frame carrying IPv4 or IPv6, or -1. */
  private static int udpOffset(byte[] f) {
    if (f.length < 14 + 40 + 8) {
      return f.length >= 14 + 20 + 8 && (f[12] & 0xff) == 0x08 && f[13] == 0 ? v4(f) : -1;
    }
    int type = ((f[12] & 0xff) << 8) | (f[13] & 0xff);
    if (type == 0x0800) {
      return v4(f);
    }
    if (type == 0x86dd) {
      return f[14 + 6] == 17 ? 14 + 40 : -1;
    }
    return -1;
  }

  private static int v4(byte[] f) {
    int ihl = (f[14] & 0x0f) * 4;
    return f[14 + 9] == 17 ? 14 + ihl : -1;
  }

  private static int port(byte[] f, int at) {
    return ((f[at] & 0xff) << 8) | (f[at + 1] & 0xff);
  }
}
