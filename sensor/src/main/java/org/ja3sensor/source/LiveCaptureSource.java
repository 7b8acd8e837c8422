package org.ja3sensor.source;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.TimestampPrecision;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

/**
 * Frames from one live interface through pcap4j's raw API ({@code pcap_loop} with a {@link
 * RawPacketListener}): no pcap4j {@code Packet} objects are built.
 *
 * <p>Threads: {@link #open()} may run on any thread; {@link #run} runs on one capture thread (pcap4j
 * keeps the last packet's timestamp in a thread-local of the reading thread); {@link #stop()} and
 * {@link #refreshStats()} may be called from any thread. {@link #close()} is called after {@link
 * #run} has returned (pcap4j's close blocks while a loop runs).
 *
 * <p>Buffer ownership: pcap4j copies each frame into a fresh {@code byte[]}, which this source
 * hands to the handler; the handler must not keep it after the call (as for every source).
 *
 * <p>A capture that fails while running (interface went down, removed and re-created) is reported
 * through the warning callback and reopened once a second until {@link #stop()} is called.
 */
public final class LiveCaptureSource implements LiveSource {

  /**
   * The capture's default BPF filter: TLS over TCP and QUIC over UDP (HTTP/3 hellos travel in UDP
   * datagrams on any port). {@code capture --bpf} defaults to it too.
   */
  public static final String DEFAULT_BPF = "tcp or udp";

  /**
   * How to open the interface.
   *
   * @param snaplen bytes kept of each frame
   * @param bufferBytes kernel ring size (libpcap buffer size)
   * @param promiscuous put the interface in promiscuous mode
   * @param bpf BPF filter expression; empty for no filter
   * @param readTimeoutMillis libpcap read timeout: how long a partly filled kernel block waits
   *     before it is handed over
   * @param directRead read packets with a direct call of {@code pcap_next_ex} ({@link
   *     PcapNextEx}) instead of pcap4j's raw loop
   */
  public record Settings(
      int snaplen,
      int bufferBytes,
      boolean promiscuous,
      String bpf,
      int readTimeoutMillis,
      boolean directRead) {

    /** Settings read through pcap4j's raw loop. */
    public Settings(
        int snaplen, int bufferBytes, boolean promiscuous, String bpf, int readTimeoutMillis) {
      this(snaplen, bufferBytes, promiscuous, bpf, readTimeoutMillis, false);
    }

    /**
     * The capture default: {@link #DEFAULT_BPF} (all TCP and UDP), 64 KiB snap length, 64 MiB
     * kernel buffer, promiscuous.
     */
    public static Settings defaults() {
      return new Settings(65_535, 64 << 20, true, DEFAULT_BPF, 100, false);
    }
  }

  /** libpcap PCAP_ERROR_* codes (pcap/pcap.h). */
  private static final int PCAP_ERROR_NO_SUCH_DEVICE = -5;

  private static final int PCAP_ERROR_PERM_DENIED = -8;
  private static final int PCAP_ERROR_IFACE_NOT_UP = -9;
  private static final int PCAP_ERROR_PROMISC_PERM_DENIED = -11;
  private static final int PCAP_ERROR_TSTAMP_PRECISION_NOTSUP = -12;

  private static final long REOPEN_DELAY_MILLIS = 1000;

  private final String device;
  private final int ifIndex;
  private Settings settings; // replaced once if direct reading turns out to be unavailable
  private final Consumer<String> warnings;
  private final SourceStats stats = new SourceStats();

  private volatile PcapHandle handle;
  private volatile boolean stopRequested;
  private int linkType = -1;
  private boolean nanosecondTimestamps;

  /** Direct reading (capture thread only): the reader of the current handle, its frame buffer. */
  private PcapNextEx directReader;

  private byte[] directBuf;
  private PcapHandle directReaderHandle;

  /** Longest time spent after stop() delivering frames the kernel had already captured. */
  private static final long DRAIN_MILLIS = 1000;

  /** The PACKET_FANOUT group this source's handle joined, or -1; rejoined after a reopen. */
  private int fanoutGroup = -1;

  private PacketFanout.Mode fanoutMode;
  private boolean fanoutDefrag;

  /** Kernel counters of handles closed by a reopen, so that totals survive it. */
  private long droppedBeforeReopen;

  private long ifDroppedBeforeReopen;

