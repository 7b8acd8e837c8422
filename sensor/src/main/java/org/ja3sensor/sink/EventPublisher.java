package org.ja3sensor.sink;

import java.io.IOException;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.pipeline.EventListener;

/**
 * Serialises each event and hands it to the sink. The record key is the JA3 hash (else the JA3S
 * hash) so that a consumer can aggregate per client fingerprint. A sink failure is remembered (the
 * command exits non-zero) but does not stop packet processing.
 */
public final class EventPublisher implements EventListener {
  /** Runs on each event before it is serialised (the fingerprint matcher). */
  public interface Enricher {
    void enrich(TlsEvent event);
  }

  private final EventJson json;
  private final EventSink sink;
  private final Enricher enricher;
  private IOException failure;
  private long failed;

  public EventPublisher(EventJson json, EventSink sink, Enricher enricher) {
    this.json = json;
    this.sink = sink;
    this.enricher = enricher;
  }

  @Override
  public void onEvent(TlsEvent event) {
    event.deriveFields(); // no-op when the pipeline derived them already
    if (enricher != null) {
      enricher.enrich(event);
    }
    String key = event.ja3Hash != null ? event.ja3Hash : event.ja3sHash;
    try {
      sink.publish(json.toJsonUtf8(event), key, event.alert);
    } catch (IOException e) {
      failed++;
      if (failure == null) {
        failure = e;
      }
    }
  }

  /** The first publishing failure, or null. */
  public IOException failure() {
    return failure;
  }

  public long failedEvents() {
    return failed;
  }
}
