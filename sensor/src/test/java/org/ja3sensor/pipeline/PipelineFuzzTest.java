package org.ja3sensor.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.core.Counters;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.fingerprint.FingerprintInvariants;
import org.ja3sensor.source.CaptureFiles;
import org.ja3sensor.source.PacketSource;
import org.ja3sensor.source.SourceException;

/**
 * Coverage-guided fuzz target (Jazzer) for what {@code read} does with a capture file: file
 * reader, decoder, flow table, reassembly, TLS and the event JSON, under small bounds (8 flows,
 * 4 KiB per direction, a 12 KiB memory cap) so the fuzzer reaches them. Saved inputs: {@code
 * src/test/resources/org/ja3sensor/pipeline/PipelineFuzzTestInputs/read/}.
 *
 * <p>Invariants: after every packet the bytes buffered stay within the memory cap; after the
 * input ends no flow and no buffered byte is left; every event has a hello, its fingerprints are
 * well formed and its JSON is one line that parses as an object; the counters agree with the
 * events and hellos seen.
 */
class PipelineFuzzTest {
  private static final long MEMCAP = 12 * 1024;
  private static final PipelineConfig CONFIG =
      new PipelineConfig(8, 60_000_000_000L, 4096, MEMCAP, 512, 8);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final EventJson JSON = new EventJson();

  @FuzzTest(maxDuration = "10s")
  void read(byte[] data) throws IOException {
    Counters counters = new Counters();
    List<TlsEvent> events = new ArrayList<>();
    Pipeline pipeline = new Pipeline(CONFIG, counters, events::add);
    pipeline.setContext("fuzz.pcap", "fuzz", null);
    PacketSource src;
    try {
      src = CaptureFiles.open("fuzz.pcap", new ByteArrayInputStream(data), counters);
    } catch (SourceException e) {
      return; // the file header: CaptureFileFuzzTest checks the message
    }
    try (src) {
      src.run(
          (linkType, tsNanos, buf, off, capLen, origLen, ifIndex) -> {
            pipeline.onPacket(linkType, tsNanos, buf, off, capLen, origLen, ifIndex);
            long cap = MEMCAP + Pipeline.quicMemcap(CONFIG); // TCP's memcap, QUIC's beside it
            assertTrue(pipeline.bufferedBytes() <= cap,
                "buffered " + pipeline.bufferedBytes() + " above the cap " + cap);
            // TCP flows and QUIC flows, each in a table of its own of maxFlows.
            assertTrue(pipeline.activeFlows() <= 2 * CONFIG.maxFlows());
          });
    } catch (SourceException e) {
      // a damaged record: the frames before it were delivered, as read does
    }
    pipeline.finish();
    assertEquals(0, pipeline.activeFlows(), "flows left after finish");
    assertEquals(0, pipeline.bufferedBytes(), "bytes left after finish");
    assertEquals(events.size(), counters.events);
    int withClientHello = 0;
    int withServerHello = 0;
    for (TlsEvent e : events) {
      assertTrue(e.clientHello != null || e.serverHello != null || e.sslv2ClientHello,
          "an event without a hello");
      if (e.clientHello != null) {
        withClientHello++;
        FingerprintInvariants.checkClientHello(e.clientHello);
      }
      if (e.serverHello != null) {
        withServerHello++;
        FingerprintInvariants.checkServerHello(e.serverHello);
      }
      String line = new String(JSON.toJsonUtf8(e), StandardCharsets.UTF_8);
      assertFalse(line.contains("\n"), "an event of several lines: " + line);
      JsonNode node = MAPPER.readTree(line);
      assertTrue(node.isObject(), line);
    }
    assertTrue(withClientHello <= counters.clientHellos, "events with a ClientHello not parsed");
    assertTrue(withServerHello <= counters.serverHellos, "events with a ServerHello not parsed");
  }
}
