package org.ja3sensor.fleet;

/** Why a record went to the dead-letter topic: the {@code error.type} of its dead-letter event. */
public enum DeadLetter {
  /** Not a JSON object. */
  UNPARSEABLE("unparseable"),
  /** No {@code @timestamp}, or one that is not RFC 3339 or lies before 1970. */
  NO_TIMESTAMP("no_timestamp"),
  /** Neither a client nor a server fingerprint. */
  NO_FINGERPRINT("no_fingerprint"),
  /** Event time too far behind the stream time or in the future (a sensor's clock). */
  EVENT_TIME_OUTSIDE_STREAM("event_time_outside_stream");

  public final String type;

  DeadLetter(String type) {
    this.type = type;
  }

  /** The counter name in {@link FleetCounters}. */
  public String counter() {
    return "dead_letter_" + type;
  }
}
