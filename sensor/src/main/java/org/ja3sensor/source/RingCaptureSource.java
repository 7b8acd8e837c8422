package org.ja3sensor.source;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Frames from one live Ethernet interface read in place from a Linux TPACKET_V3 ring ({@code
 * capture --reader ring}): the kernel fills blocks of the ring mapped into this process ({@link
 * AfPacketRing}), the capture thread walks each block's frames through a {@link ByteBuffer} and
 * hands the block back; a native call ({@code poll}) is made only when the next block is not
 * ready, not once per frame as {@code pcap_next_ex} is.
 *
 * <p>Frames reach the handler as libpcap delivers them: link type Ethernet, the kernel's
 * nanosecond timestamp, the captured and original length, and an 802.1Q tag that the kernel
 * stripped into the frame's metadata put back after the MAC addresses (as libpcap does); outgoing
 * frames on a loopback interface, which also come back in, are skipped (as libpcap does).
 *
 * <p>Threads: as {@link LiveSource}. Memory ordering with the kernel: a block belongs to this
 * process once its {@code block_status} has {@code TP_STATUS_USER}, read with acquire semantics
 * (so that the frames are read after the status); it is handed back by writing {@code
 * TP_STATUS_KERNEL} with release semantics (after every read of its frames).
 *
 * <p>Buffer ownership: each frame is copied from the ring into one reused array, which the handler
 * may use only during the call (as for every source).
 *
 * <p>A socket that fails while running (interface went down, removed and re-created) is reported
 * through the warning callback and remade once a second until {@link #stop()} is called.
 */
public final class RingCaptureSource implements LiveSource {
  // struct tpacket_block_desc (linux/if_packet.h): version, offset_to_priv, then tpacket_hdr_v1
  private static final int BLOCK_STATUS = 8;
  private static final int BLOCK_NUM_PKTS = 12;
  private static final int BLOCK_OFFSET_TO_FIRST_PKT = 16;
  // struct tpacket3_hdr
  private static final int TP_NEXT_OFFSET = 0;
  private static final int TP_SEC = 4;
  private static final int TP_NSEC = 8;
  private static final int TP_SNAPLEN = 12;
  private static final int TP_LEN = 16;
  private static final int TP_STATUS = 20;
  private static final int TP_MAC = 24;
  private static final int TP_VLAN_TCI = 32; // hv1: tp_rxhash at 28, tp_vlan_tci, tp_vlan_tpid
  private static final int TP_VLAN_TPID = 36;
  private static final int TPACKET3_HDR_SIZE = 48;
  /** sockaddr_ll follows the header at TPACKET_ALIGN(sizeof(tpacket3_hdr)); sll_pkttype at 10. */
  private static final int SLL_PKTTYPE = 48 + 10;

  private static final int TP_STATUS_KERNEL = 0;
  private static final int TP_STATUS_USER = 1;
  private static final int TP_STATUS_VLAN_VALID = 1 << 4;
  private static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
  private static final int PACKET_OUTGOING = 4;
  private static final int ETH_P_8021Q = 0x8100;
  /** libpcap LINKTYPE_ETHERNET. */
  private static final int LINKTYPE_ETHERNET = 1;

  private static final VarHandle INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  private static final long REOPEN_DELAY_MILLIS = 1000;
  /** Longest time spent after stop() delivering frames the kernel had already captured. */
  private static final long DRAIN_MILLIS = 1000;

  private final String device;
  private final int ifIndex;
  private final LiveCaptureSource.Settings settings;
  private final Consumer<String> warnings;
  private final SourceStats stats = new SourceStats();
  /** The frame handed to the handler: the largest frame plus a re-inserted VLAN tag. */
  private final byte[] buf;
  private final Rest frameRest = new Rest();

  private volatile AfPacketRing ring;
  private volatile boolean stopRequested;
  private volatile boolean wakeRequested;
  /** The next block to read (capture thread). */
  private int block;

  /** The fanout group joined, or -1; rejoined after a reopen. */
  private int fanoutGroup = -1;

  private PacketFanout.Mode fanoutMode;
  private boolean fanoutDefrag;

  /** Kernel counters summed over every read and every socket (reading them resets them). */
  private long kernelDrops;

  private long freezes;
  private long ifDropsBeforeReopen;

  /**
   * Whether this reader reads interface {@code device}: its ARPHRD type, as the sysfs directory
   * {@code sysNet} (normally /sys/class/net) gives it, is one whose frames start with an Ethernet
   * header (Ethernet, loopback). False where the type cannot be read.
   */
  public static boolean readsInterface(java.nio.file.Path sysNet, String device) {
    int hatype = AfPacketRing.sysfsInt(sysNet, device, "type", 10);
    return hatype >= 0 && AfPacketRing.ethernetFramed(hatype);
  }

  /**
   * @param device interface name
   * @param ifIndex number of this interface in the capture (written with each frame)
   * @param settings as for {@link LiveCaptureSource} ({@code directRead} is not used); the ring
   *     is {@code bufferBytes} large and a partly filled block is handed over after {@code
   *     readTimeoutMillis}
   * @param warnings receives one-line messages about capture failures and reopening
   */
  public RingCaptureSource(
      String device, int ifIndex, LiveCaptureSource.Settings settings, Consumer<String> warnings) {
    this.device = device;
    this.ifIndex = ifIndex;
    this.settings = settings;
    this.warnings = warnings;
    this.buf = new byte[Math.max(settings.snaplen(), 65_535) + 4];
  }

  @Override
  public void open() throws LiveCaptureException {
    AfPacketRing r = AfPacketRing.open(device, settings);
    block = 0;
    ring = r;
  }

  @Override
  public int joinFanout(int group, PacketFanout.Mode mode, boolean defrag) {
    AfPacketRing r = ring;
    if (r == null) {
      throw new UnsupportedOperationException("interface \"" + device + "\" is not open");
    }
    fanoutGroup = PacketFanout.joinSocket(r.fd(), group, mode, defrag);
    fanoutMode = mode;
    fanoutDefrag = defrag;
    return fanoutGroup;
  }

  @Override
  public int linkType() {
    return LINKTYPE_ETHERNET;
  }

  @Override
  public boolean nanosecondTimestamps() {
    return true;
  }

  @Override
  public int ifIndex() {
    return ifIndex;
  }

  /** Times the kernel found the ring full (tp_freeze_q_cnt), as of the last stats refresh. */
  public synchronized long ringFullCount() {
    return freezes;
  }

  @Override
  public void run(PacketHandler handler) throws IOException {
    if (ring == null && !stopRequested) {
      open();
    }
    while (!stopRequested) {
      AfPacketRing r = ring;
      try {
        read(r, handler);
      } catch (IOException e) {
        if (stopRequested) {
          break;
        }
        warnings.accept("interface \"" + device + "\": capture failed: " + e.getMessage()
            + "; reopening every " + REOPEN_DELAY_MILLIS / 1000 + " s");
        reopen();
      }
    }
    drain(handler);
  }

  /** Reads blocks until {@link #stop()}; polls only when the next block is not ready. */
  private void read(AfPacketRing r, PacketHandler handler) throws IOException {
    ByteBuffer mem = r.ring();
    int blockSize = r.blockSize();
    int blocks = r.blockCount();
    boolean loopback = r.loopback();
    int timeout = Math.max(1, settings.readTimeoutMillis());
    while (!stopRequested) {
      if (wakeRequested) {
        wakeRequested = false;
        handler.onIdle();
      }
      int base = block * blockSize;
      if (((int) INT.getAcquire(mem, base + BLOCK_STATUS) & TP_STATUS_USER) != 0) {
        deliverBlock(mem, base, blockSize, loopback, handler);
        INT.setRelease(mem, base + BLOCK_STATUS, TP_STATUS_KERNEL);
        block = block + 1 == blocks ? 0 : block + 1;
      } else if (!r.poll(timeout)) {
        handler.onIdle(); // nothing within the read timeout
      }
    }
  }

  /**
   * Hands every frame of the block at {@code base} to the handler; the counters are published
   * once per block (they are volatile).
   */
  private void deliverBlock(
      ByteBuffer mem, int base, int blockSize, boolean loopback, PacketHandler handler) {
    int end = base + blockSize;
    int count = mem.getInt(base + BLOCK_NUM_PKTS);
    int p = base + mem.getInt(base + BLOCK_OFFSET_TO_FIRST_PKT);
    long packets = 0;
    long bytes = 0;
    try {
      for (int i = 0; i < count; i++) {
        if (p < base || p > end - TPACKET3_HDR_SIZE - 20) {
          stats.badRecords++; // a frame header outside the block: the rest cannot be found
          return;
        }
        if (!loopback || mem.get(p + SLL_PKTTYPE) != PACKET_OUTGOING) {
          int cap = deliverFrame(mem, p, end, handler);
          if (cap >= 0) {
            packets++;
            bytes += cap;
          }
        }
        int next = mem.getInt(p + TP_NEXT_OFFSET);
        if (next <= 0) {
          return;
        }
        p += next;
      }
    } finally {
      stats.packets += packets;
      stats.bytes += bytes;
    }
  }

  /** Hands the frame whose header is at {@code p} to the handler; returns its length, or -1. */
  private int deliverFrame(ByteBuffer mem, int p, int end, PacketHandler handler) {
    int snap = mem.getInt(p + TP_SNAPLEN);
    int len = mem.getInt(p + TP_LEN);
    int status = mem.getInt(p + TP_STATUS);
    int start = p + (mem.getShort(p + TP_MAC) & 0xffff);
    if (snap < 0 || start > end || snap > end - start) {
      stats.badRecords++;
      return -1;
    }
    long tsNanos = (mem.getInt(p + TP_SEC) & 0xffffffffL) * 1_000_000_000L
        + (mem.getInt(p + TP_NSEC) & 0xffffffffL);
    byte[] b = buf;
    int tci = mem.getInt(p + TP_VLAN_TCI);
    int cap;
    if ((tci != 0 || (status & TP_STATUS_VLAN_VALID) != 0) && snap >= 12) {
      // The kernel took the 802.1Q tag out of the frame: put it back after the two addresses.
      int tpidField = mem.getShort(p + TP_VLAN_TPID) & 0xffff;
      int tpid = tpidField != 0 || (status & TP_STATUS_VLAN_TPID_VALID) != 0
          ? tpidField : ETH_P_8021Q;
      mem.get(start, b, 0, 12);
      b[12] = (byte) (tpid >> 8);
      b[13] = (byte) tpid;
      b[14] = (byte) (tci >> 8);
      b[15] = (byte) tci;
      int rest = Math.min(snap - 12, b.length - 16);
      mem.get(start + 12, b, 16, rest);
      cap = Math.min(16 + rest, settings.snaplen());
      len += 4;
    } else {
      cap = Math.min(Math.min(snap, b.length), settings.snaplen());
      int head = plainTcpHeaders(mem, start, cap);
      if (head >= 0 && cap - head > PacketHandler.PARTIAL_PEEK) {
        // Only the headers and the payload's start now; the rest if the handler asks for it.
        int first = head + PacketHandler.PARTIAL_PEEK;
        mem.get(start, b, 0, first);
        frameRest.set(mem, start + first, first, cap - first);
        try {
          handler.onPartialPacket(LINKTYPE_ETHERNET, tsNanos, b, 0, cap, len, ifIndex, frameRest);
        } finally {
          frameRest.len = 0; // the frame's block goes back to the kernel: no copy after the call
        }
        return cap;
      }
      mem.get(start, b, 0, cap);
    }
    handler.onPacket(LINKTYPE_ETHERNET, tsNanos, b, 0, cap, len, ifIndex);
    return cap;
  }

  /**
   * Length of the headers of a frame in the ring at {@code s}, {@code cap} bytes captured, when
   * it is a plain TCP segment as {@link PacketHandler#onPartialPacket} describes it: Ethernet II
   * (the kernel took any VLAN tag out), then IPv4 that is not a fragment or IPv6 with TCP as its
   * next header, then a TCP header; -1 for any other frame, which is then copied whole. The
   * decoder reads nothing of such a frame beyond these headers, and checks them again itself.
   */
  public static int plainTcpHeaders(ByteBuffer mem, int s, int cap) {
    if (cap < 14 + 20 + 20) {
      return -1;
    }
    int type = ((mem.get(s + 12) & 0xff) << 8) | (mem.get(s + 13) & 0xff);
    int ip = s + 14;
    int tcp;
    if (type == 0x0800) {
      int versionIhl = mem.get(ip) & 0xff;
      int ihl = (versionIhl & 0x0f) << 2;
      if ((versionIhl >>> 4) != 4 || ihl < 20 || mem.get(ip + 9) != 6
          || (((mem.get(ip + 6) & 0x3f) << 8) | (mem.get(ip + 7) & 0xff)) != 0) {
        return -1; // not IPv4, not TCP, or a fragment (MF or an offset)
      }
      tcp = ip + ihl;
    } else if (type == 0x86dd) {
      if ((mem.get(ip) & 0xf0) != 0x60 || mem.get(ip + 6) != 6) {
        return -1;
      }
      tcp = ip + 40;
    } else {
      return -1;
    }
    if (tcp + 20 > s + cap) {
      return -1;
    }
    int dataOffset = (mem.get(tcp + 12) & 0xf0) >>> 2;
    int head = tcp + dataOffset - s;
    return dataOffset < 20 || head > cap ? -1 : head;
  }

  /** The part of the current frame not yet copied into {@link #buf}. */
  private final class Rest implements FrameRest {
    private ByteBuffer mem;
    private int from;
    private int to;
    private int len;

    void set(ByteBuffer mem, int from, int to, int len) {
      this.mem = mem;
      this.from = from;
      this.to = to;
      this.len = len;
    }

    @Override
    public void copyRest() {
      if (len > 0) {
        mem.get(from, buf, to, len);
        len = 0;
      }
    }
  }

  /**
   * After {@link #stop()}: delivers the blocks the kernel had already filled, waiting out the
   * block timeout (after which the kernel hands over a partly filled block), at most {@link
   * #DRAIN_MILLIS}. A stop thus loses nothing that was captured before it.
   */
  private void drain(PacketHandler handler) {
    AfPacketRing r = ring;
    if (r == null) {
      return;
    }
    ByteBuffer mem = r.ring();
    long start = System.nanoTime();
    long settle = (settings.readTimeoutMillis() + 50L) * 1_000_000L;
    long end = start + DRAIN_MILLIS * 1_000_000L;
    try {
      while (System.nanoTime() - end < 0) {
        int base = block * r.blockSize();
        if (((int) INT.getAcquire(mem, base + BLOCK_STATUS) & TP_STATUS_USER) != 0) {
          deliverBlock(mem, base, r.blockSize(), r.loopback(), handler);
          INT.setRelease(mem, base + BLOCK_STATUS, TP_STATUS_KERNEL);
          block = block + 1 == r.blockCount() ? 0 : block + 1;
        } else if (System.nanoTime() - start > settle) {
          return;
        } else {
          r.poll(5);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the socket failed while draining: what was delivered stays delivered
    }
  }

  /** Closes the failed socket and makes a new one, retrying until it works or stop is asked. */
  private void reopen() {
    synchronized (this) {
      refreshStats();
      AfPacketRing old = ring;
      if (old != null) {
        ifDropsBeforeReopen += old.interfaceDrops();
        old.close();
      }
      ring = null;
    }
    ReopenLoop.run(device, "socket", REOPEN_DELAY_MILLIS, () -> stopRequested, this::open,
        fanoutGroup < 0 ? null
            : () -> PacketFanout.joinSocket(ring.fd(), fanoutGroup, fanoutMode, fanoutDefrag),
        fanoutGroup, warnings);
  }

  @Override
  public void stop() {
    stopRequested = true; // the reading thread sees it within one read timeout
  }

  /**
   * Makes the reading thread call {@link PacketHandler#onIdle} once, at the next block or within
   * one read timeout on a silent interface.
   */
  @Override
  public void wake() {
    wakeRequested = true;
  }

  @Override
  public synchronized void refreshStats() {
    AfPacketRing r = ring;
    if (r == null) {
      return;
    }
    long[] s = r.statistics();
    kernelDrops += s[1];
    freezes += s[2];
    stats.kernelDropped = kernelDrops;
    stats.ifDropped = ifDropsBeforeReopen + r.interfaceDrops();
  }

  @Override
  public String name() {
    return device;
  }

  @Override
  public SourceStats stats() {
    return stats;
  }

  /** Takes the final kernel counters, unmaps the ring and closes the socket. */
  @Override
  public synchronized void close() {
    refreshStats();
    AfPacketRing r = ring;
    ring = null;
    if (r != null) {
      r.close();
    }
  }
}
