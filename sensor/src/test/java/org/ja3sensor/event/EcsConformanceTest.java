package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ja3sensor.cli.CliRun;
import org.ja3sensor.core.BuildInfo;
import org.junit.jupiter.api.Test;

/**
 * Every event the samples, the conformance corpus, an alerting database and the constructed
 * cases give is checked field by field against ECS ({@link EcsSchema}): ECS fields with ECS
 * types, ja3sensor.*, the documented fingerprint extensions, nothing else.
 */
class EcsConformanceTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void everyEventIsEcs() throws Exception {
    EcsSchema ecs = EcsSchema.load();
    int n = 0;
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<JsonNode>> origin : ValidatedEvents.all().entrySet()) {
      for (JsonNode e : origin.getValue()) {
        n++;
        for (String p : ecs.violations(e)) {
          if (problems.size() < 40) {
            problems.add(origin.getKey() + ": " + p + "\n    in " + e);
          }
        }
      }
    }
    assertTrue(n > 150, "events checked: " + n);
    assertEquals(List.of(), problems);
  }

  @Test
  void theValidatorRejectsWhatItShould() throws Exception {
    EcsSchema ecs = EcsSchema.load();
    JsonNode good = ValidatedEvents.all().get("samples").get(0);
    assertEquals(List.of(), ecs.violations(good));
    String[][] spoiled = {
      {"/tls", "policy_flags", "[\"x\"]", "tls.policy_flags: not an ECS field"},
      {"/tls/client", "alpn", "[\"h2\"]", "tls.client.alpn: not an ECS field"},
      {"/source", "ip", "\"not-an-ip\"", "source.ip: \"not-an-ip\" is not an IP address"},
      {"/source", "port", "\"443\"", "source.port: \"443\" is not an integer"},
      {"/event", "created", "\"yesterday\"", "event.created: \"yesterday\" is not an ISO 8601"},
      {"/event", "kind", "\"weird\"", "event.kind: \"weird\" is not one of the allowed values"},
      {"/event", "type", "[\"creation\"]", "event.type: \"creation\" is not an expected type"},
      {"/event", "category", "\"network\"", "event.category: a single value, ECS says array"},
      {"/tls", "cipher", "[\"TLS_AES_128_GCM_SHA256\"]", "tls.cipher: an array"},
      {"/tls/client", "ja4_x", "\"t13\"", "tls.client.ja4_x: not an ECS field"},
      {"/related", "ip", "[\"10.0.0.1\", \"nope\"]", "related.ip: \"nope\" is not an IP address"},
    };
    for (String[] s : spoiled) {
      com.fasterxml.jackson.databind.node.ObjectNode e = good.deepCopy();
      ((com.fasterxml.jackson.databind.node.ObjectNode) e.at(s[0])).set(s[1], MAPPER.readTree(s[2]));
      List<String> v = ecs.violations(e);
      assertTrue(v.stream().anyMatch(x -> x.startsWith(s[3])), s[3] + " expected in " + v);
    }
    com.fasterxml.jackson.databind.node.ObjectNode noEcs = good.deepCopy();
    noEcs.remove("ecs");
    assertTrue(ecs.violations(noEcs).contains("ecs.version: missing (ECS requires it on every event)"));
    com.fasterxml.jackson.databind.node.ObjectNode own = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) own.get("ja3sensor")).put("anything", 1);
    ((com.fasterxml.jackson.databind.node.ObjectNode) own.at("/tls/client")).put("ja4", "t13d");
    assertEquals(List.of(), ecs.violations(own), "ja3sensor.* and the extensions are accepted");
  }

  @Test
  void sensorAndEventFields() throws Exception {
    Set<String> ids = new HashSet<>();
    for (JsonNode e : ValidatedEvents.flat()) {
      assertEquals(EventJson.ECS_VERSION, e.at("/ecs/version").asText());
      assertEquals("sensor", e.at("/observer/type").asText());
      assertEquals("ja3sensor", e.at("/observer/product").asText());
      assertEquals("ja3sensor", e.at("/observer/vendor").asText());
      assertEquals(BuildInfo.version(), e.at("/observer/version").asText());
      assertFalse(e.at("/observer/hostname").asText().isEmpty(), e.toString());
      assertFalse(e.at("/observer/name").asText().isEmpty(), e.toString());
      assertTrue(ids.add(e.at("/event/id").asText()), "event.id unique: " + e.at("/event/id"));
      if (e.at("/event/kind").asText().equals("metric")) {
        assertEquals("ja3sensor.stats", e.at("/event/dataset").asText());
        assertEquals(1234, e.at("/ja3sensor/stats/packets").asLong());
        continue; // a stats event: no flow
      }
      assertTrue(e.at("/related/ip").size() >= 1);
      assertTrue(e.at("/related/ip").toString().contains(e.at("/source/ip").toString()), e.toString());
      assertTrue(e.at("/related/ip").toString().contains(e.at("/destination/ip").toString()));
      JsonNode sni = e.at("/tls/client/server_name");
      assertEquals(sni.isMissingNode() ? "" : "[" + sni + "]", e.at("/related/hosts").isMissingNode()
          ? "" : e.at("/related/hosts").toString());
      if (!e.at("/tls/server").isMissingNode()) {
        assertTrue(e.at("/ja3sensor/tls/cipher").asText().matches("0x[0-9a-f]{4}"), e.toString());
      }
    }
    assertFalse(BuildInfo.version().equals(BuildInfo.UNKNOWN_VERSION),
        "the Maven version reaches the class path (build.properties)");
    for (JsonNode e : ValidatedEvents.all().get("samples")) {
      assertEquals("schema-test", e.at("/observer/name").asText(), "--sensor-name applies to read");
    }
  }

  @Test
  void cipherNamesFromTheIanaTable() throws Exception {
    assertEquals("TLS_AES_128_GCM_SHA256", CipherSuites.name(0x1301));
    assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", CipherSuites.name(0xc02f));
    assertEquals("TLS_RSA_WITH_RC4_128_SHA", CipherSuites.name(0x0005));
    assertEquals("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", CipherSuites.name(0xcca8));
    assertNull(CipherSuites.name(0x5a5a), "GREASE has no name");
    assertNull(CipherSuites.name(0xff00), "private use has no name");
    assertTrue(CipherSuites.size() > 340, "names: " + CipherSuites.size());
    // Every event with a ServerHello: the name matches the hex, or is absent for an unnamed code.
    int named = 0;
    for (JsonNode e : ValidatedEvents.flat()) {
      String hex = e.at("/ja3sensor/tls/cipher").asText(null);
      if (hex == null) {
        continue;
      }
      String name = CipherSuites.name(Integer.parseInt(hex.substring(2), 16));
      assertEquals(name, e.at("/tls/cipher").asText(null), e.toString());
      named += name != null ? 1 : 0;
    }
    assertTrue(named > 50, "events with a cipher name: " + named);
    // The name of the sample's suite as tshark prints it (an independent table).
    JsonNode e = ValidatedEvents.all().get("samples").stream()
        .filter(x -> x.at("/log/file/path").asText().endsWith("curl-tls12.pcap")).findFirst().get();
    assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", e.at("/tls/cipher").asText());
  }

  @Test
  void versionOptionPrintsTheBuildVersion() {
    CliRun r = CliRun.run("--version");
    assertEquals(0, r.exitCode, r.toString());
    assertEquals("ja3sensor " + BuildInfo.version(), r.out.trim());
    assertTrue(r.out.matches("ja3sensor \\d+\\.\\d+\\.\\d+.*\\s*"), r.out);
  }
}
