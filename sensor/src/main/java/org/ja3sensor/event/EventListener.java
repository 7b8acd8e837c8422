package org.ja3sensor.event;

/** Receives each completed handshake event from a pipeline, on the pipeline's thread. */
@FunctionalInterface
public interface EventListener {
  void onEvent(TlsEvent event);
}