  /**
   * @param device interface name as libpcap knows it (eth0, any ...)
   * @param ifIndex number of this interface in the capture (written with each frame)
   * @param warnings receives one-line messages about capture failures and reopening
   */
  public LiveCaptureSource(
      String device, int ifIndex, Settings settings, Consumer<String> warnings) {
    this.device = device;
    this.ifIndex = ifIndex;
    this.settings = settings;
    this.warnings = warnings;
  }

  /**
   * Opens the interface and installs the filter. Called before {@link #run} so that a missing
   * interface, missing privileges or a bad filter are reported before any thread starts.
   */
  @Override
  public void open() throws LiveCaptureException {
    PcapHandle h;
    try {
      h = build(TimestampPrecision.NANO);
      nanosecondTimestamps = true;
    } catch (PcapNativeException e) {
      if (code(e) != PCAP_ERROR_TSTAMP_PRECISION_NOTSUP) {
        throw translate(e);
      }
      try {
        h = build(TimestampPrecision.MICRO);
        nanosecondTimestamps = false;
      } catch (PcapNativeException e2) {
        throw translate(e2);
      }
    }
    String bpf = settings.bpf() == null ? "" : settings.bpf().trim();
    if (!bpf.isEmpty()) {
      try {
        h.setFilter(bpf, BpfCompileMode.OPTIMIZE);
      } catch (PcapNativeException | NotOpenException e) {
        h.close();
        throw new LiveCaptureException(
            LiveCaptureException.Reason.BAD_FILTER,
            "--bpf \""
                + bpf
                + "\": libpcap rejected the filter expression: "
                + libpcapMessage(e.getMessage()),
            e);
      }
    }
    linkType = h.getDlt().value();
    handle = h;
  }

