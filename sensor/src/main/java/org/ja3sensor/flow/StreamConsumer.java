package org.ja3sensor.flow;

/**
 * What a {@link TcpStream} delivers one direction's bytes to: the protocol above TCP (the TLS
 * record reader). One consumer per direction, made by the {@link TcpTracker.Application} when the
 * direction's first payload arrives.
 */
public interface StreamConsumer {
  /**
   * The next in-order bytes of the direction, valid only during the call.
   *
   * @param tsNanos capture time of the segment that made these bytes available
   * @return true while the consumer wants more bytes; false ends the direction's reassembly (the
   *     stream then releases the consumer and keeps only its sequence bookkeeping)
   */
  boolean onBytes(byte[] b, int off, int len, long tsNanos);

  /**
   * The direction ends with a hole: bytes after it were queued but the bytes before them will
   * never come. Called once, just before {@link #release()}.
   */
  void onGap();

  /** Bytes the consumer holds right now, for the reassembly memory cap. */
  int bufferedBytes();

  /** Drop every buffer; no more bytes will come. */
  void release();
}
