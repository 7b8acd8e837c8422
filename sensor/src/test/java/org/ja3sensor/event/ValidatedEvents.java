package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ja3sensor.cli.CliRun;
import org.ja3sensor.match.MatchResult;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * The events the schema tests look at, made once per test JVM: {@code read} over every sample
 * and every capture of the conformance corpus (with the shipped database), a read with a local
 * database that raises alerts (rule.*, dated enrichments), and events the files cannot give
 * (capture's interface, an SSLv2 hello, a tunnel), written by the same EventJson.
 */
public final class ValidatedEvents {
  private static Map<String, List<JsonNode>> cached;

  private ValidatedEvents() {}

  static Path repoRoot() {
    return Path.of(System.getProperty("ja3sensor.repoRoot", ".")).toAbsolutePath().normalize();
  }

  /** Events by origin ("samples", "corpus", "alerts", "constructed"). */
  public static synchronized Map<String, List<JsonNode>> all() throws IOException {
    if (cached != null) {
      return cached;
    }
    Map<String, List<JsonNode>> m = new LinkedHashMap<>();
    List<String> samples = files(repoRoot().resolve("samples"));
    assertTrue(samples.size() >= 11, "samples: " + samples);
    m.put("samples", read(samples, "--sensor-name", "schema-test"));

    Path corpus = EcsSchema.sharedDir().resolve("corpus");
    List<String> corpusFiles = Files.isDirectory(corpus) ? files(corpus) : List.of();
    assertTrue(corpusFiles.size() >= 89, "the 89 corpus captures at " + corpus);
    m.put("corpus", read(corpusFiles));

    Path db = Files.createTempDirectory("ja3sensor-schema-db");
    String hrrJa3 = "a3afc2c46ba4a7d7fbe1cfb7a3031c2f"; // samples/openssl-hrr.pcap's client
    Files.writeString(db.resolve("local.csv"),
        "id,type,value,label,category,disposition,confidence,source,licence,first_seen,last_seen,"
            + "reference,notes\n"
            + "local:hrr,ja3," + hrrJa3 + ",Test client,c2,alert,90,local,CC0-1.0,2024-01-02,"
            + "2026-11-01T00:00:00Z,https://example.invalid/x,made up for the schema test\n"
            + "local:host,sni,localhost,Local name,unknown,info,10,local,,,,,\n");
    // Its JA3 is OpenSSL's default (a library default): --library-collisions alert lets the bare
    // hash alert, and the event carries the collision fields too.
    List<String> args = new ArrayList<>(List.of("--db-extra", db.toString(),
        "--library-collisions", "alert"));
    args.add(repoRoot().resolve("samples/openssl-hrr.pcap").toString());
    List<JsonNode> alerts = read(args);
    assertTrue(alerts.stream().anyMatch(e -> e.at("/event/kind").asText().equals("alert")),
        "the local alert entry raised an alert");
    m.put("alerts", alerts);
    m.put("constructed", constructed());
    cached = m;
    return m;
  }

  /** Every event of every origin. */
  public static List<JsonNode> flat() throws IOException {
    List<JsonNode> l = new ArrayList<>();
    all().values().forEach(l::addAll);
    return l;
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$"))
          .sorted()
          .map(Path::toString)
          .toList();
    }
  }

  private static List<JsonNode> read(List<String> files, String... options) {
    List<String> args = new ArrayList<>(List.of("read", "-q", "--no-progress"));
    args.addAll(List.of(options));
    args.addAll(files);
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertTrue(r.exitCode == 0, "read " + files.size() + " files: " + r);
    List<JsonNode> events = r.events();
    assertTrue(!events.isEmpty(), "no events from " + files);
    return events;
  }

  private static List<JsonNode> constructed() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    EventJson json = new EventJson();
    List<JsonNode> l = new ArrayList<>();

    TlsEvent capture = base(7);
    capture.observerName = "sensor-7";
    capture.ingressInterface = "eth1";
    capture.tunnelDepth = 2;
    capture.clientHello =
        new ClientHello(0x0303, new int[] {0x1301, 0xc02f, 0x0000}, new int[] {0},
            new int[] {0, 16, 43}, new int[] {29}, new int[] {0}, "bad<name>.example",
            List.of("h2", "http/1.1"), new int[] {0x0304, 0x0303}, new int[] {0x0403}, true);
    capture.serverHello =
        new ServerHello(0x0303, 0x5a5a, 0, new int[] {43}, 0x0304, null, false); // unnamed suite
    capture.deriveFields();
    MatchResult flags = new MatchResult();
    flags.policyFlags = 0b101;
    l.add(mapper.readTree(json.toJson(capture, flags)));

    TlsEvent sslv2 = base(8);
    sslv2.sslv2ClientHello = true;
    sslv2.trigger = TlsEvent.Trigger.FLOW_CLOSED;
    sslv2.deriveFields();
    l.add(mapper.readTree(json.toJson(sslv2)));

    TlsEvent serverOnly = base(9);
    serverOnly.ipv6 = true;
    serverOnly.clientHi = 0x2001_0db8_0000_0000L;
    serverOnly.serverHi = 0x2001_0db8_0000_0000L;
    serverOnly.serverLo = 2;
    serverOnly.serverHello = new ServerHello(0x0301, 0x0005, 0, new int[0], 0, "h2", false);
    serverOnly.trigger = TlsEvent.Trigger.FLOW_EVICTED;
    serverOnly.deriveFields();
    l.add(mapper.readTree(json.toJson(serverOnly)));

    org.ja3sensor.core.Counters c = new org.ja3sensor.core.Counters();
    c.packets = 1234;
    c.anomaly(org.ja3sensor.core.Anomaly.values()[0]);
    org.ja3sensor.core.MetricsSnapshot stats =
        org.ja3sensor.core.MetricsSnapshot.builder(1_764_000_000_000_000_000L)
            .add("packets", c.packets)
            .add("events", 3)
            .addAnomalies(c)
            .add("output.written", 3)
            .build();
    l.add(mapper.readTree(StatsJson.toJsonUtf8(stats, "sensor-7", "eth1,eth2")));
    return l;
  }

  private static TlsEvent base(int n) {
    TlsEvent e = new TlsEvent();
    e.timestampNanos = 1_764_000_000_000_000_000L + n;
    e.clientLo = 0x0000_ffff_0a00_0000L + n;
    e.clientPort = 40000 + n;
    e.serverLo = 0x0000_ffff_c000_0201L;
    e.serverPort = 443;
    e.trigger = TlsEvent.Trigger.SERVER_HELLO;
    return e;
  }
}
