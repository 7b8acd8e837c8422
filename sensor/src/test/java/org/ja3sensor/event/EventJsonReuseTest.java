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
    TlsEvent e = new TlsEvent();
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

  @Test
  void aFailingExtensionSpoilsOnlyItsOwnEvent() {
    boolean[] fail = {false};
    EventJson json = new EventJson().addExtension((e, g) -> {
      if (fail[0]) {
        throw new IllegalStateException("extension broke");
      }
      g.writeStringField("x", "y");
    });
    String before = json.toJson(event(1, null));
    fail[0] = true;
    assertThrows(IllegalStateException.class, () -> json.toJson(event(2, null)));
    fail[0] = false;
    String after = json.toJson(event(1, null));
    assertEquals(before, after);
  }
}
