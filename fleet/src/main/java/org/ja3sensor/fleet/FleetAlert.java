package org.ja3sensor.fleet;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** An alert on its way to its topic: its type (which picks the topic) and its JSON. */
public record FleetAlert(FleetJson.AlertType type, byte[] json) {
  /** Writes the JSON only; alerts are never read back by the aggregator. */
  static Serde<FleetAlert> serde() {
    return Serdes.serdeFrom(
        (topic, a) -> a == null ? null : a.json(),
        (topic, b) -> {
          throw new UnsupportedOperationException("alerts are not read back");
        });
  }
}
