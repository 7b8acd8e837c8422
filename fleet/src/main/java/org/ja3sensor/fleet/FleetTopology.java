package org.ja3sensor.fleet;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Builds the fleet topology (docs/fleet.md has the picture):
 *
 * <pre>
 * input topics ──(event time: EventTimeExtractor)──> parse ──> dead letters ──> dead-letter topic
 *                                                      └──> one sighting per key
 *                                                           ──> repartition by key (by-key)
 *                                                               ├─> stats (fp-stats, fleet-meta) ──> new / rare / spread topics
 *                                                               ├─> hourly counts (fp-hourly)
 *                                                               └─> daily counts (fp-daily)
 * </pre>
 *
 * Every store is named and every serde explicit, so internal topic names and formats stay the same
 * from one version to the next.
 */
public final class FleetTopology {
  /** Hourly counts are kept this long. */
  static final Duration HOURLY_RETENTION = Duration.ofDays(2);

  private FleetTopology() {}

  public static Topology build(FleetConfig cfg, FleetCounters counters, LongSupplier wallClock) {
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FleetConfig.STATS_STORE),
                Serdes.String(),
                FpStats.serde())
            .withCachingEnabled());
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(FleetConfig.META_STORE),
            Serdes.String(),
            Serdes.Long()));

    KStream<byte[], byte[]> events =
        b.stream(
            cfg.inputTopics(),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withTimestampExtractor(
                    new EventTimeExtractor(cfg.maxSkew(), cfg.maxAhead(), wallClock))
                .withName("events"));
    Map<String, KStream<String, ParseProcessor.Parsed>> routes =
        events
            .process(() -> new ParseProcessor(counters), Named.as("parse"))
            .split(Named.as("route-"))
            .branch((k, v) -> v.deadLetter() != null, Branched.as("dead-letter"))
            .defaultBranch(Branched.as("sighting"));
    routes
        .get("route-dead-letter")
        .mapValues(ParseProcessor.Parsed::deadLetter, Named.as("dead-letter-json"))
        .to(
            cfg.deadLetterTopic(),
            Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dead-letters"));

    KStream<String, Sighting> byKey =
        routes
            .get("route-sighting")
            .mapValues(ParseProcessor.Parsed::sighting, Named.as("sighting"))
            .repartition(Repartitioned.with(Serdes.String(), Sighting.serde()).withName("by-key"));

    byKey
        .process(
            () -> new StatsProcessor(cfg, counters),
            Named.as("stats"),
            FleetConfig.STATS_STORE,
            FleetConfig.META_STORE)
        .to(
            (key, alert, ctx) ->
                switch (alert.type()) {
                  case NEW -> cfg.newTopic();
                  case RARE -> cfg.rareTopic();
                  case SPREAD -> cfg.spreadTopic();
                },
            Produced.with(Serdes.String(), FleetAlert.serde()).withName("alerts"));

    KGroupedStream<String, Sighting> grouped =
        byKey.groupByKey(Grouped.with("by-key-grouped", Serdes.String(), Sighting.serde()));
    grouped
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofHours(1), cfg.grace()))
        .count(
            Named.as("hourly-count"),
            Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(FleetConfig.HOURLY_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long())
                .withRetention(max(HOURLY_RETENTION, Duration.ofHours(1).plus(cfg.grace()))));
    grouped
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofDays(1), cfg.grace()))
        .count(
            Named.as("daily-count"),
            Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(FleetConfig.DAILY_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long())
                .withRetention(max(cfg.dailyRetention(), Duration.ofDays(1).plus(cfg.grace()))));
    return b.build();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
