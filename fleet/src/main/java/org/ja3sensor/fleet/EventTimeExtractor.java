package org.ja3sensor.fleet;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Gives each input record its event time ({@code @timestamp}) as its Kafka Streams timestamp, so
 * windows, grace and stream time all run on event time whatever timestamp the producer set.
 *
 * <p>A record whose event time is unusable (missing, more than {@code maxSkew} behind the
 * partition's stream time, or more than {@code maxAhead} ahead of the wall clock: the broker would
 * refuse the records carrying it, see {@link FleetConfig}) gets the partition time instead, so
 * it cannot move the stream time; {@link ParseProcessor} sees that its timestamp differs from its
 * {@code @timestamp} and sends it to the dead-letter topic.
 */
public final class EventTimeExtractor implements TimestampExtractor {
  private final long maxSkewMs;
  private final long maxAheadMs;
  private final LongSupplier wallClock;

  public EventTimeExtractor(Duration maxSkew, Duration maxAhead, LongSupplier wallClock) {
    this.maxSkewMs = maxSkew.toMillis();
    this.maxAheadMs = maxAhead.toMillis();
    this.wallClock = wallClock;
  }

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    Object v = record.value();
    long t = v instanceof byte[] b ? EventTime.of(b) : EventTime.MISSING;
    if (t != EventTime.MISSING
        && acceptable(t, partitionTime, wallClock.getAsLong(), maxSkewMs, maxAheadMs)) {
      return t;
    }
    if (partitionTime >= 0) {
      return partitionTime;
    }
    return Math.max(0, record.timestamp());
  }

  /** Whether event time {@code t} is within the skew of the stream time (see the class comment). */
  static boolean acceptable(long t, long streamTime, long wall, long maxSkewMs, long maxAheadMs) {
    if (streamTime >= 0 && t < streamTime - maxSkewMs) {
      return false;
    }
    return t <= wall + maxAheadMs;
  }
}
