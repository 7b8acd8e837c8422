package org.ja3sensor.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import org.ja3sensor.sink.EventSink;

/**
 * Passes every event on to the real sink and feeds its JSON line to a {@link ReportData}: the
 * report sees exactly the events that were written. Called from the emitter thread only.
 */
public final class ReportSink implements EventSink {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final EventSink sink;
  private final ReportData data;

  public ReportSink(EventSink sink, ReportData data) {
    this.sink = sink;
    this.data = data;
  }

  @Override
  public void publish(String json, String key, boolean alert) throws IOException {
    data.add(MAPPER.readTree(json));
    sink.publish(json, key, alert);
  }

  @Override
  public void publish(byte[] utf8Json, String key, boolean alert) throws IOException {
    data.add(MAPPER.readTree(utf8Json));
    sink.publish(utf8Json, key, alert);
  }

  @Override
  public void flush() throws IOException {
    sink.flush();
  }

  @Override
  public void close() throws IOException {
    sink.close();
  }

  @Override
  public Map<String, Long> counters() {
    return sink.counters();
  }
}
