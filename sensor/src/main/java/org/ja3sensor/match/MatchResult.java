package org.ja3sensor.match;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.db.PolicyFlag;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.event.JsonWriter;

/**
 * What the {@link Matcher} found for one event: it travels beside the {@link
 * org.ja3sensor.event.TlsEvent} (the event itself holds only what was observed) and {@link
 * EventJson} writes it into the event's JSON through {@link EventJson.Extension} ({@link
 * MatchJson} says where). Made by {@link Matcher#match}, one per event; not thread-safe.
 */
public final class MatchResult implements EventJson.Extension {
  /** What the fingerprint database knows about the handshake, most significant first. */
  public final List<Enrichment> enrichments = new ArrayList<>();

  /** True when the matcher decided the handshake is an alert (event.kind = alert). */
  public boolean alert;

  /** TLS policy findings, bits of {@link PolicyFlag}. */
  public int policyFlags;

  /** Why the event is an alert (rule, score, database version); null unless {@link #alert}. */
  public AlertVerdict verdict;

  @Override
  public boolean alert() {
    return alert;
  }

  @Override
  public void write(JsonWriter g) {
    MatchJson.write(this, g);
  }

  @Override
  public void writeInto(String object, JsonWriter g) {
    MatchJson.writeInto(object, this, g);
  }
}
