package org.ja3sensor.source;

/**
 * Receives raw captured frames from a {@link PacketSource}.
 *
 * <p>Buffer ownership: {@code buf} belongs to the source and is reused for the next frame; the
 * bytes {@code buf[off, off + capLen)} are valid only for the duration of the call. A handler that
 * needs them later must copy them.
 */
@FunctionalInterface
public interface PacketHandler {
  /**
   * @param linkType libpcap LINKTYPE_* value of this frame (per interface in pcapng)
   * @param tsNanos capture time, nanoseconds since the Unix epoch
   * @param buf frame bytes (shared, see class comment)
   * @param off offset of the first link-layer byte
   * @param capLen captured length
   * @param origLen original length on the wire (may exceed capLen when the snap length cut it)
   * @param ifIndex interface index within the source (pcapng interface id, live capture interface
   *     number); 0 for classic pcap
   */
  void onPacket(int linkType, long tsNanos, byte[] buf, int off, int capLen, int origLen, int ifIndex);

  /**
   * Bytes of a TCP segment's payload that are always in the buffer of a partial frame: enough
   * for any look at the start of a segment without its whole payload.
   */
  int PARTIAL_PEEK = 64;

  /**
   * A frame of which only a first part is in {@code buf} so far: a plain Ethernet frame with an
   * IPv4 header that is not a fragment, or an IPv6 header without extension headers, and a TCP
   * header; {@code buf} holds these headers and the first {@link #PARTIAL_PEEK} bytes of the TCP
   * payload, and {@code rest.copyRest()} puts the others in place, up to {@code capLen}. A source
   * that reads frames where it cannot keep them (the memory-mapped ring) calls this instead of
   * {@link #onPacket}, so that a handler that does not need a segment's payload (a direction
   * whose hello was found) spares copying it. The default copies the rest and hands over a whole
   * frame.
   */
  default void onPartialPacket(int linkType, long tsNanos, byte[] buf, int off, int capLen,
      int origLen, int ifIndex, FrameRest rest) {
    rest.copyRest();
    onPacket(linkType, tsNanos, buf, off, capLen, origLen, ifIndex);
  }

  /**
   * Called by a live source, on the thread that calls {@link #onPacket}, when a read returned
   * without a frame (a read timeout, or {@link LiveCaptureSource#wake}), so that a handler doing
   * its own timed work (idle-flow eviction) gets the chance on a silent interface. Not every
   * source calls it; the default does nothing.
   */
  default void onIdle() {}
}
