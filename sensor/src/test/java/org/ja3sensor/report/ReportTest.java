package org.ja3sensor.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ja3sensor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read --report}: the page as a user sees it. Headless Chromium loads it from a file URL
 * (no network, a fresh profile) and the DOM it ends with (after the page's script ran) is checked
 * against the events {@code read} wrote; a capture with a hostile SNI must neither run script nor
 * break the page.
 */
class ReportTest {
  @TempDir Path tmp;

  static Path repo() {
    return Path.of(System.getProperty("ja3sensor.repoRoot", ".")).toAbsolutePath().normalize();
  }

  /** The DOM after load, as headless Chromium serialises it; skipped without chromium. */
  static String dumpDom(Path html, Path tmp) throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    assumeTrue(Files.isExecutable(chromium), "needs the Debian package chromium");
    Path profile = Files.createTempDirectory(tmp, "chromium-profile");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--dump-dom", html.toUri().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
    String dom = new String(out, StandardCharsets.UTF_8);
    assertTrue(dom.contains("</html>"), "a DOM came back: " + dom);
    return dom;
  }

  static String byId(String dom, String id) {
    Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(dom);
    assertTrue(m.find(), "element #" + id + " in the page");
    return m.group(1);
  }

  static int count(String dom, String regex) {
    Matcher m = Pattern.compile(regex).matcher(dom);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void theNumbersOfThePageAreThoseOfTheEvents() throws Exception {
    List<String> args = new ArrayList<>(List.of("read", "--no-progress"));
    Path db = Files.createDirectory(tmp.resolve("db"));
    Files.writeString(db.resolve("local.csv"),
        "id,type,value,label,category,disposition,confidence\n"
            + "local:hrr,ja3,a3afc2c46ba4a7d7fbe1cfb7a3031c2f,Test client,c2,alert,90\n");
    // its local JA3 entries are library defaults (curl, OpenSSL): let bare hashes alert
    args.addAll(List.of("--db-extra", db.toString(), "--library-collisions", "alert"));
    Path page = tmp.resolve("report.html");
    args.addAll(List.of("--report", page.toString()));
    try (Stream<Path> s = Files.list(repo().resolve("samples"))) {
      s.filter(p -> p.toString().endsWith(".pcap")).sorted().forEach(p -> args.add(p.toString()));
    }
    CliRun r = CliRun.run(args.toArray(String[]::new));
    assertEquals(0, r.exitCode, r.toString());
    List<JsonNode> events = r.events();
    long alerts = events.stream().filter(e -> e.at("/event/kind").asText().equals("alert")).count();
    assertTrue(alerts > 0, "the local entry made alerts");
    Set<String> ja3 = new HashSet<>();
    // One row per client fingerprint: JA4 when the event has one (it survives Chrome's extension
    // shuffling), else JA3.
    events.forEach(e -> ja3.add(e.at("/tls/client/ja4").isTextual()
        ? "ja4:" + e.at("/tls/client/ja4").asText() : e.at("/tls/client/ja3").asText(null)));
    ja3.remove(null);
    long withJa3 = events.stream().filter(e -> e.at("/tls/client/ja3").isTextual()).count();
    Matcher packets = Pattern.compile("packets +(\\d+)").matcher(r.err);
    assertTrue(packets.find(), r.err);

    String dom = dumpDom(page, tmp);
    assertTrue(dom.contains("data-ready=\"1\""), "the page's own script ran (CSP hash right)");
    assertEquals(Long.toString(events.size()), byId(dom, "glance-handshakes"));
    assertEquals(Long.toString(alerts), byId(dom, "glance-alerts"));
    assertEquals(Long.toString(alerts), byId(dom, "alerts-count"));
    assertEquals(packets.group(1), byId(dom, "glance-packets"));
    assertEquals(Integer.toString(ja3.size()), byId(dom, "fp-count"));
    assertEquals(Integer.toString(ja3.size()), byId(dom, "glance-fingerprints"));
    assertEquals(alerts, count(dom, "<tr class=\"alert\"><td class=\"mono\">"), "alert rows");
    long conns = 0;
    Matcher c = Pattern.compile("class=\"num conn\" data-v=\"(\\d+)\"").matcher(dom);
    int rows = 0;
    while (c.find()) {
      conns += Long.parseLong(c.group(1));
      rows++;
    }
    assertEquals(ja3.size(), rows, "one row per client fingerprint");
    assertEquals(withJa3, conns, "connections add up to the events with a JA3");
    long drawn = 0;
    Matcher hs = Pattern.compile("class=\"hs\"[^>]*data-count=\"(\\d+)\"").matcher(dom);
    while (hs.find()) {
      drawn += Long.parseLong(hs.group(1));
    }
    assertEquals(events.size(), drawn, "the timeline draws every handshake");
    assertTrue(dom.contains("Test client"), "the alert's rule is shown");
    assertEquals(0, count(dom, "(?i)<(link|img|iframe|object)\\b"), "nothing fetched");
  }

  @Test
  void aHostileSniNeitherRunsNorBreaksThePage() throws Exception {
    String sni = "<script>document.title='pwned'</script><img src=x onerror=\""
        + "document.body.setAttribute('data-pwned','1')\">'\"\u0001\u0007\u001b</td></table>";
    Path pcap = tmp.resolve("hostile.pcap");
    Files.write(pcap, captureWithClientHello(sni.getBytes(StandardCharsets.ISO_8859_1)));
    Path page = tmp.resolve("hostile.html");
    CliRun r = CliRun.run("read", "-q", "--report", page.toString(), pcap.toString());
    assertEquals(0, r.exitCode, r.toString());
    assertEquals(1, r.events().size(), r.out);
    assertEquals(sni, r.events().get(0).at("/tls/client/server_name").asText(), "SNI as sent");

    String dom = dumpDom(page, tmp);
    assertTrue(dom.contains("data-ready=\"1\""), "the page's script still ran: page not broken");
    assertFalse(dom.contains("data-pwned=\"1\""), "the SNI's event handler did not run");
    assertTrue(dom.contains("<title>ja3sensor report</title>"), "title untouched");
    assertEquals(1, count(dom, "<script"), "only the page's own script element");
    assertEquals(0, count(dom, "<img"), "the SNI's img is text, not an element");
    assertTrue(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "shown as text");
    assertTrue(dom.contains("\\x01\\x07\\x1b"), "control characters shown visibly");
    assertEquals("1", byId(dom, "fp-count"));
    assertEquals(1, count(dom, "class=\"num conn\""), "the table still has its one row");
    assertTrue(dom.contains("id=\"silence-table\""), "the sections after it are there");
  }

  @Test
  void anUnwritableReportIsOneLineAndNothingIsRead() throws Exception {
    Path bad = tmp.resolve("no-such-dir/report.html");
    String sample = repo().resolve("samples/curl-multi.pcap").toString();
    CliRun r = CliRun.run("read", "--report", bad.toString(), sample);
    assertEquals(2, r.exitCode, r.toString());
    assertEquals("ja3sensor: --report " + bad + ": no such directory\n", r.err);
    assertEquals("", r.out, "no event: nothing was read");
    CliRun dir = CliRun.run("read", "--report", tmp.toString(), sample);
    assertEquals(2, dir.exitCode, dir.toString());
    assertEquals("ja3sensor: --report " + tmp + ": is a directory, expected a file\n", dir.err);
  }

  @Test
  void escapingOfEveryMarkupCharacter() {
    assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;\\x00\\x7f\\x85\uFFFD",
        ReportWriter.esc("<a href=\"x\" title='y'>&\u0000\u007f\u0085\uD800"));
    assertEquals("caf\u00e9 \uD83D\uDE00", ReportWriter.esc("caf\u00e9 \uD83D\uDE00"));
  }

  // --- a capture with one ClientHello: Ethernet, IPv4, TCP, written here byte by byte ---

  static byte[] captureWithClientHello(byte[] sni) throws IOException {
    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    int nameLen = sni.length;
    ext.write(new byte[] {0, 0, (byte) ((nameLen + 5) >> 8), (byte) (nameLen + 5),
        (byte) ((nameLen + 3) >> 8), (byte) (nameLen + 3), 0, (byte) (nameLen >> 8),
        (byte) nameLen});
    ext.write(sni);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(new byte[] {3, 3});
    body.write(new byte[32]); // random
    body.write(0); // session id
    body.write(new byte[] {0, 2, 0x13, 0x01}); // one cipher suite
    body.write(new byte[] {1, 0}); // null compression
    byte[] e = ext.toByteArray();
    body.write(new byte[] {(byte) (e.length >> 8), (byte) e.length});
    body.write(e);
    byte[] b = body.toByteArray();
    ByteArrayOutputStream rec = new ByteArrayOutputStream();
    rec.write(new byte[] {0x16, 3, 1, (byte) ((b.length + 4) >> 8), (byte) (b.length + 4),
        1, 0, (byte) (b.length >> 8), (byte) b.length});
    rec.write(b);
    byte[] payload = rec.toByteArray();

    ByteBuffer f = ByteBuffer.allocate(14 + 20 + 20 + payload.length);
    f.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0}); // Ethernet, IPv4
    f.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putShort((short) 1)
        .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0)
        .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
    f.putShort((short) 40000).putShort((short) 443).putInt(1000).putInt(0)
        .put((byte) 0x50).put((byte) 0x18).putShort((short) 65535).putShort((short) 0)
        .putShort((short) 0);
    f.put(payload);
    byte[] frame = f.array();

    ByteBuffer pcap = ByteBuffer.allocate(24 + 16 + frame.length).order(ByteOrder.LITTLE_ENDIAN);
    pcap.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
        .putInt(65535).putInt(1);
    pcap.putInt(1_700_000_000).putInt(0).putInt(frame.length).putInt(frame.length);
    pcap.put(frame);
    return pcap.array();
  }
}
