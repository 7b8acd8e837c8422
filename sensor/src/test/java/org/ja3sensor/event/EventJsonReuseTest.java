package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.ja3sensor.tls.ServerHello;
import org.junit.jupiter.api.Test;

/** One EventJson writes event after event with one generator: each line stands alone. */
class EventJsonReuseTest {
  private static TlsEvent event(int port, String serverIp6) {
    return event(port, serverIp6, null);
  }

  private static TlsEvent event(int port, String serverIp6, org.ja3sensor.tls.ClientHello ch) {
    TlsEvent e = new TlsEvent();
    e.clientHello = ch;
    e.timestampNanos = 1_700_000_000_123_456_789L + port;
    e.clientLo = 0x0000_ffff_0a00_0001L;
    e.clientPort = port;
    e.serverLo = serverIp6 == null ? 0x0000_ffff_0a00_0002L : 0x1L;
    e.serverHi = serverIp6 == null ? 0 : 0x2001_0db8_0000_0000L;
    e.serverPort = 443;
    e.trigger = TlsEvent.Trigger.SERVER_HELLO;
    e.serverHello = new ServerHello(0x0303, 0xc02f, 0, new int[] {65281, 11}, 0, "h2", false);
    e.deriveFields();
    return e;
  }

  @Test
  void eachEventIsTheSameLineAFreshWriterGives() throws Exception {
    EventJson reused = new EventJson();
    TlsEvent[] events = {event(1000, null), event(2000, "v6"), event(3000, null)};
    for (int round = 0; round < 3; round++) {
      for (TlsEvent e : events) {
        String line = reused.toJson(e);
        assertEquals(new EventJson().toJson(e), line);
        assertTrue(line.startsWith("{\"@timestamp\":") && line.endsWith("}"), line);
        new ObjectMapper().readTree(line); // one whole JSON object, nothing before or after
      }
    }
  }

