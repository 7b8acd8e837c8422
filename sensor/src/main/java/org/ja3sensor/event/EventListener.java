package org.ja3sensor.event;

/** Receives each completed handshake event from a pipeline, on the pipeline's thread. */
@FunctionalInterface
public interface EventListener {
  void onEvent(TlsEvent event);

  /** No event has come for a while: a listener that buffers output may push it out now. */
  default void idle() {}

  /**
   * How many events this listener takes now without making the caller wait (the free places of a
   * bounded queue): a pipeline ends at most this many idle flows at a time and the rest a little
   * later, rather than waiting on the listener ({@code flow.IdleExpiry}). The default: any number.
   */
  default int room() {
    return Integer.MAX_VALUE;
  }
}
