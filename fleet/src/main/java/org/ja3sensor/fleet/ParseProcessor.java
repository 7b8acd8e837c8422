package org.ja3sensor.fleet;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First step of the topology: parses each sensor event ({@link EventParser}) and forwards one
 * sighting per key it counts under, or one dead letter (null key) with the reason, counted in
 * {@link FleetCounters}. Never throws on bad input, so a bad record never stops the application.
 */
final class ParseProcessor implements Processor<byte[], byte[], String, ParseProcessor.Parsed> {
  /** The sensor's record header naming it (sink.KafkaSink.HEADER_SENSOR_NAME). */
  static final String HEADER_SENSOR_NAME = "ja3sensor.sensor_name";

  /** A sighting, or the JSON of a dead letter. */
  record Parsed(Sighting sighting, byte[] deadLetter) {}

  private final FleetCounters counters;
  private ProcessorContext<String, Parsed> context;

  ParseProcessor(FleetCounters counters) {
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<String, Parsed> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(HEADER_SENSOR_NAME);
    String headerSensor = h == null || h.value() == null
        ? null : new String(h.value(), StandardCharsets.UTF_8);
    EventParser.Result res = EventParser.parse(r.value(), headerSensor, r.timestamp());
    if (res.error() != null) {
      counters.add(res.error().counter());
      RecordMetadata md = context.recordMetadata().orElse(null);
      byte[] json =
          FleetJson.deadLetter(
              res.error(),
              res.message(),
              md == null ? null : md.topic(),
              md == null ? -1 : md.partition(),
              md == null ? -1 : md.offset(),
              r.timestamp(),
              r.value());
      context.forward(new Record<>(null, new Parsed(null, json), r.timestamp()));
      return;
    }
    counters.add("events");
    Parsed p = new Parsed(res.sighting(), null);
    for (String key : res.keys()) {
      context.forward(new Record<>(key, p, r.timestamp()));
    }
  }
}
