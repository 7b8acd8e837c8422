package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code tls.established}: {@code false} exactly for a TCP handshake whose connection ended
 * before the server's hello (docs/events.md), absent otherwise, never {@code true}.
 */
class EstablishedFieldTest {
  @Test
  void falseOnlyWhenTheConnectionEndedBeforeTheServerHello() {
    int refused = 0;
    int answered = 0;
    for (String sample : List.of("openssl-alert.pcap", "curl-tls12.pcap", "curl-tls13.pcap",
        "openssl-hrr.pcap", "chromium.pcap", "quic/netty-quic.pcap")) {
      CliRun r = CliRun.run("read", ReadCommandTest.sample(sample).toString());
      assertEquals(0, r.exitCode, r.err);
      for (JsonNode e : r.events()) {
        JsonNode est = e.path("tls").get("established");
        String trigger = CliRun.text(e, "ja3sensor.trigger");
        boolean serverHello = e.path("tls").has("server");
        boolean ended = "flow_closed".equals(trigger) || "flow_reused".equals(trigger);
        boolean tcp = "tcp".equals(CliRun.text(e, "network.transport"));
        if (!serverHello && ended && tcp) {
          assertTrue(est != null && est.isBoolean() && !est.asBoolean(), sample + ": " + e);
          refused++;
        } else {
          assertTrue(est == null, sample + ": " + e);
          answered++;
        }
      }
    }
    assertEquals(1, refused, "openssl-alert.pcap holds one refused handshake");
    assertTrue(answered >= 5, "answered handshakes seen: " + answered);
  }
}
