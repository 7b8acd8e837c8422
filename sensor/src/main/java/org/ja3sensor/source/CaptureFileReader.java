package org.ja3sensor.source;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * What the pcap and pcapng readers share: the input window, the stop flag, the counters and the
 * error reporting. Frames are handed to the handler as slices of the window's array (see {@link
 * InputWindow} for how long they stay valid: until the handler returns).
 *
 * <p>Counters are kept in plain fields on the hot path and published to the volatile {@link
 * SourceStats} every {@value #PUBLISH_EVERY} frames, on every skipped record and at the end.
 */
abstract class CaptureFileReader implements PacketSource {
  /** Hard limit of a captured frame: libpcap's and Wireshark's largest snap length. */
  static final int MAX_CAPLEN = 262_144;

  private static final int PUBLISH_EVERY = 4096;

  final InputWindow in;
  final Counters counters;
  private final String name;
  private final SourceStats stats = new SourceStats();
  private volatile boolean stopped;
  private long packets;
  private long bytes;
  private IntPredicate decoded = lt -> true;
  private Consumer<String> warnings = m -> { };
  private IntFunction<String> describe = Integer::toString;
  /** (interface, link type) pairs already warned about, as {@code ifIndex << 32 | linkType}. */
  private final Set<Long> warned = new HashSet<>();

  CaptureFileReader(String name, InputWindow in, Counters counters, long inputSize) {
    this.name = name;
    this.in = in;
    this.counters = counters;
    stats.inputSize = inputSize;
  }

  @Override
  public final void run(PacketHandler handler) throws IOException {
    try {
      readAll(handler);
    } catch (SourceException e) {
      if (!stopped) {
        throw e; // a stop cuts the input short on purpose: that is not a damaged file
      }
    } finally {
      publish();
    }
  }

  /**
   * From now on a file or interface whose link type {@code decoded} refuses is reported to
   * {@code warnings} once per interface, naming the file, the interface (pcapng) and the link
   * type as {@code describe} gives it.
   */
  final void warnUndecoded(
      IntPredicate decoded, IntFunction<String> describe, Consumer<String> warnings) {
    this.decoded = decoded;
    this.describe = describe;
    this.warnings = warnings;
    linkTypesKnown();
  }

  /** Called by {@link #warnUndecoded}: check the link types already read (the file header). */
  void linkTypesKnown() {}

  /** A file ({@code ifIndex} -1) or pcapng interface declared link type {@code linkType}. */
  final void checkLinkType(int ifIndex, int linkType) {
    if (decoded.test(linkType) || !warned.add(((long) ifIndex << 32) | (linkType & 0xffffffffL))) {
      return;
    }
    String where = ifIndex < 0 ? name : name + ": interface " + ifIndex;
    warnings.accept(where + ": link type " + describe.apply(linkType)
        + " is not decoded: its packets are skipped (counted as linktype_unsupported)");
  }

  /** Reads records until the input ends or {@link #stopRequested()}. */
  abstract void readAll(PacketHandler handler) throws IOException;

  final boolean stopRequested() {
    return stopped;
  }

  /** Hands one frame (a slice of the window's array) to the handler and counts it. */
  final void deliver(
      PacketHandler handler, int linkType, long tsNanos, int off, int capLen, int origLen, int ifIndex) {
    handler.onPacket(linkType, tsNanos, in.buf, off, capLen, origLen, ifIndex);
    bytes += capLen;
    if ((++packets & (PUBLISH_EVERY - 1)) == 0) {
      publish();
    }
  }

  /** Counts a frame that is not delivered because its record or block says something wrong. */
  final void reject(Anomaly anomaly) {
    counters.anomaly(anomaly);
    stats.badRecords++;
    publish();
  }

  /** Counts a problem that does not cost a frame (a block whose trailer disagrees, ...). */
  final void note(Anomaly anomaly) {
    counters.anomaly(anomaly);
  }

  final void publish() {
    stats.packets = packets;
    stats.bytes = bytes;
    stats.inputOffset = in.offset();
  }

  /** The input cannot be read on: everything before {@code offset} has been delivered. */
  final SourceException fail(long offset, String problem) {
    publish();
    return new SourceException(name, offset, problem);
  }

  /** The input ended inside a unit that started at {@code start} and needed {@code needed} bytes. */
  final SourceException truncated(long start, String unit, long needed) {
    long have = in.offset() + in.available() - start;
    return fail(start, "file ends inside " + unit + ": " + have + " of " + needed + " bytes present");
  }

  @Override
  public final void stop() {
    stopped = true;
    in.abort();
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final SourceStats stats() {
    return stats;
  }

  @Override
  public final void close() throws IOException {
    in.close();
  }

  static String hex32(long v) {
    return String.format("0x%08x", v & 0xFFFF_FFFFL);
  }
}
