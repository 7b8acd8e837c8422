package org.ja3sensor.cli;

import java.util.function.Supplier;
import org.ja3sensor.core.MetricsSnapshot;
import org.ja3sensor.metrics.MetricsEndpoint;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-listen HOST:PORT} of {@code read} and {@code capture} (a config-file key too):
 * include with {@code @Mixin MetricsOption metrics;} and call {@link #start} before reading.
 */
public final class MetricsOption {
  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 127.0.0.1:9810,"
          + " or :9810 for all addresses); off by default. The counters of the stats line, the"
          + " output's and the database's, and the JVM's (see docs/operations.md).")
  String listen;

  /**
   * Starts the endpoint, or returns null when the option is not given. The snapshots come from
   * {@code source}, asked at each scrape.
   */
  MetricsEndpoint start(Supplier<MetricsSnapshot> source) throws MetricsEndpoint.ListenException {
    return listen == null ? null : MetricsEndpoint.start(listen, source);
  }
}
