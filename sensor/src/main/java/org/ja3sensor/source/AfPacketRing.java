package org.ja3sensor.source;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * One Linux AF_PACKET socket with a TPACKET_V3 receive ring mapped into this process (packet(7),
 * the kernel's Documentation/networking/packet_mmap.rst), made through JNA: {@code socket},
 * {@code PACKET_VERSION}, the BPF filter ({@code SO_ATTACH_FILTER}, compiled by libpcap), {@code
 * PACKET_RX_RING}, {@code mmap}, promiscuous membership, {@code bind} to the interface. {@link
 * RingCaptureSource} reads the ring in place; this class only makes, polls, counts and closes.
 *
 * <p>Struct layouts and constants are those of linux/if_packet.h (Debian linux-libc-dev 6.1 on
 * the build machine: tpacket_req3, tpacket_block_desc with tpacket_hdr_v1, tpacket3_hdr,
 * tpacket_stats_v3, packet_mreq, sockaddr_ll), and for the socket calls the asm-generic values of
 * x86-64, arm64 and most other architectures (SOL_SOCKET 1, SO_ATTACH_FILTER 26, SO_ERROR 4).
 *
 * <p>Threads: {@link #open} and {@link #close} on one thread at a time; {@link #poll} on the
 * reading thread; {@link #statistics} from any thread, but not concurrently with {@link #close}
 * (the caller's lock). Memory: the mapped ring belongs to this object; the buffer {@link #ring}
 * returns must not be touched after {@link #close}.
 */
final class AfPacketRing implements AutoCloseable {
  // linux/socket.h, linux/if_ether.h, asm-generic/socket.h
  private static final int AF_PACKET = 17;
  private static final int SOCK_RAW = 3;
  private static final int ETH_P_ALL = 0x0003;
  private static final int SOL_SOCKET = 1;
  private static final int SO_ERROR = 4;
  private static final int SO_ATTACH_FILTER = 26;
  // linux/if_packet.h
  static final int SOL_PACKET = 263;
  private static final int PACKET_ADD_MEMBERSHIP = 1;
  private static final int PACKET_RX_RING = 5;
  private static final int PACKET_STATISTICS = 6;
  private static final int PACKET_VERSION = 10;
  private static final int TPACKET_V3 = 2;
  private static final int PACKET_MR_PROMISC = 1;
  // sys/mman.h, poll.h
  private static final int PROT_READ = 1;
  private static final int PROT_WRITE = 2;
  private static final int MAP_SHARED = 1;
  private static final short POLLIN = 0x1;
  private static final int POLLERR = 0x8;
  private static final int POLLHUP = 0x10;
  private static final int POLLNVAL = 0x20;
  // errno
  private static final int EPERM = 1;
  private static final int EINTR = 4;
  private static final int ENXIO = 6;
  private static final int ENOMEM = 12;
  private static final int EACCES = 13;
  private static final int ENODEV = 19;
  private static final int ENETDOWN = 100;

  /** ARPHRD_* of interfaces whose frames start with an Ethernet header (libpcap: DLT_EN10MB). */
  private static final int ARPHRD_ETHER = 1;

  private static final int ARPHRD_LOOPBACK = 772;
  private static final int IFF_UP = 0x1;
  /** libpcap DLT_EN10MB, for compiling the filter. */
  private static final int DLT_EN10MB = 1;
  /** The kernel's limit on a classic BPF program (BPF_MAXINSNS). */
  private static final int BPF_MAXINSNS = 4096;

  /** tp_frame_size: for TPACKET_V3 frames are packed in the block; only the kernel's checks use it. */
  private static final int FRAME_SIZE = 2048;

  private static final int MAX_BLOCK_SIZE = 1 << 20;
  private static final int MIN_BLOCK_SIZE = 64 << 10; // a multiple of every page size in use

  /** libc, direct-mapped; calls that set errno only on failure declare LastErrorException. */
  private static final class Libc {
    static {
      Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, Pointer value, int len)
        throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, Pointer value, int[] len)
        throws LastErrorException;

    static native int bind(int fd, Pointer addr, int len) throws LastErrorException;

    static native Pointer mmap(
        Pointer addr, NativeLong len, int prot, int flags, int fd, NativeLong offset)
        throws LastErrorException;

    static native int munmap(Pointer addr, NativeLong len) throws LastErrorException;

    static native int poll(Pointer fds, NativeLong nfds, int timeoutMillis)
        throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** Returns 0 when there is no such interface (errno is not reliable on success). */
    static native int if_nametoindex(String name);

    static native String strerror(int errno);
  }

  /** libpcap, direct-mapped: only the filter compiler is used. */
  private static final class Pcap {
    static {
      String lib = System.getProperty("org.pcap4j.core.pcapLibName", "pcap");
      Native.register(Pcap.class, NativeLibrary.getInstance(lib));
    }

    static native Pointer pcap_open_dead(int linktype, int snaplen);

    static native int pcap_compile(
        Pointer pcap, Pointer program, String expression, int optimize, int netmask);

    static native Pointer pcap_geterr(Pointer pcap);

    static native void pcap_freecode(Pointer program);

    static native void pcap_close(Pointer pcap);
  }

  private final String device;
  private final int fd;
  private final Pointer map;
  private final long mapLength;
  private final ByteBuffer ring;
  private final int blockSize;
  private final int blockCount;
  private final boolean loopback;
  private final boolean promiscuous;
  /** Interface drops (sysfs) when the socket was made, for {@link #interfaceDrops}. */
  private final long ifDropsAtOpen;

  private final Memory pollFd = new Memory(8);
  private final Memory statsBuf = new Memory(12);
  private boolean closed;

  private AfPacketRing(
      String device, int fd, Pointer map, long mapLength, int blockSize, int blockCount,
      boolean loopback, boolean promiscuous) {
    this.device = device;
    this.fd = fd;
    this.map = map;
    this.mapLength = mapLength;
    this.ring = map.getByteBuffer(0, mapLength).order(ByteOrder.nativeOrder());
    this.blockSize = blockSize;
    this.blockCount = blockCount;
    this.loopback = loopback;
    this.promiscuous = promiscuous;
    this.ifDropsAtOpen = promiscuous ? sysfsDrops(device) : 0;
    pollFd.setInt(0, fd);
    pollFd.setShort(4, POLLIN);
  }

  /**
   * Block size for a ring of {@code bufferBytes} holding frames of up to {@code snaplen} bytes: at
   * most 1 MiB, small enough for at least 8 blocks where the buffer allows, large enough for one
   * whole frame with its headers; a power of two (so a multiple of the page size).
   */
  static int blockSize(int bufferBytes, int snaplen) {
    int need = Integer.highestOneBit(snaplen + 512 - 1) << 1; // frame + block and frame headers
    int bs = MAX_BLOCK_SIZE;
    while (bs / 2 >= Math.max(need, MIN_BLOCK_SIZE) && bufferBytes / bs < 8) {
      bs /= 2;
    }
    return Math.max(bs, Math.max(need, MIN_BLOCK_SIZE));
  }

  /**
   * Makes the socket, compiles and attaches the filter, maps the ring and binds to {@code
   * device}, which then starts capturing.
   *
   * @throws LiveCaptureException with a one-line message naming the interface (or --bpf)
   */
  static AfPacketRing open(String device, LiveCaptureSource.Settings settings)
      throws LiveCaptureException {
    if (!Platform.isLinux()) {
      throw new LiveCaptureException(LiveCaptureException.Reason.OTHER,
          "--reader ring is Linux only (AF_PACKET sockets); use --reader direct");
    }
    if (device.equals("any")) {
      throw new LiveCaptureException(LiveCaptureException.Reason.DEVICE_UNUSABLE,
          "interface \"any\": --reader ring captures one named Ethernet interface at a time;"
              + " use --reader direct for \"any\"");
    }
    int ifindex;
    try {
      ifindex = Libc.if_nametoindex(device);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new LiveCaptureException(LiveCaptureException.Reason.OTHER,
          "interface \"" + device + "\": --reader ring: libc not callable: " + e, e);
    }
    if (ifindex <= 0) {
      throw noSuchDevice(device);
    }
    int hatype = sysfsInt(device, "type", 10);
    if (hatype >= 0 && !ethernetFramed(hatype)) {
      throw new LiveCaptureException(LiveCaptureException.Reason.DEVICE_UNUSABLE,
          "interface \"" + device + "\": --reader ring reads Ethernet interfaces only (ARPHRD type "
              + hatype + ", expected " + ARPHRD_ETHER + "); use --reader direct");
    }
    int flags = sysfsInt(device, "flags", 16);
    if (flags >= 0 && (flags & IFF_UP) == 0) {
      throw new LiveCaptureException(LiveCaptureException.Reason.DEVICE_UNUSABLE,
          "interface \"" + device + "\" is down");
    }
    Memory filter = compileFilter(settings.bpf(), settings.snaplen());

    int bs = blockSize(settings.bufferBytes(), settings.snaplen());
    int blocks = Math.max(2, settings.bufferBytes() / bs);
    int fd;
    try {
      fd = Libc.socket(AF_PACKET, SOCK_RAW, 0); // protocol 0: nothing arrives before bind
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      if (errno == EPERM || errno == EACCES) {
        throw LiveCaptureException.permissionDenied(
            device, "socket(AF_PACKET): " + strerror(errno), e);
      }
      throw new LiveCaptureException(LiveCaptureException.Reason.OTHER,
          "interface \"" + device + "\": cannot make an AF_PACKET socket: " + strerror(errno), e);
    }
    Pointer map = null;
    long mapLength = (long) bs * blocks;
    String step = "PACKET_VERSION";
    boolean made = false;
    try {
      setInt(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3);
      step = "SO_ATTACH_FILTER";
      Libc.setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, filter, 2 * Native.POINTER_SIZE);
      step = "PACKET_RX_RING";
      Memory req = new Memory(28); // struct tpacket_req3
      req.setInt(0, bs); // tp_block_size
      req.setInt(4, blocks); // tp_block_nr
      req.setInt(8, FRAME_SIZE); // tp_frame_size
      req.setInt(12, bs / FRAME_SIZE * blocks); // tp_frame_nr
      req.setInt(16, Math.max(1, settings.readTimeoutMillis())); // tp_retire_blk_tov, ms
      req.setInt(20, 0); // tp_sizeof_priv
      req.setInt(24, 0); // tp_feature_req_word
      Libc.setsockopt(fd, SOL_PACKET, PACKET_RX_RING, req, 28);
      step = "mmap";
      map = Libc.mmap(null, new NativeLong(mapLength), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
          new NativeLong(0));
      if (settings.promiscuous()) {
        step = "PACKET_ADD_MEMBERSHIP";
        Memory mreq = new Memory(16); // struct packet_mreq
        mreq.clear();
        mreq.setInt(0, ifindex); // mr_ifindex
        mreq.setShort(4, (short) PACKET_MR_PROMISC); // mr_type
        Libc.setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, 16);
      }
      step = "bind";
      Memory sll = new Memory(20); // struct sockaddr_ll
      sll.clear();
      sll.setShort(0, (short) AF_PACKET); // sll_family
      sll.setByte(2, (byte) (ETH_P_ALL >> 8)); // sll_protocol, network order
      sll.setByte(3, (byte) ETH_P_ALL);
      sll.setInt(4, ifindex); // sll_ifindex
      Libc.bind(fd, sll, 20);
      AfPacketRing r = new AfPacketRing(device, fd, map, mapLength, bs, blocks,
          hatype == ARPHRD_LOOPBACK, settings.promiscuous());
      made = true;
      return r;
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      if (errno == ENODEV || errno == ENXIO) {
        throw noSuchDevice(device);
      }
      if (errno == ENETDOWN) {
        throw new LiveCaptureException(LiveCaptureException.Reason.DEVICE_UNUSABLE,
            "interface \"" + device + "\" is down (" + step + ": " + strerror(errno) + ")", e);
      }
      if (errno == EPERM || errno == EACCES) {
        throw LiveCaptureException.permissionDenied(device, step + ": " + strerror(errno), e);
      }
      String what = errno == ENOMEM
          ? " (a ring of " + blocks + " blocks of " + (bs >> 10) + " KiB: lower --buffer-size)"
          : "";
      throw new LiveCaptureException(LiveCaptureException.Reason.OTHER,
          "interface \"" + device + "\": --reader ring: " + step + " failed: " + strerror(errno)
              + what, e);
    } finally {
      if (!made) {
        release(fd, map, mapLength);
      }
    }
  }

  private static void release(int fd, Pointer map, long mapLength) {
    if (map != null) {
      quietly(() -> Libc.munmap(map, new NativeLong(mapLength)));
    }
    quietly(() -> Libc.close(fd));
  }

  /**
   * {@code bpf} compiled by libpcap for Ethernet frames of up to {@code snaplen} bytes (an empty
   * expression accepts every frame, cut to {@code snaplen}: the kernel cuts frames only through the
   * filter's return value), as a {@code struct sock_fprog} with its instructions behind it (libpcap's
   * {@code struct bpf_insn} and the kernel's {@code struct sock_filter} are the same 8 bytes).
   */
  static Memory compileFilter(String bpf, int snaplen) throws LiveCaptureException {
    String expr = bpf == null ? "" : bpf.trim();
    int ptr = Native.POINTER_SIZE;
    Memory program = new Memory(2L * ptr); // struct bpf_program { u_int bf_len; bpf_insn *bf_insns; }
    program.clear();
    synchronized (AfPacketRing.class) { // pcap_compile before libpcap 1.8 was not thread-safe
      Pointer dead;
      try {
        dead = Pcap.pcap_open_dead(DLT_EN10MB, snaplen);
      } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
        throw new LiveCaptureException(LiveCaptureException.Reason.OTHER,
            "--reader ring: libpcap not callable (it compiles the filter): " + e, e);
      }
      if (dead == null) {
        throw new LiveCaptureException(LiveCaptureException.Reason.OTHER,
            "--reader ring: pcap_open_dead failed");
      }
      try {
        if (Pcap.pcap_compile(dead, program, expr, 1, 0xffffffff) != 0) {
          Pointer msg = Pcap.pcap_geterr(dead);
          String m = msg == null ? "no message from libpcap" : msg.getString(0).replace('\n', ' ');
          throw new LiveCaptureException(LiveCaptureException.Reason.BAD_FILTER,
              "--bpf \"" + expr + "\": libpcap rejected the filter expression: " + m.trim());
        }
        int len = program.getInt(0);
        if (len <= 0 || len > BPF_MAXINSNS) {
          Pcap.pcap_freecode(program);
          throw new LiveCaptureException(LiveCaptureException.Reason.BAD_FILTER,
              "--bpf \"" + expr + "\": compiles to " + len + " instructions, the kernel takes 1 to "
                  + BPF_MAXINSNS);
        }
        Memory fprog = new Memory(2L * ptr + 8L * len); // struct sock_fprog, then the program
        fprog.setShort(0, (short) len); // len
        fprog.setPointer(ptr, fprog.share(2L * ptr)); // filter
        byte[] insns = program.getPointer(ptr).getByteArray(0, 8 * len);
        fprog.write(2L * ptr, insns, 0, insns.length);
        Pcap.pcap_freecode(program);
        return fprog;
      } finally {
        Pcap.pcap_close(dead);
      }
    }
  }

  private static void setInt(int fd, int level, int name, int value) {
    Memory m = new Memory(4);
    m.setInt(0, value);
    Libc.setsockopt(fd, level, name, m, 4);
  }

  private static LiveCaptureException noSuchDevice(String device) {
    return new LiveCaptureException(LiveCaptureException.Reason.NO_SUCH_DEVICE,
        "interface \"" + device + "\": no such device (known: " + knownDevices() + ")");
  }

  /** The interfaces of this network namespace, from sysfs. */
  private static String knownDevices() {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      return "list unavailable: " + e.getMessage();
    }
    Collections.sort(names);
    return names.isEmpty() ? "none visible" : String.join(", ", names);
  }

  /** Whether frames of interfaces of this ARPHRD type start with an Ethernet header. */
  static boolean ethernetFramed(int hatype) {
    return hatype == ARPHRD_ETHER || hatype == ARPHRD_LOOPBACK;
  }

  /** An integer attribute of the interface from sysfs, or -1 when it cannot be read. */
  private static int sysfsInt(String device, String attr, int radix) {
    return sysfsInt(Path.of("/sys/class/net"), device, attr, radix);
  }

  /**
   * An integer attribute of the interface from the sysfs directory {@code sysNet} (normally
   * /sys/class/net), or -1 when it cannot be read or the name would leave that directory.
   */
  static int sysfsInt(Path sysNet, String device, String attr, int radix) {
    if (device.contains("/") || device.startsWith(".")) {
      return -1;
    }
    try {
      String s = Files.readString(sysNet.resolve(device).resolve(attr)).trim();
      if (radix == 16 && s.startsWith("0x")) {
        s = s.substring(2);
      }
      return Integer.parseInt(s, radix);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * What libpcap counts as the interface's drops (ps_ifdrop, promiscuous captures only): the
   * driver's rx_missed_errors plus rx_fifo_errors.
   */
  private static long sysfsDrops(String device) {
    return Math.max(0, sysfsLong(device, "rx_missed_errors"))
        + Math.max(0, sysfsLong(device, "rx_fifo_errors"));
  }

  private static long sysfsLong(String device, String counter) {
    if (device.contains("/") || device.startsWith(".")) {
      return -1;
    }
    try {
      return Long.parseLong(
          Files.readString(Path.of("/sys/class/net", device, "statistics", counter)).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String strerror(int errno) {
    try {
      return Libc.strerror(errno) + " (errno " + errno + ")";
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return "errno " + errno;
    }
  }

  private interface NativeCall {
    int call();
  }

  private static void quietly(NativeCall c) {
    try {
      c.call();
    } catch (LastErrorException e) {
      // cleaning up after an earlier failure, which is the one reported
    }
  }

  /** The mapped ring: {@link #blockCount} blocks of {@link #blockSize} bytes, native order. */
  ByteBuffer ring() {
    return ring;
  }

  int blockSize() {
    return blockSize;
  }

  int blockCount() {
    return blockCount;
  }

  /** True on a loopback interface, whose outgoing frames also come back in (libpcap skips them). */
  boolean loopback() {
    return loopback;
  }

  int fd() {
    return fd;
  }

  /**
   * Waits up to {@code timeoutMillis} for the socket to become readable (a block handed over).
   *
   * @return true when readable, false on timeout or signal
   * @throws IOException when the socket reports an error (the interface went down or away)
   */
  boolean poll(int timeoutMillis) throws IOException {
    pollFd.setShort(6, (short) 0);
    int n;
    try {
      n = Libc.poll(pollFd, new NativeLong(1), timeoutMillis);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EINTR) {
        return false;
      }
      throw new IOException("poll: " + strerror(e.getErrorCode()), e);
    }
    if (n <= 0) {
      return false;
    }
    int revents = pollFd.getShort(6) & 0xffff;
    if ((revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
      throw new IOException(socketError(revents));
    }
    return (revents & POLLIN) != 0;
  }

  /** The socket's pending error (read and cleared with SO_ERROR), as one line. */
  private String socketError(int revents) {
    Memory m = new Memory(4);
    m.setInt(0, 0);
    try {
      Libc.getsockopt(fd, SOL_SOCKET, SO_ERROR, m, new int[] {4});
    } catch (LastErrorException e) {
      return "poll reported " + Integer.toHexString(revents) + ", SO_ERROR unreadable: "
          + strerror(e.getErrorCode());
    }
    int err = m.getInt(0);
    if (err == ENETDOWN) {
      return "the interface went down or away (" + strerror(err) + ")";
    }
    return err != 0 ? strerror(err) : "poll reported events 0x" + Integer.toHexString(revents);
  }

  /**
   * The kernel's counters since the previous call (reading resets them): {@code tp_packets}
   * (frames the socket took, drops included), {@code tp_drops} (frames lost because the ring was
   * full), {@code tp_freeze_q_cnt} (times the ring filled up).
   */
  long[] statistics() {
    if (closed) {
      return new long[3];
    }
    try {
      Libc.getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, statsBuf, new int[] {12});
    } catch (LastErrorException e) {
      return new long[3];
    }
    return new long[] {
      statsBuf.getInt(0) & 0xffffffffL, statsBuf.getInt(4) & 0xffffffffL,
      statsBuf.getInt(8) & 0xffffffffL
    };
  }

  /** The interface's drops since this socket was made (0 unless promiscuous, as libpcap). */
  long interfaceDrops() {
    return promiscuous ? Math.max(0, sysfsDrops(device) - ifDropsAtOpen) : 0;
  }

  /** Unmaps the ring and closes the socket (which leaves promiscuous mode and the fanout group). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    release(fd, map, mapLength);
  }
}
