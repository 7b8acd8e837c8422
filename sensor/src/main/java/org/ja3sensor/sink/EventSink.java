package org.ja3sensor.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Where serialised events go: stdout, Kafka. Called from one thread at a time (the pipeline's
 * emitter). Implementations must not block packet processing for long.
 */
public interface EventSink extends AutoCloseable {

  /**
   * Publishes one event.
   *
   * @param json the event as one line of JSON, without the trailing newline
   * @param key the record key a consumer aggregates on (the JA3 hash, else the JA3S hash), may be
   *     null
   * @param alert true when the event is an alert (a sink may route alerts separately)
   */
  void publish(String json, String key, boolean alert) throws IOException;

  /**
   * Publishes one event given as UTF-8 bytes (what {@link
   * org.ja3sensor.event.EventJson#toJsonUtf8} makes): sinks that send bytes skip the detour
   * through a String. The array belongs to the sink from then on (it may queue it).
   */
  default void publish(byte[] utf8Json, String key, boolean alert) throws IOException {
    publish(new String(utf8Json, StandardCharsets.UTF_8), key, alert);
  }

  /**
   * Publishes one event given as {@code len} UTF-8 bytes of a buffer that is the caller's again
   * after the call ({@link org.ja3sensor.event.EventJson#writeUtf8}): a sink that copies them at
   * once into its own buffer (stdout, a file) spares the array per event that the default makes.
   */
  default void publish(byte[] buf, int off, int len, String key, boolean alert)
      throws IOException {
    publish(Arrays.copyOfRange(buf, off, off + len), key, alert);
  }

  /** Whether {@link #publish(byte[], int, int, String, boolean)} copies without the default's array. */
  default boolean copiesRanges() {
    return false;
  }

  /** Pushes everything pending to its destination (or to the spool); blocks until done. */
  void flush() throws IOException;

  /**
   * Called when no event has come for a while (the input is idle: a live pipe waiting for
   * packets). A sink that buffers events for a reader who waits on them (stdout) pushes them out;
   * the default does nothing.
   */
  default void idle() throws IOException {}

  /**
   * Flushes and releases resources.
   *
   * @throws IOException when some events could not be delivered
   */
  @Override
  void close() throws IOException;

  /**
   * Delivery counters for the stats output, by lower-case name (e.g. Kafka's sent, retried,
   * spooled, replayed, failed); empty for sinks that have none.
   */
  default Map<String, Long> counters() {
    return Map.of();
  }
}
