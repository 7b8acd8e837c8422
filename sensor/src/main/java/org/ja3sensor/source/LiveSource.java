package org.ja3sensor.source;

/**
 * A live interface read by one capture thread: what {@code capture} and the capture threads need
 * beyond {@link PacketSource}. Two readers implement it: {@link LiveCaptureSource} (libpcap, through
 * pcap4j or a direct {@code pcap_next_ex}) and {@link RingCaptureSource} (Linux only: an AF_PACKET
 * socket whose TPACKET_V3 ring is read in place).
 *
 * <p>Threads: {@link #open()} may run on any thread before {@link #run}; {@link #run} runs on one
 * capture thread; {@link #stop()}, {@link #wake()} and {@link #refreshStats()} may be called from
 * any thread; {@link #close()} after {@link #run} has returned.
 */
public interface LiveSource extends PacketSource {

  /**
   * Opens the interface and installs the filter, so that a missing interface, missing privileges
   * or a bad filter are reported (one line) before any thread starts.
   */
  void open() throws LiveCaptureException;

  /**
   * Joins the open socket to PACKET_FANOUT group {@code group} (-1: a new group); see {@link
   * PacketFanout}.
   *
   * @return the group joined
   * @throws UnsupportedOperationException with a one-line reason when fanout is unavailable
   */
  int joinFanout(int group, PacketFanout.Mode mode, boolean defrag);

  /** libpcap LINKTYPE_* of the open interface. */
  int linkType();

  /** True when frames carry nanosecond timestamps (else microseconds). */
  boolean nanosecondTimestamps();

  /** Number of this interface in the capture (written with each frame). */
  int ifIndex();

  /**
   * Makes the reading thread call {@link PacketHandler#onIdle} once soon, also on a silent
   * interface, then go on reading; any thread.
   */
  void wake();

  /** Reads the kernel's counters (drops) into {@link #stats()}; any thread while running. */
  void refreshStats();

  /** Takes the final kernel counters and releases the interface; after {@link #run} returned. */
  @Override
  void close();
}