  private PcapHandle build(TimestampPrecision precision) throws PcapNativeException {
    return new PcapHandle.Builder(device)
        .snaplen(settings.snaplen())
        .bufferSize(settings.bufferBytes())
        .promiscuousMode(
            settings.promiscuous() ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
        .timeoutMillis(settings.readTimeoutMillis())
        .timestampPrecision(precision)
        .build();
  }

  private static int code(PcapNativeException e) {
    Integer rc = e.getReturnCode();
    return rc == null ? 0 : rc;
  }

  private LiveCaptureException translate(PcapNativeException e) {
    String detail = libpcapMessage(e.getMessage());
    switch (code(e)) {
      case PCAP_ERROR_NO_SUCH_DEVICE:
        return new LiveCaptureException(
            LiveCaptureException.Reason.NO_SUCH_DEVICE,
            "interface \"" + device + "\": no such device (known: " + knownDevices() + ")",
            e);
      case PCAP_ERROR_PERM_DENIED:
      case PCAP_ERROR_PROMISC_PERM_DENIED:
        return LiveCaptureException.permissionDenied(device, detail, e);
      case PCAP_ERROR_IFACE_NOT_UP:
        return new LiveCaptureException(
            LiveCaptureException.Reason.DEVICE_UNUSABLE,
            "interface \"" + device + "\" is down (" + detail + ")",
            e);
      default:
        return new LiveCaptureException(
            LiveCaptureException.Reason.OTHER,
            "interface \"" + device + "\": cannot capture: " + detail,
            e);
    }
  }

  /** pcap4j prefixes messages with its own words; keep libpcap's, on one line. */
  private static String libpcapMessage(String m) {
    if (m == null || m.isBlank()) {
      return "no message from libpcap";
    }
    return m.replace('\n', ' ').replace("Error occured in pcap_compile: ", "").trim();
  }

  private static String knownDevices() {
    try {
      List<String> names = new ArrayList<>();
      for (PcapNetworkInterface d : Pcaps.findAllDevs()) {
        names.add(d.getName());
      }
      return names.isEmpty() ? "none visible" : String.join(", ", names);
    } catch (PcapNativeException e) {
      return "list unavailable: " + e.getMessage();
    }
  }

  /**
   * Joins the open handle to PACKET_FANOUT group {@code group} (-1: a new group), so that the
   * handles of the group share the interface's packets ({@link PacketFanout}); with {@code
   * defrag} the kernel reassembles IPv4 fragments first. Every member passes the same mode and
   * defrag.
   *
   * @return the group joined
   * @throws UnsupportedOperationException with a one-line reason when fanout is unavailable
   */
  @Override
  public int joinFanout(int group, PacketFanout.Mode mode, boolean defrag) {
    PcapHandle h = handle;
    if (h == null) {
      throw new UnsupportedOperationException("interface \"" + device + "\" is not open");
    }
    fanoutGroup = PacketFanout.join(h, group, mode, defrag);
    fanoutMode = mode;
    fanoutDefrag = defrag;
    return fanoutGroup;
  }

  /** libpcap LINKTYPE_* of the open interface. */
  @Override
  public int linkType() {
    return linkType;
  }

  /** True when the kernel delivers nanosecond timestamps (else microseconds). */
  @Override
  public boolean nanosecondTimestamps() {
    return nanosecondTimestamps;
  }

  @Override
  public int ifIndex() {
    return ifIndex;
  }

  @Override
  public void run(PacketHandler handler) throws IOException {
    if (handle == null && !stopRequested) {
      open();
    }
    while (!stopRequested) {
      PcapHandle h = handle;
      try {
        if (settings.directRead()) {
          readDirect(h, handler);
        } else {
          h.loop(-1, new Listener(h, handler));
          // loop(-1) returns normally only on error-free end, which live capture never has.
        }
      } catch (InterruptedException e) {
        // breakLoop(): stop() was called (re-checked by the while), or wake().
        if (!stopRequested) {
          handler.onIdle();
        }
      } catch (PcapNativeException | NotOpenException e) {
        if (stopRequested) {
          break;
        }
        warnings.accept(
            "interface \""
                + device
                + "\": capture failed: "
                + libpcapMessage(e.getMessage())
                + "; reopening every "
                + REOPEN_DELAY_MILLIS / 1000
                + " s");
        reopen();
      }
    }
    drainKernelBuffer(handler);
  }

  /**
   * After {@link #stop()}: delivers the frames the kernel had already captured, with non-blocking
   * reads until its buffer is empty (waiting out libpcap's read timeout, after which the kernel
   * hands over a partly filled block), at most {@link #DRAIN_MILLIS}. A stop thus loses nothing
   * that was captured before it.
   */
  private void drainKernelBuffer(PacketHandler handler) {
    PcapHandle h = handle;
    if (h == null || !h.isOpen() || (settings.directRead() && directReaderHandle != h)) {
      return; // nothing read from this handle yet (stopped during start or a reopen)
    }
    long start = System.nanoTime();
    long settle = (settings.readTimeoutMillis() + 50L) * 1_000_000L;
    long end = start + DRAIN_MILLIS * 1_000_000L;
    try {
      h.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
      Listener listener = settings.directRead() ? null : new Listener(h, handler);
      while (System.nanoTime() - end < 0) {
        int n;
        if (listener != null) {
          n = h.dispatch(-1, listener);
        } else {
          n = 0;
          while (directReader.next(directBuf) == PcapNextEx.PACKET) {
            deliverDirect(handler);
            n++;
            if (System.nanoTime() - end >= 0) {
              break;
            }
          }
        }
        if (n <= 0) {
          if (System.nanoTime() - start > settle) {
            return;
          }
          Thread.sleep(5);
        }
      }
    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
      // the handle failed while draining: what was delivered stays delivered
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the failed handle and opens a new one, retrying until it works or stop is asked. */
  private void reopen() {
    synchronized (this) {
      refreshStats();
      droppedBeforeReopen = stats.kernelDropped;
      ifDroppedBeforeReopen = stats.ifDropped;
      PcapHandle old = handle;
      handle = null;
      if (old != null) {
        old.close();
      }
    }
    ReopenLoop.run(device, "handle", REOPEN_DELAY_MILLIS, () -> stopRequested, this::open,
        fanoutGroup < 0 ? null
            : () -> PacketFanout.join(handle, fanoutGroup, fanoutMode, fanoutDefrag),
        fanoutGroup, warnings);
  }

  /**
   * The direct reading loop: one {@code pcap_next_ex} per packet into one reused buffer. Returns
   * when {@link #stop()} was called; throws like pcap4j's loop on a libpcap error.
   */
  private void readDirect(PcapHandle h, PacketHandler handler)
      throws PcapNativeException, NotOpenException, InterruptedException {
    try {
      directReader = PcapNextEx.of(h);
      directReaderHandle = h;
    } catch (IllegalStateException | LinkageError e) {
      warnings.accept(
          "interface \"" + device + "\": direct reading unavailable (" + e.getMessage()
              + "); reading through pcap4j");
      settings = new Settings(settings.snaplen(), settings.bufferBytes(),
          settings.promiscuous(), settings.bpf(), settings.readTimeoutMillis(), false);
      h.loop(-1, new Listener(h, handler));
      return;
    }
    if (directBuf == null) {
      directBuf = new byte[Math.max(settings.snaplen(), 65_535)];
    }
    while (!stopRequested) {
      int rc = directReader.next(directBuf);
      if (rc == PcapNextEx.PACKET) {
        deliverDirect(handler);
      } else if (rc == PcapNextEx.ERROR) {
        throw new PcapNativeException(h.getError(), rc);
      } else {
        // TIMEOUT: nothing arrived; BREAK: breakLoop(), the while re-checks stopRequested.
        handler.onIdle();
      }
    }
  }

  /** Hands the frame {@link #directReader} just read to the handler. */
  private void deliverDirect(PacketHandler handler) {
    PcapNextEx r = directReader;
    long tsNanos = r.tsSeconds * 1_000_000_000L + r.tsFraction * (nanosecondTimestamps ? 1 : 1000);
    stats.packets++;
    stats.bytes += r.capLen;
    stats.badRecords = r.oversized;
    handler.onPacket(linkType, tsNanos, directBuf, 0, r.capLen, r.origLen, ifIndex);
  }

  /** Hands each raw frame to the handler with its timestamp; runs on the capture thread. */
  private final class Listener implements RawPacketListener {
    private final PcapHandle h;
    private final PacketHandler handler;
    private final int lt;

    Listener(PcapHandle h, PacketHandler handler) {
      this.h = h;
      this.handler = handler;
      this.lt = h.getDlt().value();
    }

    @Override
    public void gotPacket(byte[] frame) {
      // pcap4j stores the header fields in thread-locals of this (the reading) thread.
      Timestamp t = h.getTimestamp();
      long tsNanos =
          t == null ? 0 : Math.floorDiv(t.getTime(), 1000L) * 1_000_000_000L + t.getNanos();
      Integer wire = h.getOriginalLength();
      int origLen = wire == null ? frame.length : wire;
      stats.packets++;
      stats.bytes += frame.length;
      handler.onPacket(lt, tsNanos, frame, 0, frame.length, origLen, ifIndex);
    }
  }

  @Override
  public void stop() {
    stopRequested = true;
    PcapHandle h = handle;
    if (h != null) {
      try {
        h.breakLoop();
      } catch (NotOpenException e) {
        // already closed: nothing to break
      }
    }
  }

  /**
   * Makes the reading thread return from libpcap's read and call {@link PacketHandler#onIdle}
   * once, then go on reading; any thread. libpcap's read timeout does not do it on a silent
   * interface (with TPACKET_V3 an empty block is never handed over, and libpcap waits for one).
   */
  @Override
  public void wake() {
    PcapHandle h = handle;
    if (h != null && !stopRequested) {
      try {
        h.breakLoop();
      } catch (NotOpenException e) {
        // closed or reopening: the next read comes soon enough
      }
    }
  }

  /**
   * Reads libpcap's counters (kernel drops, interface drops) into {@link #stats()}. Callable from
   * any thread while the capture runs.
   */
  @Override
  public synchronized void refreshStats() {
    PcapHandle h = handle;
    if (h == null || !h.isOpen()) {
      return;
    }
    try {
      PcapStat s = h.getStats();
      stats.kernelDropped = droppedBeforeReopen + s.getNumPacketsDropped();
      stats.ifDropped = ifDroppedBeforeReopen + s.getNumPacketsDroppedByIf();
    } catch (PcapNativeException | NotOpenException e) {
      // closing concurrently: keep the last values
    }
  }

  @Override
  public String name() {
    return device;
  }

  @Override
  public SourceStats stats() {
    return stats;
  }

  /** Takes the final kernel counters and closes the handle; call after {@link #run} returned. */
  @Override
  public synchronized void close() {
    refreshStats();
    PcapHandle h = handle;
    handle = null;
    if (h != null && h.isOpen()) {
      h.close();
    }
  }
}
