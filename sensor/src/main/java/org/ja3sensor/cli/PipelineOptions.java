package org.ja3sensor.cli;

import org.ja3sensor.pipeline.PipelineConfig;
import picocli.CommandLine.Option;

/** Flow-table and reassembly bounds shared by {@code read} and {@code capture}. */
public final class PipelineOptions {
  private static final PipelineConfig D = PipelineConfig.defaults();

  @Option(
      names = "--max-flows",
      paramLabel = "N",
      defaultValue = "auto",
      converter = HeapSizing.AutoInt.class,
      description = "Flows tracked at once, TCP and UDP (QUIC) each; the least recently used is evicted beyond (default: ${DEFAULT-VALUE}: sized from the heap, at most 500000; see docs/security.md).")
  int maxFlows = HeapSizing.AUTO;

  @Option(
      names = "--idle-timeout",
      paramLabel = "SECONDS",
      description = "Evict a flow after this many seconds without a packet (default: ${DEFAULT-VALUE}).")
  long idleTimeoutSeconds = D.idleTimeoutNanos() / 1_000_000_000L;

  @Option(
      names = "--max-handshake-bytes",
      paramLabel = "BYTES",
      description = "Bytes one direction may buffer while its hello is assembled (default: ${DEFAULT-VALUE}).")
  int maxHandshakeBytes = D.maxHandshakeBytesPerFlow();

  @Option(
      names = "--reassembly-memcap",
      paramLabel = "BYTES",
      defaultValue = "auto",
      converter = HeapSizing.AutoSize.class,
      description = "Bytes all flows together may buffer (default: ${DEFAULT-VALUE}: sized from the heap, at most 256m; see docs/security.md).")
  long reassemblyMemcap = HeapSizing.AUTO;

  @Option(
      names = "--scan-limit",
      paramLabel = "BYTES",
      description = "Bytes at the start of a stream searched for TLS after a plaintext prefix such as STARTTLS (default: ${DEFAULT-VALUE}).")
  int scanLimit = D.scanLimit();

  @Option(
      names = "--udp-idle-timeout",
      paramLabel = "SECONDS",
      description = "Evict a UDP (QUIC) flow after this many seconds without a datagram; a connection whose ServerHello was not seen is reported then (default: ${DEFAULT-VALUE}).")
  long udpIdleTimeoutSeconds = D.udpIdleTimeoutNanos() / 1_000_000_000L;

  /** The configuration, or an IllegalArgumentException naming the bad option. */
  public PipelineConfig toConfig() {
    return toConfig(Runtime.getRuntime().maxMemory());
  }

  /**
   * The configuration for a JVM whose maximum heap is {@code maxHeap}: {@code auto} bounds sized
   * from it, explicit ones refused when they cannot fit ({@link HeapSizing}).
   */
  PipelineConfig toConfig(long maxHeap) {
    require(maxFlows >= 1 || maxFlows == HeapSizing.AUTO,
        "--max-flows must be at least 1, got " + maxFlows);
    require(idleTimeoutSeconds >= 1, "--idle-timeout must be at least 1 second, got " + idleTimeoutSeconds);
    require(maxHandshakeBytes >= 1024, "--max-handshake-bytes must be at least 1024, got " + maxHandshakeBytes);
    require(reassemblyMemcap >= maxHandshakeBytes || reassemblyMemcap == HeapSizing.AUTO,
        "--reassembly-memcap must be at least --max-handshake-bytes, got " + reassemblyMemcap);
    long[] sized = HeapSizing.size(maxFlows, reassemblyMemcap, maxHandshakeBytes, maxHeap);
    require(scanLimit >= 0, "--scan-limit must not be negative, got " + scanLimit);
    require(udpIdleTimeoutSeconds >= 1,
        "--udp-idle-timeout must be at least 1 second, got " + udpIdleTimeoutSeconds);
    return new PipelineConfig(
        (int) sized[0],
        idleTimeoutSeconds * 1_000_000_000L,
        maxHandshakeBytes,
        sized[1],
        scanLimit,
        D.maxOutOfOrderSegments(),
        udpIdleTimeoutSeconds * 1_000_000_000L);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
