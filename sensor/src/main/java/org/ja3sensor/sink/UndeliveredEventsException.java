package org.ja3sensor.sink;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown by {@link KafkaSink#close()} when events were not delivered: some were lost ({@link
 * #lost()}: spool full, spool disabled, rejected by the broker for good) and/or some wait in the
 * spool for the next run ({@link #spooled()}). A long-running command may treat a shutdown with
 * only spooled events as a warning; {@code read} treats both as failure.
 */
public final class UndeliveredEventsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long lost;
  private final long spooled;

  public UndeliveredEventsException(long lost, long spooled, Path spoolDir) {
    super(message(lost, spooled, spoolDir));
    this.lost = lost;
    this.spooled = spooled;
  }

  private static String message(long lost, long spooled, Path spoolDir) {
    StringBuilder sb = new StringBuilder("Kafka: ");
    if (lost > 0) {
      sb.append(lost).append(" events lost (see the warnings above)");
      if (spooled > 0) {
        sb.append("; ");
      }
    }
    if (spooled > 0) {
      sb.append(spooled)
          .append(" events were not delivered yet; they wait in the spool ")
          .append(spoolDir)
          .append(" and are sent first by the next run with --spool-dir ")
          .append(spoolDir);
    }
    return sb.toString();
  }

  /** Events that will never be delivered. */
  public long lost() {
    return lost;
  }

  /** Events kept in the spool directory, delivered by the next run that uses it. */
  public long spooled() {
    return spooled;
  }
}
