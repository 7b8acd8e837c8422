import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor of bench/run.sh: what reading a classic pcap file in pure Java plus one flow-table
 * lookup per packet costs, with nothing else (no reassembly, no TLS, no output). Not part of the
 * sensor; a yardstick for `ja3sensor read`.
 *
 * <p>Memory-maps the file in windows of up to 1 GiB, walks the record headers, decodes Ethernet
 * (one optional VLAN tag), Linux cooked (v1) or raw IP down to the IPv4/IPv6 TCP/UDP ports, and
 * looks the direction-independent 5-tuple up in an open-addressing table (insert if new). IPv6
 * addresses are folded to 64-bit hashes in the key. Prints packets, flows and elapsed seconds.
 * Classic pcap only (what tcpdump -w writes); no pcapng.
 */
public final class Floor {
  private static final long WINDOW = 1L << 30;

  // flow table: keys a (addresses) and b (ports, protocol); 0/0 marks an empty slot
  private long[] keyA = new long[1 << 16];
  private long[] keyB = new long[1 << 16];
  private int flows;

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: java Floor CAPTURE.pcap");
      System.exit(2);
    }
    long t0 = System.nanoTime();
    Floor f = new Floor();
    long packets = f.read(Path.of(args[0]));
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("packets=%d flows=%d seconds=%.3f%n", packets, f.flows, s);
  }

  long read(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      MappedByteBuffer head = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, 24));
      if (size < 24) {
        throw new IOException("pcap header: file has " + size + " bytes, expected at least 24");
      }
      int magic = head.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
      ByteOrder order;
      if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
        order = ByteOrder.LITTLE_ENDIAN;
      } else if (Integer.reverseBytes(magic) == 0xa1b2c3d4 || Integer.reverseBytes(magic) == 0xa1b23c4d) {
        order = ByteOrder.BIG_ENDIAN;
      } else {
        throw new IOException(String.format("pcap magic: 0x%08x, expected 0xa1b2c3d4 or 0xa1b23c4d", magic));
      }
      int linkType = head.order(order).getInt(20) & 0xffff;
      long packets = 0;
      long pos = 24;
      while (pos + 16 <= size) {
        long len = Math.min(WINDOW, size - pos);
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, pos, len);
        m.order(order); // record headers: the file's byte order
        ByteBuffer net = m.duplicate().order(ByteOrder.BIG_ENDIAN); // packet bytes: network order
        int p = 0;
        int limit = (int) len;
        while (p + 16 <= limit) {
          int incl = m.getInt(p + 8);
          if (incl < 0 || incl > 0x4000000) {
            throw new IOException("record at " + (pos + p) + ": incl_len " + incl + ", expected 0..64 MiB");
          }
          if (p + 16 + incl > limit) {
            break; // record crosses the window: remap from here
          }
          packet(net, p + 16, incl, linkType);
          packets++;
          p += 16 + incl;
        }
        if (p == 0) {
          break; // truncated last record
        }
        pos += p;
      }
      return packets;
    }
  }

  private void packet(ByteBuffer m, int off, int len, int linkType) {
    int end = off + len;
    int ip;
    int etherType;
    if (linkType == 1) { // Ethernet
      if (len < 14) {
        return;
      }
      etherType = m.getShort(off + 12) & 0xffff;
      ip = off + 14;
      if (etherType == 0x8100 && len >= 18) {
        etherType = m.getShort(off + 16) & 0xffff;
        ip = off + 18;
      }
    } else if (linkType == 113) { // Linux cooked v1
      if (len < 16) {
        return;
      }
      etherType = m.getShort(off + 14) & 0xffff;
      ip = off + 16;
    } else if (linkType == 101 || linkType == 12) { // raw IP
      ip = off;
      etherType = 0;
    } else {
      return;
    }
    if (ip >= end) {
      return;
    }
    int version = (m.get(ip) & 0xf0) >> 4;
    if (version == 4 && (etherType == 0x0800 || etherType == 0)) {
      if (ip + 20 > end) {
        return;
      }
      int ihl = (m.get(ip) & 0x0f) * 4;
      int proto = m.get(ip + 9) & 0xff;
      int l4 = ip + ihl;
      if (l4 + 4 > end) {
        return;
      }
      long src = m.getInt(ip + 12) & 0xffffffffL;
      long dst = m.getInt(ip + 16) & 0xffffffffL;
      int sp = m.getShort(l4) & 0xffff;
      int dp = m.getShort(l4 + 2) & 0xffff;
      lookup(src, dst, sp, dp, proto);
    } else if (version == 6 && (etherType == 0x86dd || etherType == 0)) {
      if (ip + 44 > end) {
        return;
      }
      int proto = m.get(ip + 6) & 0xff;
      long src = mix(m.getLong(ip + 8), m.getLong(ip + 16));
      long dst = mix(m.getLong(ip + 24), m.getLong(ip + 32));
      int sp = m.getShort(ip + 40) & 0xffff;
      int dp = m.getShort(ip + 42) & 0xffff;
      lookup(src, dst, sp, dp, proto);
    }
  }

  private static long mix(long a, long b) {
    long h = a * 0x9E3779B97F4A7C15L ^ b;
    return (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L;
  }

  private void lookup(long src, long dst, int sp, int dp, int proto) {
    // direction-independent key: the smaller endpoint first
    boolean swap = src > dst || (src == dst && sp > dp);
    long a = swap ? dst * 31 + src * 0x9E3779B97F4A7C15L : src * 31 + dst * 0x9E3779B97F4A7C15L;
    long b = ((long) (swap ? dp : sp) << 24) | ((long) (swap ? sp : dp) << 8) | proto | (1L << 62);
    int mask = keyA.length - 1;
    int i = (int) (mix(a, b) & mask);
    while (true) {
      if (keyB[i] == 0) {
        keyA[i] = a;
        keyB[i] = b;
        if (++flows * 2 > keyA.length) {
          grow();
        }
        return;
      }
      if (keyA[i] == a && keyB[i] == b) {
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    long[] oa = keyA;
    long[] ob = keyB;
    keyA = new long[oa.length * 2];
    keyB = new long[ob.length * 2];
    int mask = keyA.length - 1;
    for (int j = 0; j < oa.length; j++) {
      if (ob[j] != 0) {
        int i = (int) (mix(oa[j], ob[j]) & mask);
        while (keyB[i] != 0) {
          i = (i + 1) & mask;
        }
        keyA[i] = oa[j];
        keyB[i] = ob[j];
      }
    }
  }
}
