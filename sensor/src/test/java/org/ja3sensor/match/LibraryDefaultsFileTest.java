package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.Tshark;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DatabaseLoader;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.Snapshot;
import org.junit.jupiter.api.Test;

/**
 * fingerprints/81-library-defaults.csv is what its captures (samples/libraries/) say: each JA3
 * entry equals the JA3 tshark computes for the first ClientHello of the capture the entry names
 * (the reference, not ja3sensor's own output), and every capture but Chromium's has its JA3.
 */
class LibraryDefaultsFileTest {
  @Test
  void ja3EntriesAreTsharksJa3OfTheirCaptures() throws Exception {
    assumeTrue(Tshark.available(), "tshark not installed");
    Path repo = Sources.repoRoot();
    Snapshot s = DatabaseLoader.load(List.of(repo.resolve("fingerprints/81-library-defaults.csv")));
    Map<String, String> ja3ByCapture = new TreeMap<>();
    for (Entry e : s.entries()) {
      assertEquals(Category.LIBRARY, e.category(), e.id());
      assertEquals(Disposition.INFO, e.disposition(), e.id());
      if (e.type() == EntryType.JA3) {
        ja3ByCapture.put(e.reference(), e.values().get(0));
      }
    }
    List<Path> pcaps;
    try (var l = Files.list(repo.resolve("samples/libraries"))) {
      pcaps = l.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
    }
    assertTrue(pcaps.size() >= 16, pcaps.toString());
    int checked = 0;
    for (Map.Entry<String, String> m : ja3ByCapture.entrySet()) {
      Path pcap = repo.resolve(m.getKey());
      assertEquals(m.getValue(), tsharkJa3(pcap), pcap.toString());
      checked++;
    }
    // one JA3 per capture, except Chromium's (permuted extensions) and captures sharing one
    assertTrue(checked >= 12, ja3ByCapture.toString());
  }

  private static String tsharkJa3(Path pcap) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-Y",
        "tls.handshake.type==1", "-T", "fields", "-e", "tls.handshake.ja3"));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "tshark on " + pcap);
    return out.lines().findFirst().orElse("").trim();
  }
}
