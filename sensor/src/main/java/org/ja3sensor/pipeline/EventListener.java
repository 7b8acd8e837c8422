package org.ja3sensor.pipeline;

import org.ja3sensor.event.TlsEvent;

/** Receives each completed handshake event from a pipeline, on the pipeline's thread. */
@FunctionalInterface
public interface EventListener {
  void onEvent(TlsEvent event);
}
