package org.ja3sensor.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.DatabaseLoader;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.ShippedDatabase;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.match.MatchResult;
import org.ja3sensor.match.Matcher;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of {@link Matcher#match} per event against the shipped database (plus 1,000 server-name
 * entries), beside the cost of
 * serialising the same event (which {@code read} pays for every event anyway).
 *
 * <p>Run: {@code bench/jmh.sh MatcherBenchmark}. Figures in docs/performance.md, section
 * "Matching".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MatcherBenchmark {
  /** A TLS 1.3 browser-like cipher list: 16 suites, GREASE first (the policy scan reads them). */
  static final int[] SUITES = {
    0x3a3a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
    0x009c, 0x009d, 0x002f, 0x0035
  };

  Matcher matcher;
  EventJson json;
  TlsEvent miss;
  TlsEvent ja3Hit;
  TlsEvent pairHit;
  TlsEvent sniMiss;
  TlsEvent[] mix;
  int next;

  static TlsEvent event(String ja3, String ja3s, String sni) {
    TlsEvent e = new TlsEvent();
    e.timestampNanos = Instant.parse("2024-06-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    e.clientIp = "192.0.2.10";
    e.clientPort = 50000;
    e.serverIp = "198.51.100.20";
    e.serverPort = 443;
    e.communityId = "1:abcdefghijklmnopqrstuvwxyz0=";
    e.trigger = TlsEvent.Trigger.SERVER_HELLO;
    e.clientHello =
        new ClientHello(0x0303, SUITES, new int[] {0}, new int[] {0, 23, 65281, 10, 11, 35, 16,
            5, 13, 18, 51, 45, 43, 27, 17513, 21}, new int[] {29, 23, 24}, new int[] {0}, sni,
            List.of("h2", "http/1.1"), new int[] {0x2a2a, 0x0304, 0x0303},
            new int[] {0x0403, 0x0804}, true);
    e.ja3Hash = ja3;
    e.ja3String = "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
        + "0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-21,29-23-24,0";
    e.serverHello = new ServerHello(0x0303, 0x1301, 0, new int[] {43, 51}, 0x0304, "h2", false);
    e.ja3sHash = ja3s;
    e.ja3sString = "771,4865,43-51";
    return e;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path db = ShippedDatabase.locate();
    Snapshot shipped = DatabaseLoader.load(List.of(db));
    // The shipped database has no server-name entries: add 1,000 (half exact, half *.domain) so
    // that every event walks its server name's suffixes.
    List<Entry> entries = new ArrayList<>(shipped.entries());
    for (int i = 0; i < 1000; i++) {
      String name = (i % 2 == 0 ? "host" + i + ".bad" : "*.zone" + i + ".bad") + i + ".example";
      entries.add(new EntryBuilder("sni:" + i, EntryType.SNI, name)
          .label("Test name " + i).category(Category.MALWARE).disposition(Disposition.ALERT)
          .confidence(50).source("bench").build());
    }
    matcher = new Matcher(DatabaseHolder.of(EntryBuilder.snapshot("bench", entries)));
    json = new EventJson();
    miss = event("0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210",
        "www.example.com");
    // SSLBL "Adware" + ET + Salesforce "Google Chrome": three enrichments, a conflict, an alert
    ja3Hit = event("b8f81673c0e1d29908346f3bab892b9b", "fedcba9876543210fedcba9876543210",
        "www.example.com");
    // Cobalt Strike (ET + derived reference) pair, plus the generic TLS 1.3 JA3S entry
    pairHit = event("eb88d0b3e1961a0562f006e5ce2a0b87", "eb1d94daa7e0344597e756a1fb6e7054",
        "cdn.example.net");
    sniMiss = event("0123456789abcdef0123456789abcdef", null, "a.b.c.d.deep.example.co.uk");
    // 1 in 64 events matches something: 62 misses, 1 browser JA3 (info), 1 alert
    List<TlsEvent> l = new ArrayList<>();
    for (int i = 0; i < 1024; i++) {
      String ja3 = String.format("%032x", i * 7919L);
      if (i % 64 == 10) {
        ja3 = "cd08e31494f9531f560d64c695473da9"; // Chrome 98-109 (curl-impersonate, info)
      } else if (i % 64 == 42) {
        ja3 = "b8f81673c0e1d29908346f3bab892b9b";
      }
      l.add(event(ja3, String.format("%032x", i * 104729L), "host" + i + ".example.org"));
    }
    mix = l.toArray(new TlsEvent[0]);
  }

  @Benchmark
  public void enrichMiss(Blackhole bh) {
    MatchResult missM = matcher.match(miss);
    bh.consume(missM.alert);
  }

  @Benchmark
  public void enrichSniWalkMiss(Blackhole bh) {
    MatchResult sniMissM = matcher.match(sniMiss);
    bh.consume(sniMissM.alert);
  }

  @Benchmark
  public void enrichJa3AlertWithConflict(Blackhole bh) {
    MatchResult ja3HitM = matcher.match(ja3Hit);
    bh.consume(ja3HitM.verdict);
  }

  @Benchmark
  public void enrichPairAlert(Blackhole bh) {
    MatchResult pairHitM = matcher.match(pairHit);
    bh.consume(pairHitM.verdict);
  }

  @Benchmark
  public void enrichMix(Blackhole bh) {
    TlsEvent e = mix[next++ & 1023];
    MatchResult eM = matcher.match(e);
    bh.consume(eM.alert);
  }

  /** What read pays per event anyway: the JSON line of a plain (unmatched) event. */
  @Benchmark
  public String serializeMiss() {
    return json.toJson(miss);
  }

  /** The JSON line of an alert (enrichments, rule, severity). */
  @Benchmark
  public String serializeJa3Alert() {
    return json.toJson(ja3Hit, matcher.match(ja3Hit));
  }
}
