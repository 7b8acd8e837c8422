package org.ja3sensor.source;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;

/**
 * Reads packets from a handle that pcap4j opened, with one JNA direct-mapped call of libpcap's
 * {@code pcap_next_ex} per packet and a copy of the frame into the caller's reused buffer: none of
 * pcap4j's per-packet callback, frame array, {@code Timestamp} and boxed values (about 1.3 kB of
 * garbage per packet, see docs/performance.md). pcap4j still opens the handle, installs the
 * filter, reads statistics, breaks the loop and closes.
 *
 * <p>Threads: one reading thread per handle (libpcap's packet buffer is per handle). The handle
 * must stay open while {@link #next} runs; {@code pcap_breakloop} from another thread makes {@link
 * #next} return {@link #BREAK}.
 *
 * <p>Buffer ownership: {@link #next} copies the frame into the caller's array; libpcap's own copy
 * is valid only until the next call.
 */
final class PcapNextEx {
  /** {@link #next} results, as libpcap's pcap_next_ex returns them. */
  static final int PACKET = 1;

  static final int TIMEOUT = 0;
  static final int ERROR = -1;
  static final int BREAK = -2;

  private static final int LONG = Native.LONG_SIZE; // struct timeval fields are C longs

  static {
    String lib =
        System.getProperty("org.pcap4j.core.pcapLibName", Platform.isWindows() ? "wpcap" : "pcap");
    Native.register(PcapNextEx.class, NativeLibrary.getInstance(lib));
  }

  private static native int pcap_next_ex(Pointer pcap, Pointer headerOut, Pointer dataOut);

  private final Pointer pcap;
  /** Two pointers written by libpcap: the packet header and the packet data. */
  private final Memory out = new Memory(16);

  private final Pointer dataOut = out.share(8);

  /** Header of the last packet read by {@link #next}. */
  long tsSeconds;

  long tsFraction;
  int capLen;
  int origLen;

  /** Frames longer than the caller's buffer (cut to it) since this reader was made. */
  long oversized;

  private PcapNextEx(Pointer pcap) {
    this.pcap = pcap;
  }

  /**
   * A reader for {@code handle}'s {@code pcap_t}, taken from pcap4j's private field (pcap4j
   * 1.8.2 offers no accessor).
   *
   * @throws IllegalStateException when the field is not there or not accessible
   */
  static PcapNextEx of(PcapHandle handle) {
    try {
      Field f = PcapHandle.class.getDeclaredField("handle");
      f.setAccessible(true);
      Pointer p = (Pointer) f.get(handle);
      if (p == null) {
        throw new IllegalStateException("pcap4j handle has no pcap_t");
      }
      return new PcapNextEx(p);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot reach pcap4j's pcap_t: " + e, e);
    }
  }

  /**
   * Reads the next packet into {@code buf} (from offset 0), filling {@link #tsSeconds}, {@link
   * #tsFraction} (microseconds or nanoseconds, as the handle was opened), {@link #capLen} and
   * {@link #origLen}.
   *
   * @return {@link #PACKET}, {@link #TIMEOUT}, {@link #ERROR} or {@link #BREAK}
   */
  int next(byte[] buf) {
    int rc = pcap_next_ex(pcap, out, dataOut);
    if (rc != PACKET) {
      return rc;
    }
    Pointer header = out.getPointer(0);
    Pointer data = out.getPointer(8);
    if (header == null || data == null) {
      return ERROR;
    }
    if (LONG == 8) {
      tsSeconds = header.getLong(0);
      tsFraction = header.getLong(8);
    } else {
      tsSeconds = header.getInt(0) & 0xffffffffL;
      tsFraction = header.getInt(4) & 0xffffffffL;
    }
    int cap = header.getInt(2L * LONG);
    origLen = header.getInt(2L * LONG + 4);
    if (cap < 0 || cap > buf.length) {
      oversized++;
      cap = cap < 0 ? 0 : buf.length;
    }
    capLen = cap;
    data.read(0, buf, 0, cap);
    return PACKET;
  }
}
