package org.ja3sensor.sink;

/**
 * One event on its way to Kafka: in the memory queue, in the producer, or read back from the
 * spool. The JSON bytes are owned by this object and never modified after construction.
 */
final class QueuedEvent {
  final boolean alert;
  /** Record key (fingerprint hash) or null. */
  final String key;
  /** The event as UTF-8 JSON, no trailing newline. */
  final byte[] json;
  /** True when the event was read back from the spool (counted as replayed once delivered). */
  boolean fromSpool;
  /** For an event read from the spool: its segment id and the end offset of its record. */
  long spoolSegment = Long.MIN_VALUE;

  long spoolEnd;
  /** True once the producer reported the final outcome (acknowledged or failed for good). */
  boolean done;

  QueuedEvent(boolean alert, String key, byte[] json) {
    this.alert = alert;
    this.key = key;
    this.json = json;
  }

  /** Bytes this event accounts for against the memory bound (payload plus a small overhead). */
  long memoryBytes() {
    return json.length + (key == null ? 0 : key.length()) + 64L;
  }
}
