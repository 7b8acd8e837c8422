package org.ja3sensor.pipeline;

/**
 * Bounds of one pipeline. Memory of a pipeline is bounded by roughly {@code maxFlows} times the
 * size of an idle flow (a few hundred bytes) plus {@code reassemblyMemcap}.
 *
 * @param maxFlows flows kept in the table; when full, the least recently used flow is evicted
 * @param idleTimeoutNanos a flow with no packet for this long (capture time) is evicted
 * @param maxHandshakeBytesPerFlow bytes one direction may buffer for its hello (record assembly
 *     plus out-of-order segments)
 * @param reassemblyMemcap bytes all flows together may buffer
 * @param scanLimit bytes at the start of each direction searched for a TLS record when the stream
 *     does not start with one (STARTTLS, proxies)
 * @param maxOutOfOrderSegments out-of-order segments queued per direction
 * @param udpIdleTimeoutNanos a UDP (QUIC) flow with no datagram for this long is evicted
 */
public record PipelineConfig(
    int maxFlows,
    long idleTimeoutNanos,
    int maxHandshakeBytesPerFlow,
    long reassemblyMemcap,
    int scanLimit,
    int maxOutOfOrderSegments,
    long udpIdleTimeoutNanos) {

  /** Default idle timeout of UDP (QUIC) flows: 30 s, QUIC's usual max_idle_timeout. */
  public static final long DEFAULT_UDP_IDLE_TIMEOUT_NANOS = 30_000_000_000L;

  /** The bounds with the default UDP idle timeout. */
  public PipelineConfig(
      int maxFlows,
      long idleTimeoutNanos,
      int maxHandshakeBytesPerFlow,
      long reassemblyMemcap,
      int scanLimit,
      int maxOutOfOrderSegments) {
    this(
        maxFlows,
        idleTimeoutNanos,
        maxHandshakeBytesPerFlow,
        reassemblyMemcap,
        scanLimit,
        maxOutOfOrderSegments,
        DEFAULT_UDP_IDLE_TIMEOUT_NANOS);
  }

  public static PipelineConfig defaults() {
    return new PipelineConfig(
        500_000, 120_000_000_000L, 128 * 1024, 256L * 1024 * 1024, 16 * 1024, 64);
  }
}
