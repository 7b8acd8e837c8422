package org.ja3sensor.source;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import java.util.Locale;
import org.pcap4j.core.PcapHandle;

/**
 * Linux {@code PACKET_FANOUT} (packet(7)) for libpcap handles: several handles on one interface
 * join one fanout group and the kernel gives each packet to one of them, so that several capture
 * threads share an interface. The socket is libpcap's ({@code pcap_fileno} of pcap4j's private
 * {@code pcap_t}, as {@link PcapNextEx} reaches it); the group id is the kernel's ({@code
 * PACKET_FANOUT_FLAG_UNIQUEID} on the first join, read back with getsockopt), so that no other
 * process's group on the interface is joined by chance. Linux 4.4 or later; elsewhere {@link
 * #join} throws and the caller keeps one handle.
 */
public final class PacketFanout {
  private static final int SOL_PACKET = 263;
  private static final int PACKET_FANOUT = 18;
  private static final int FLAG_UNIQUEID = 0x2000;
  private static final int FLAG_DEFRAG = 0x8000;

  /**
   * The kernel's fanout modes (PACKET_FANOUT_*) that keep every packet of a flow on one handle,
   * so that a flow's packets are never reordered between capture threads. Round robin, random and
   * rollover spread one flow over several handles and are not offered.
   */
  public enum Mode {
    /** By the flow hash of the packet's headers, the same for both directions (the default). */
    HASH(0),
    /** By the CPU that received the packet. */
    CPU(2),
    /** By the receive queue the NIC recorded. */
    QM(5);

    final int value;

    Mode(int value) {
      this.value = value;
    }

    /** The mode named on the command line (hash, cpu, qm). */
    public static Mode parse(String s) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(s)) {
          return m;
        }
      }
      throw new IllegalArgumentException("fanout-mode is \"" + s + "\", expected hash, cpu or qm"
          + " (round robin, random and rollover would reorder a flow's packets between threads)");
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** libc's socket options, direct-mapped. */
  private static final class Libc {
    static {
      Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native int setsockopt(int fd, int level, int name, int[] value, int len)
        throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, int[] value, int[] len)
        throws LastErrorException;
  }

  /** libpcap's pcap_fileno, direct-mapped. */
  private static final class Pcap {
    static {
      String lib = System.getProperty("org.pcap4j.core.pcapLibName", "pcap");
      Native.register(Pcap.class, NativeLibrary.getInstance(lib));
    }

    static native int pcap_fileno(Pointer pcap);
  }

  private PacketFanout() {}

  /** {@link #join(PcapHandle, int, Mode, boolean)} without kernel defragmentation. */
  public static int join(PcapHandle handle, int group, Mode mode) {
    return join(handle, group, mode, false);
  }

  /**
   * Joins {@code handle}'s socket to fanout group {@code group} in {@code mode}; group -1 asks the
   * kernel for a new group. With {@code defrag} ({@code PACKET_FANOUT_FLAG_DEFRAG}) the kernel
   * reassembles IPv4 fragments before it hashes, so that a fragmented datagram is hashed by its
   * ports like the rest of its flow and reaches the handles as one frame. Every member of a group
   * must give the same mode and flags.
   *
   * @return the group id joined
   * @throws UnsupportedOperationException with a one-line reason when the handle cannot join
   */
  public static int join(PcapHandle handle, int group, Mode mode, boolean defrag) {
    if (!Platform.isLinux()) {
      throw new UnsupportedOperationException("PACKET_FANOUT is Linux only");
    }
    int fd;
    try {
      fd = Pcap.pcap_fileno(pcapT(handle));
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new UnsupportedOperationException("libpcap not callable: " + e, e);
    }
    if (fd < 0) {
      throw new UnsupportedOperationException("the handle has no socket (pcap_fileno " + fd + ")");
    }
    return joinSocket(fd, group, mode, defrag);
  }

  /**
   * {@link #join(PcapHandle, int, Mode, boolean)} for a packet socket's file descriptor (the ring
   * reader's own socket, {@link RingCaptureSource}); the socket must be bound to its interface.
   */
  static int joinSocket(int fd, int group, Mode mode, boolean defrag) {
    if (!Platform.isLinux()) {
      throw new UnsupportedOperationException("PACKET_FANOUT is Linux only");
    }
    try {
      int type = mode.value | (defrag ? FLAG_DEFRAG : 0);
      int value = group < 0
          ? ((type | FLAG_UNIQUEID) << 16)
          : ((type << 16) | (group & 0xffff));
      Libc.setsockopt(fd, SOL_PACKET, PACKET_FANOUT, new int[] {value}, 4);
      if (group >= 0) {
        return group;
      }
      int[] got = new int[1];
      Libc.getsockopt(fd, SOL_PACKET, PACKET_FANOUT, got, new int[] {4});
      return got[0] & 0xffff;
    } catch (LastErrorException e) {
      throw new UnsupportedOperationException(
          "setsockopt(PACKET_FANOUT) failed: errno " + e.getErrorCode(), e);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new UnsupportedOperationException("libc not callable: " + e, e);
    }
  }

  private static Pointer pcapT(PcapHandle handle) {
    try {
      Field f = PcapHandle.class.getDeclaredField("handle");
      f.setAccessible(true);
      Pointer p = (Pointer) f.get(handle);
      if (p == null) {
        throw new UnsupportedOperationException("pcap4j handle has no pcap_t");
      }
      return p;
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof UnsupportedOperationException u) {
        throw u;
      }
      throw new UnsupportedOperationException("cannot reach pcap4j's pcap_t: " + e, e);
    }
  }
}
