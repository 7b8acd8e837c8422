package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The JA4/JA3N event fields of {@code read}: present on every event with a ClientHello, each hash
 * consistent with its text (checked here with the JDK's digests, not our code), JA3N the JA3
 * string with its extensions sorted, and the original-order forms only with --ja4-original.
 */
class Ja4EventFieldsTest {

  static String digest(String alg, String s, int hexChars) throws Exception {
    byte[] d = MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.ISO_8859_1));
    return HexFormat.of().formatHex(d).substring(0, hexChars);
  }

  /** JA4 from its raw text: a, then sha256[0:12] of part b and of the rest (or twelve zeros). */
  static String ja4FromRaw(String raw) throws Exception {
    String[] p = raw.split("_", 3);
    String c = p[2];
    String b = p[1].isEmpty() ? "000000000000" : digest("SHA-256", p[1], 12);
    String cHash = c.isEmpty() || c.startsWith("_") ? "000000000000" : digest("SHA-256", c, 12);
    return p[0] + "_" + b + "_" + cHash;
  }

  @Test
  void everyHelloEventCarriesJa4AndJa3n() throws Exception {
    int checked = 0;
    for (String sample : List.of("chromium.pcap", "curl-multi.pcap", "openssl-hrr.pcap",
        "openssl-alert.pcap", "java-httpclient.pcap")) {
      CliRun r = CliRun.run("read", ReadCommandTest.sample(sample).toString());
      assertEquals(0, r.exitCode, r.err);
      for (JsonNode e : r.events()) {
        String ja3s = CliRun.text(e, "tls.client.ja3_string");
        assertNotNull(ja3s, sample);
        String[] f = ja3s.split(",", -1);
        String sortedExts = f[2].isEmpty() ? "" : Arrays.stream(f[2].split("-"))
            .mapToInt(Integer::parseInt).sorted().mapToObj(Integer::toString)
            .collect(Collectors.joining("-"));
        String ja3n = f[0] + "," + f[1] + "," + sortedExts + "," + f[3] + "," + f[4];
        assertEquals(ja3n, CliRun.text(e, "tls.client.ja3n_string"), sample);
        assertEquals(digest("MD5", ja3n, 32), CliRun.text(e, "tls.client.ja3n"), sample);
        String raw = CliRun.text(e, "tls.client.ja4_r");
        assertTrue(raw.startsWith("t"), raw);
        assertEquals(ja4FromRaw(raw), CliRun.text(e, "tls.client.ja4"), sample);
        assertNull(CliRun.text(e, "tls.client.ja4_o"));
        assertNull(CliRun.text(e, "tls.client.ja4_ro"));
        checked++;
      }
    }
    assertEquals(6 + 4 + 1 + 1 + 1, checked);
  }

  @Test
  void originalFormsOnlyWithTheOption() throws Exception {
    CliRun r = CliRun.run("read", "--ja4-original",
        ReadCommandTest.sample("chromium.pcap").toString());
    assertEquals(0, r.exitCode, r.err);
    assertEquals(6, r.events().size());
    for (JsonNode e : r.events()) {
      String ro = CliRun.text(e, "tls.client.ja4_ro");
      String o = CliRun.text(e, "tls.client.ja4_o");
      assertEquals(ja4FromRaw(ro), o);
      // The same lists as ja4_r, in wire order, SNI (0000) and ALPN (0010) kept.
      String[] sorted = CliRun.text(e, "tls.client.ja4_r").split("_");
      String[] orig = ro.split("_");
      assertEquals(sorted[0], orig[0]);
      assertEquals(sortedList(sorted[1]), sortedList(orig[1]));
      List<String> extsO = Arrays.asList(orig[2].split(","));
      assertTrue(extsO.contains("0010"), ro); // chromium.pcap: ALPN h2, no SNI (an IP address)
      assertEquals(orig[0].charAt(3) == 'd', extsO.contains("0000"), ro);
      String withoutSniAlpn = extsO.stream().filter(x -> !x.equals("0000") && !x.equals("0010"))
          .sorted().collect(Collectors.joining(","));
      assertEquals(sorted[2], withoutSniAlpn);
      assertEquals(sorted[3], orig[3]);
    }
  }

  static String sortedList(String s) {
    return Arrays.stream(s.split(",")).sorted().collect(Collectors.joining(","));
  }
}
