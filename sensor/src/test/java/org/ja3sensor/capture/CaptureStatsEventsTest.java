package org.ja3sensor.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ja3sensor.cli.CliRun;
import org.ja3sensor.event.EcsSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capture --stats-events}: the periodic counters go to the event output as ECS metric
 * events, rendered from the same snapshot as the stderr stats line.
 */
class CaptureStatsEventsTest {
  @TempDir Path dir;

  @Test
  void statsEventsGoToTheFileWithTheStderrNumbers() throws Exception {
    NetNs.assumeRootAnd("ip");
    Path f = dir.resolve("events.json");
    CliRun r = CliRun.run("capture", "-i", "lo", "--duration", "2500ms", "--stats-interval", "1s",
        "--stats-events", "--sensor-name", "stats-test", "--output", "file",
        "--output-path", f.toString());
    assertEquals(0, r.exitCode, r.toString());
    ObjectMapper m = new ObjectMapper();
    List<JsonNode> stats = new ArrayList<>();
    for (String line : Files.readAllLines(f)) {
      JsonNode e = m.readTree(line);
      if (e.at("/event/dataset").asText().equals("ja3sensor.stats")) {
        stats.add(e);
      }
    }
    assertTrue(stats.size() >= 3, "two periodic and a final stats event: " + stats.size());
    EcsSchema ecs = EcsSchema.load();
    for (JsonNode e : stats) {
      assertEquals(List.of(), ecs.violations(e), e.toString());
      assertEquals("metric", e.at("/event/kind").asText());
      assertEquals("stats-test", e.at("/observer/name").asText());
      assertEquals("lo", e.at("/observer/ingress/interface/name").asText());
      assertTrue(e.at("/ja3sensor/stats/packets").isIntegralNumber(), e.toString());
      assertTrue(e.at("/ja3sensor/stats/output/written").isIntegralNumber(), e.toString());
    }
    // The last stats event is the final snapshot: the numbers of the "final" line on stderr.
    JsonNode last = stats.get(stats.size() - 1).at("/ja3sensor/stats");
    Matcher fin = Pattern.compile("final (.*)").matcher(r.err);
    assertTrue(fin.find(), r.err);
    for (String kv : fin.group(1).trim().split(" ")) {
      String[] p = kv.split("=");
      assertEquals(Long.parseLong(p[1]), last.at("/" + p[0].replace('.', '/')).asLong(),
          p[0] + " in " + last);
    }
  }
}
