package org.ja3sensor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The HTTP endpoint of one aggregator instance (JDK {@code HttpServer}, JSON answers):
 *
 * <ul>
 *   <li>{@code GET /fingerprints/VALUE}: the statistics of a key ({@code ja3:HASH}) or of a bare
 *       value under every kind it may be (JA4, JA3, JA3N, JA3S; {@code A+B} is a JA3+JA3S pair),
 *       with its hourly and daily counts. Each key is answered from the local store when this
 *       instance owns it, else forwarded to the owner ({@link KafkaStreams#queryMetadataForKey}).
 *   <li>{@code GET /fingerprints?rare=true[&limit=N]}: the rare keys of every instance, each
 *       judged at its instance's latest event time.
 *   <li>{@code GET /stats}: this instance's state and counters.
 * </ul>
 *
 * A forwarded request carries {@code local=true} and is never forwarded again. 503 while the
 * stores migrate (rebalance); the client retries.
 */
final class QueryServer implements AutoCloseable {
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaStreams streams;
  private final HostInfo self;
  private final FleetConfig cfg;
  private final FleetCounters counters;
  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  QueryServer(
      KafkaStreams streams, InetSocketAddress listen, HostInfo self, FleetConfig cfg,
      FleetCounters counters) throws IOException {
    this.streams = streams;
    this.self = self;
    this.cfg = cfg;
    this.counters = counters;
    this.server = HttpServer.create(listen, 64);
    server.createContext("/fingerprints", this::fingerprints);
    server.createContext("/stats", this::stats);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "fleet-http");
      t.setDaemon(true);
      return t;
    }));
  }

  void start() {
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** Thrown to answer with an HTTP status and a message. */
  private static final class Status extends Exception {
    final int code;

    Status(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private void fingerprints(HttpExchange x) throws IOException {
    try {
      if (!"GET".equals(x.getRequestMethod())) {
        throw new Status(405, "method " + x.getRequestMethod() + ", expected GET");
      }
      Map<String, String> q = query(x.getRequestURI());
      boolean local = "true".equals(q.get("local"));
      String path = x.getRequestURI().getRawPath();
      String rest = path.length() > "/fingerprints".length()
          ? path.substring("/fingerprints".length() + 1) : "";
      if (rest.isEmpty()) {
        if (!"true".equals(q.get("rare"))) {
          throw new Status(400, "expected /fingerprints/VALUE or /fingerprints?rare=true");
        }
        int limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : 1000;
        send(x, 200, rare(local, limit));
        return;
      }
      String value = URLDecoder.decode(rest, StandardCharsets.UTF_8);
      ObjectNode answer = FleetJson.JSON.createObjectNode();
      answer.put("query", value);
      ArrayNode results = answer.putArray("results");
      for (String key : candidateKeys(value)) {
        JsonNode r = local ? localKey(key) : lookup(key);
        if (r != null) {
          results.add(r);
        }
      }
      send(x, results.isEmpty() ? 404 : 200, answer);
    } catch (Status s) {
      error(x, s.code, s.getMessage());
    } catch (InvalidStateStoreException e) {
      error(x, 503, "state not queryable now (rebalancing?): " + e.getMessage());
    } catch (RuntimeException e) {
      error(x, 500, e.toString());
    }
  }

  /** The keys a queried value may be. */
  static List<String> candidateKeys(String value) {
    if (FingerprintKind.ofKey(value) != null) {
      return List.of(value);
    }
    if (value.contains("|")) {
      return List.of(FingerprintKind.SNI.key(value));
    }
    if (value.contains("+")) {
      return List.of(FingerprintKind.JA3_JA3S.key(value));
    }
    return List.of(
        FingerprintKind.JA4.key(value),
        FingerprintKind.JA3.key(value),
        FingerprintKind.JA3N.key(value),
        FingerprintKind.JA3S.key(value));
  }

  /** A key's statistics from whichever instance owns it; null when nobody knows it. */
  private JsonNode lookup(String key) throws Status {
    KeyQueryMetadata md =
        streams.queryMetadataForKey(FleetConfig.STATS_STORE, key, Serdes.String().serializer());
    if (md == null || md == KeyQueryMetadata.NOT_AVAILABLE) {
      throw new Status(503, "no instance owns " + key + " now (starting or rebalancing)");
    }
    if (md.activeHost().equals(self)) {
      return localKey(key);
    }
    JsonNode remote = forward(md.activeHost(),
        "/fingerprints/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%2B")
            + "?local=true");
    if (remote == null) {
      return null;
    }
    JsonNode results = remote.get("results");
    return results != null && results.size() > 0 ? results.get(0) : null;
  }

  private JsonNode localKey(String key) {
    ReadOnlyKeyValueStore<String, FpStats> store =
        streams.store(StoreQueryParameters.fromNameAndType(
            FleetConfig.STATS_STORE, QueryableStoreTypes.<String, FpStats>keyValueStore()));
    FpStats f = store.get(key);
    if (f == null) {
      return null;
    }
    ObjectNode o = FleetJson.JSON.createObjectNode();
    FleetJson.stats(o, key, f);
    o.put("rare", f.isRare(f.lastSeen, cfg));
    ObjectNode w = o.putObject("windows");
    windows(w.putArray("hourly"), FleetConfig.HOURLY_STORE, key);
    windows(w.putArray("daily"), FleetConfig.DAILY_STORE, key);
    o.put("served_by", self.host() + ":" + self.port());
    return o;
  }

  private void windows(ArrayNode out, String storeName, String key) {
    ReadOnlyWindowStore<String, Long> store =
        streams.store(StoreQueryParameters.fromNameAndType(
            storeName, QueryableStoreTypes.<String, Long>windowStore()));
    try (WindowStoreIterator<Long> it =
        store.fetch(key, Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
      while (it.hasNext()) {
        KeyValue<Long, Long> kv = it.next();
        out.addObject().put("start", FleetJson.iso(kv.key)).put("count", kv.value);
      }
    }
  }

  private ObjectNode rare(boolean local, int limit) throws Status {
    ObjectNode answer = FleetJson.JSON.createObjectNode();
    ArrayNode results = answer.putArray("results");
    localRare(results, limit);
    if (!local) {
      for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
        if (m.hostInfo().equals(self)) {
          continue;
        }
        JsonNode remote = forward(m.hostInfo(), "/fingerprints?rare=true&local=true&limit=" + limit);
        if (remote != null && remote.get("results") != null) {
          for (JsonNode r : remote.get("results")) {
            if (results.size() < limit) {
              results.add(r);
            }
          }
        }
      }
    }
    answer.put("count", results.size());
    return answer;
  }

  private void localRare(ArrayNode results, int limit) {
    ReadOnlyKeyValueStore<String, FpStats> store =
        streams.store(StoreQueryParameters.fromNameAndType(
            FleetConfig.STATS_STORE, QueryableStoreTypes.<String, FpStats>keyValueStore()));
    long now = 0;
    List<KeyValue<String, FpStats>> all = new ArrayList<>();
    try (KeyValueIterator<String, FpStats> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, FpStats> kv = it.next();
        now = Math.max(now, kv.value.lastSeen);
        FingerprintKind k = FingerprintKind.ofKey(kv.key);
        if (k != null && cfg.alertKinds().contains(k) && !kv.value.learned) {
          all.add(kv);
        }
      }
    }
    for (KeyValue<String, FpStats> kv : all) {
      if (results.size() >= limit) {
        break;
      }
      if (kv.value.isRare(now, cfg)) {
        ObjectNode o = results.addObject();
        FleetJson.stats(o, kv.key, kv.value);
        o.put("served_by", self.host() + ":" + self.port());
      }
    }
  }

  private JsonNode forward(HostInfo host, String pathAndQuery) throws Status {
    URI uri = URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery);
    try {
      HttpResponse<byte[]> r = http.send(
          HttpRequest.newBuilder(uri).timeout(FORWARD_TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 404) {
        return null;
      }
      if (r.statusCode() != 200) {
        throw new Status(r.statusCode() == 503 ? 503 : 502,
            "instance " + host.host() + ":" + host.port() + " answered " + r.statusCode() + ": "
                + new String(r.body(), StandardCharsets.UTF_8));
      }
      return FleetJson.JSON.readTree(r.body());
    } catch (IOException e) {
      throw new Status(503, "instance " + host.host() + ":" + host.port() + " unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Status(503, "interrupted");
    }
  }

  private void stats(HttpExchange x) throws IOException {
    ObjectNode o = FleetJson.JSON.createObjectNode();
    o.put("state", streams.state().toString());
    o.put("instance", self.host() + ":" + self.port());
    ObjectNode c = o.putObject("counters");
    counters.snapshot().forEach(c::put);
    send(x, 200, o);
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> m = new HashMap<>();
    String q = uri.getRawQuery();
    if (q == null) {
      return m;
    }
    for (String p : q.split("&")) {
      int eq = p.indexOf('=');
      if (eq > 0) {
        m.put(URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return m;
  }

  private static void error(HttpExchange x, int code, String message) throws IOException {
    ObjectNode o = FleetJson.JSON.createObjectNode();
    o.put("error", message);
    send(x, code, o);
  }

  private static void send(HttpExchange x, int code, JsonNode body) throws IOException {
    byte[] b = FleetJson.JSON.writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(code, b.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(b);
    }
  }
}
