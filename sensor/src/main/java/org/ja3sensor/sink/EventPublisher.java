package org.ja3sensor.sink;

import java.io.IOException;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.event.EventListener;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.match.MatchResult;
import org.ja3sensor.match.Matcher;

/**
 * The emitter's work on each event, the same for {@code read} and {@code capture}: derives its
 * string fields, matches it against the fingerprint database (the {@link MatchResult} travels
 * beside the event into the JSON), serialises it and hands it to the sink. The record key is the
 * JA3 hash (else the JA3S hash) so that a consumer can aggregate per client fingerprint. A sink
 * failure is remembered (the command exits non-zero) but does not stop packet processing. Runs on
 * one thread (the emitter thread); owns its JSON writer.
 */
public final class EventPublisher implements EventListener {
  private final EventJson json = new EventJson();
  private final EventSink sink;
  private final Matcher matcher;
  private IOException failure;
  private long failed;
  private boolean ja4Original;
  /**
   * Alerts published, by ECS severity: low (21), medium (47), high (73). Written by the emitter
   * thread, read by the stats and scraping threads.
   */
  private final java.util.concurrent.atomic.AtomicLongArray alerts =
      new java.util.concurrent.atomic.AtomicLongArray(3);

  /** The names of {@link #alertCounts()}'s entries, lowest severity first. */
  public static final String[] SEVERITIES = {"low", "medium", "high"};

  /** @param matcher the fingerprint matcher, or null for none */
  public EventPublisher(EventSink sink, Matcher matcher) {
    this.sink = sink;
    this.matcher = matcher;
  }

  /** Also derive JA4_o and JA4_ro (option --ja4-original), on the thread that publishes. */
  public EventPublisher setJa4Original(boolean on) {
    this.ja4Original = on;
    return this;
  }

  /** Writes the server's certificate chain as PEM into events (tls.server.certificate_chain). */
  public EventPublisher certificateChain(boolean on) {
    json.certificateChain(on);
    return this;
  }

  @Override
  public void onEvent(TlsEvent event) {
    event.deriveFields(); // no-op when the pipeline derived them already
    if (ja4Original) {
      event.deriveOriginalJa4();
    }
    MatchResult match = matcher != null ? matcher.match(event) : null;
    String key = event.ja3Hash != null ? event.ja3Hash : event.ja3sHash;
    boolean alert = match != null && match.alert;
    if (alert && match.verdict != null) {
      int sev = match.verdict.severity();
      alerts.incrementAndGet(sev >= 73 ? 2 : sev >= 47 ? 1 : 0);
    }
    try {
      if (sink.copiesRanges()) {
        json.writeUtf8(event, match, (b, off, len) -> sink.publish(b, off, len, key, alert));
      } else {
        sink.publish(json.toJsonUtf8(event, match), key, alert);
      }
    } catch (OutputClosedException e) {
      throw new java.io.UncheckedIOException(e); // the reader left: stop, not a failure
    } catch (IOException e) {
      failed++;
      if (failure == null) {
        failure = e;
      }
    }
  }

  @Override
  public void idle() {
    try {
      sink.idle();
    } catch (OutputClosedException e) {
      throw new java.io.UncheckedIOException(e);
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

  /**
   * Alerts handed to the output so far, by severity ({@link #SEVERITIES}): low, medium, high.
   * Any thread.
   */
  public long[] alertCounts() {
    return new long[] {alerts.get(0), alerts.get(1), alerts.get(2)};
  }

  public long failedEvents() {
    return failed;
  }
}
