package org.ja3sensor.event;

/** Receives each completed handshake event from a pipeline, on the pipeline's thread. */
@FunctionalInterface
public interface EventListener {
  void onEvent(TlsEvent event);

  /** No event has come for a while: a listener that buffers output may push it out now. */
  default void idle() {}
}