  /**
   * The observer fields are generated once per (sensor name, interface) and kept for a few recent
   * pairs: more pairs than are kept, in turn, and a name that needs escaping, still give what a
   * fresh writer gives, with the names of their own event.
   */
  @Test
  void theObserverFieldsAreThoseOfEachEventWhateverThePairs() throws Exception {
    EventJson reused = new EventJson();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 20; i++) {
        TlsEvent e = event(6000 + i, null);
        e.observerName = i % 5 == 0 ? null : "sensor-" + (i % 7) + (i == 3 ? " \"q\"\u00e9" : "");
        e.ingressInterface = i % 4 == 0 ? null : "eth" + (i % 11);
        String line = reused.toJson(e);
        assertEquals(new EventJson().toJson(e), line);
        com.fasterxml.jackson.databind.JsonNode n = new ObjectMapper().readTree(line);
        assertEquals(e.observerName != null ? e.observerName : n.at("/observer/hostname").asText(),
            n.at("/observer/name").asText(), line);
        assertEquals(e.ingressInterface == null, n.at("/observer/ingress").isMissingNode(), line);
        if (e.ingressInterface != null) {
          assertEquals(e.ingressInterface, n.at("/observer/ingress/interface/name").asText());
        }
        assertEquals("ja3sensor.tls", n.at("/event/dataset").asText(), line);
        assertEquals("network", n.at("/event/category/0").asText(), line);
      }
    }
  }

  /**
   * The fingerprint strings' JSON form is kept for the last few strings written, by identity:
   * more distinct hellos than it keeps, each seen again in turn (the memo hands out the same
   * strings for a repeated hello), still give what a fresh writer gives.
   */
  @Test
  void fingerprintFieldsAreThoseOfEachEventWhateverTheHellos() throws Exception {
    EventJson reused = new EventJson();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 100; i++) {
        TlsEvent e = event(7000 + i, null, new org.ja3sensor.tls.ClientHello(0x0303,
            new int[] {0x1301, 0xc02b, i}, new int[] {0}, new int[] {0, 10, 16, 43},
            new int[] {29, 23}, new int[0], "h" + i + ".example", java.util.List.of("h2"),
            new int[] {0x0304}, new int[] {0x0403}, true));
        String line = reused.toJson(e);
        assertEquals(new EventJson().toJson(e), line);
        com.fasterxml.jackson.databind.JsonNode c = new ObjectMapper().readTree(line)
            .at("/tls/client");
        assertEquals(e.ja3String, c.path("ja3_string").asText(), line);
        assertEquals(e.ja3Hash, c.path("ja3").asText(), line);
        assertEquals(e.ja3nString, c.path("ja3n_string").asText(), line);
        assertEquals(e.ja3nHash, c.path("ja3n").asText(), line);
        assertEquals(e.ja4, c.path("ja4").asText(), line);
        assertEquals(e.ja4Raw, c.path("ja4_r").asText(), line);
        assertTrue(e.ja3String.contains("-" + i + ","), e.ja3String);
      }
    }
  }

  @Test
  void utf8BytesAreTheUtf8OfTheCharacterForm() throws Exception {
    // The bytes a character generator and a UTF-8 encoder give (what events were before they
    // went straight to UTF-8): a supplementary character as its four bytes, not as escapes.
    EventJson json = new EventJson();
    TlsEvent e = event(4000, null);
    e.filePath = "/captures/caf\u00e9-\u2713-\uD83D\uDE00.pcap"; // Latin-1, BMP and a surrogate pair
    e.observerName = "sensor \"one\"\n\u0001";
    // The reference: the same content written by Jackson's character generator, then encoded.
    java.io.StringWriter chars = new java.io.StringWriter();
    ObjectMapper mapper = new ObjectMapper();
    mapper.writeTree(new com.fasterxml.jackson.core.JsonFactory().createGenerator(chars),
        mapper.readTree(json.toJsonUtf8(e)));
    byte[] reference = chars.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < 3; i++) {
      byte[] utf8 = json.toJsonUtf8(e);
      org.junit.jupiter.api.Assertions.assertArrayEquals(reference, utf8);
      assertEquals(json.toJson(e), new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          json.toJson(e).getBytes(java.nio.charset.StandardCharsets.UTF_8), utf8);
    }
  }

  @Test
  void aLoneSurrogateIsEscapedNotLost() throws Exception {
    // No decoder of ours makes one (argv and every text field are decoded with replacement); if
    // one came, the UTF-8 form keeps it as an escape, so the line is still valid JSON.
    EventJson json = new EventJson();
    TlsEvent e = event(5000, null);
    e.filePath = "/captures/bad-\uD800-name.pcap";
    byte[] utf8 = json.toJsonUtf8(e);
    assertEquals(e.filePath, new ObjectMapper().readTree(utf8).at("/log/file/path").asText());
    // and the next event is whole
    TlsEvent next = event(5001, null); // one event: one event.id and event.created
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new EventJson().toJsonUtf8(next), json.toJsonUtf8(next));
  }

  @Test
  void aFailingExtensionSpoilsOnlyItsOwnEvent() {
    boolean[] fail = {false};
    EventJson json = new EventJson();
    EventJson.Extension x = new EventJson.Extension() {
      @Override
      public boolean alert() {
        return false;
      }

      @Override
      public void write(JsonWriter g) {
        if (fail[0]) {
          throw new IllegalStateException("extension broke");
        }
        g.string(JsonWriter.name("x"), "y");
      }
    };
    TlsEvent one = event(1, null); // the same event: the same event.id and event.created
    String before = json.toJson(one, x);
    byte[] beforeUtf8 = json.toJsonUtf8(one, x);
    fail[0] = true;
    assertThrows(IllegalStateException.class, () -> json.toJson(event(2, null), x));
    assertThrows(IllegalStateException.class, () -> json.toJsonUtf8(event(2, null), x));
    fail[0] = false;
    assertEquals(before, json.toJson(one, x));
    org.junit.jupiter.api.Assertions.assertArrayEquals(beforeUtf8, json.toJsonUtf8(one, x));
  }
}
