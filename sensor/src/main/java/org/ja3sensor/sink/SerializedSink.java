package org.ja3sensor.sink;

import java.io.IOException;
import java.util.Map;

/**
 * A sink shared by two threads (capture's emitter and its stats timer, when stats go out as
 * events): every call holds one lock, so lines never interleave. Owns nothing but the lock.
 */
public final class SerializedSink implements EventSink {
  private final EventSink sink;

  public SerializedSink(EventSink sink) {
    this.sink = sink;
  }

  /** The sink it serialises. */
  public EventSink inner() {
    return sink;
  }

  @Override
  public synchronized void publish(String json, String key, boolean alert) throws IOException {
    sink.publish(json, key, alert);
  }

  @Override
  public synchronized void publish(byte[] utf8Json, String key, boolean alert)
      throws IOException {
    sink.publish(utf8Json, key, alert);
  }

  @Override
  public synchronized void flush() throws IOException {
    sink.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    sink.close();
  }

  @Override
  public synchronized Map<String, Long> counters() {
    return sink.counters();
  }
}
