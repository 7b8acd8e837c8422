package org.ja3sensor.source;

/**
 * Counters kept by a packet source. Written by the reading thread only; other threads may read
 * them (values are then approximate).
 */
public final class SourceStats {
  /** Frames delivered to the handler. */
  public volatile long packets;
  /** Captured bytes delivered to the handler. */
  public volatile long bytes;
  /** Bytes of the input consumed so far (file offset), for progress. */
  public volatile long inputOffset;
  /** Total size of the input when known (regular file), else -1. */
  public volatile long inputSize = -1;
  /** Frames skipped because the record header was bad (caplen 0, caplen above snaplen ...). */
  public volatile long badRecords;
  /** Frames dropped by the kernel (live capture only). */
  public volatile long kernelDropped;
  /** Frames dropped by the interface or driver (live capture only). */
  public volatile long ifDropped;
}
