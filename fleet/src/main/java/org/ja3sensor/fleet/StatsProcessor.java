package org.ja3sensor.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The per-key statistics and the alert rules, on records keyed by fingerprint (after the
 * repartition), in event time (the record timestamp is the event's {@code @timestamp}).
 *
 * <ul>
 *   <li><b>new</b>: the first sighting of a key in the fleet, unless it falls in the learning
 *       period (which starts at the first event time this task sees and is kept in {@code
 *       fleet-meta}, so a restart does not restart it).
 *   <li><b>spread</b>: once per key, when a key first seen after the learning period and within
 *       {@code rareFirstSeenWithin} reaches {@code spreadMinHosts} hosts.
 *   <li><b>rare</b>: once per key, when a rarity window closes (stream time passes its end plus
 *       the grace): a key active in it, first seen after the learning period and within {@code
 *       rareFirstSeenWithin} of the window's end, with at most {@code rareMaxHosts} hosts.
 * </ul>
 *
 * The same scan at each window close deletes the keys idle for longer than the retention. New
 * keys beyond {@code maxKeysPerTask} are counted ({@code state_full_dropped}) and not kept.
 */
final class StatsProcessor implements Processor<String, Sighting, String, FleetAlert> {
  static final String LEARNING_START = "learning_start";
  static final String REPORTED_UNTIL = "rare_reported_until";
  /** How often (stream time) the processor checks whether a rarity window closed. */
  static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);
  /** Keys whose statistics are kept deserialised ({@link #recent}), per task. */
  static final int RECENT_KEYS = 4096;

  private final FleetConfig cfg;
  private final FleetCounters counters;
  private ProcessorContext<String, FleetAlert> context;
  private KeyValueStore<String, FpStats> stats;
  private KeyValueStore<String, Long> meta;
  private long keys;
  /**
   * {@code fleet-meta}'s learning start, read once in {@link #init} (after the task's state is
   * restored) and kept here: only this processor writes it, and a store read per record cost a
   * RocksDB lookup each time.
   */
  private Long learningStart;
  /**
   * The statistics of the keys used last, as objects, so a busy key is not deserialised again for
   * each of its records (an HLL sketch is a few KB). The store stays the truth: every change is
   * put there at once, and this is emptied whenever the task is initialised again (after a
   * restore, or after an aborted transaction).
   */
  private final Map<String, FpStats> recent =
      new LinkedHashMap<>(RECENT_KEYS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FpStats> eldest) {
          return size() > RECENT_KEYS;
        }
      };

  StatsProcessor(FleetConfig cfg, FleetCounters counters) {
    this.cfg = cfg;
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<String, FleetAlert> context) {
    this.context = context;
    this.stats = context.getStateStore(FleetConfig.STATS_STORE);
    this.meta = context.getStateStore(FleetConfig.META_STORE);
    this.keys = stats.approximateNumEntries();
    this.learningStart = meta.get(LEARNING_START);
    recent.clear();
    context.schedule(CHECK_INTERVAL, PunctuationType.STREAM_TIME, this::closeWindows);
  }

  private boolean alertable(String key) {
    FingerprintKind k = FingerprintKind.ofKey(key);
    return k != null && cfg.alertKinds().contains(k);
  }

  @Override
  public void process(Record<String, Sighting> r) {
    long t = r.timestamp();
    if (learningStart == null) {
      learningStart = t;
      meta.put(LEARNING_START, t);
      long w = cfg.rareWindow().toMillis();
      meta.put(REPORTED_UNTIL, Math.floorDiv(t, w) * w);
    }
    long learningEnd = learningStart + cfg.learningPeriod().toMillis();
    String key = r.key();
    FpStats f = recent.get(key);
    if (f == null) {
      f = stats.get(key);
    }
    boolean alertable = alertable(key);
    if (f == null) {
      if (keys >= cfg.maxKeysPerTask()) {
        counters.add("state_full_dropped");
        return;
      }
      keys++;
      f = FpStats.first(r.value());
      // Without a learning period nothing is learned, even an event older than the first one.
      f.learned = !cfg.learningPeriod().isZero() && t < learningEnd;
      f.add(r.value(), cfg);
      if (alertable && !f.learned) {
        emit(FleetJson.AlertType.NEW, key, f, t, null);
      }
    } else {
      f.add(r.value(), cfg);
    }
    if (alertable
        && !f.spreadAlerted
        && !f.learned
        && f.hosts.count() >= cfg.spreadMinHosts()
        && f.firstSeen >= t - cfg.rareFirstSeenWithin().toMillis()) {
      f.spreadAlerted = true;
      emit(FleetJson.AlertType.SPREAD, key, f, t, null);
    }
    stats.put(key, f);
    recent.put(key, f);
  }

  private void emit(FleetJson.AlertType type, String key, FpStats f, long time, long[] window) {
    counters.add("alerts_" + type.action);
    byte[] json = FleetJson.alert(type, key, f, time, window, cfg);
    context.forward(new Record<>(key, new FleetAlert(type, json), time));
  }

  /** Punctuation: reports the rare keys of the windows that closed, expires idle keys. */
  void closeWindows(long streamTime) {
    Long reported = meta.get(REPORTED_UNTIL);
    Long start = meta.get(LEARNING_START);
    if (reported == null || start == null) {
      return;
    }
    long w = cfg.rareWindow().toMillis();
    long windowEnd = Math.floorDiv(streamTime - cfg.grace().toMillis(), w) * w;
    if (windowEnd <= reported) {
      return;
    }
    long learningEnd = start + cfg.learningPeriod().toMillis();
    long expireBefore = streamTime - cfg.retention().toMillis();
    List<String> expired = new ArrayList<>();
    List<KeyValue<String, FpStats>> rare = new ArrayList<>();
    try (KeyValueIterator<String, FpStats> it = stats.all()) {
      while (it.hasNext()) {
        KeyValue<String, FpStats> kv = it.next();
        FpStats f = kv.value;
        if (f.lastSeen < expireBefore) {
          expired.add(kv.key);
        } else if (!f.rareAlerted
            && !f.learned
            && windowEnd > learningEnd
            && f.firstSeen < windowEnd
            && f.lastSeen >= reported
            && f.isRare(windowEnd, cfg)
            && alertable(kv.key)) {
          rare.add(kv);
        }
      }
    }
    for (String k : expired) {
      stats.delete(k);
      recent.remove(k);
    }
    keys = Math.max(0, keys - expired.size());
    counters.add("keys_expired", expired.size());
    long[] window = {reported, windowEnd};
    for (KeyValue<String, FpStats> kv : rare) {
      kv.value.rareAlerted = true;
      stats.put(kv.key, kv.value);
      recent.put(kv.key, kv.value);
      emit(FleetJson.AlertType.RARE, kv.key, kv.value, windowEnd, window);
    }
    meta.put(REPORTED_UNTIL, windowEnd);
  }
}
