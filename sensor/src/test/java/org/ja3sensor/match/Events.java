package org.ja3sensor.match;

import java.time.Instant;
import java.util.List;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/** Builds TlsEvents for matcher tests. */
final class Events {
  private Events() {}

  static final String CLIENT_IP = "192.0.2.10";
  static final String SERVER_IP = "198.51.100.20";

  /** A TLS 1.2 handshake with AES-GCM suites (no policy flag), optional fingerprints and SNI. */
  static TlsEvent event(String ja3, String ja3s, String sni) {
    TlsEvent e = new TlsEvent();
    e.timestampNanos = Instant.parse("2024-06-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    e.clientIp = CLIENT_IP;
    e.clientPort = 50000;
    e.serverIp = SERVER_IP;
    e.serverPort = 443;
    e.trigger = TlsEvent.Trigger.SERVER_HELLO;
    e.communityId = "1:test";
    e.clientHello = hello(0x0303, new int[] {0xc02f, 0xc030}, new int[0], sni);
    e.ja3Hash = ja3;
    e.ja3String = ja3 == null ? null : "771,49199-49200,,,";
    if (ja3s != null) {
      e.serverHello = new ServerHello(0x0303, 0xc02f, 0, new int[0], 0, null, false);
      e.ja3sHash = ja3s;
      e.ja3sString = "771,49199,";
    }
    return e;
  }

  static ClientHello hello(int legacy, int[] suites, int[] supportedVersions, String sni) {
    return new ClientHello(legacy, suites, new int[] {0}, new int[0], new int[0], new int[0], sni,
        List.of(), supportedVersions, new int[0], true);
  }

  static Matcher matcher(Entry... entries) {
    return new Matcher(DatabaseHolder.of(EntryBuilder.snapshot("testversion1", List.of(entries))));
  }

  static EntryBuilder alert(String id, EntryType type, String value, int confidence) {
    return new EntryBuilder(id, type, value)
        .label(id)
        .category(Category.MALWARE)
        .disposition(Disposition.ALERT)
        .confidence(confidence)
        .source("test");
  }

  static EntryBuilder info(String id, EntryType type, String value, Category c) {
    return new EntryBuilder(id, type, value)
        .label(id)
        .category(c)
        .disposition(Disposition.INFO)
        .confidence(50)
        .source("test");
  }

  static EntryBuilder allow(String id, EntryType type, String value) {
    return new EntryBuilder(id, type, value)
        .label(id)
        .category(Category.APPLICATION)
        .disposition(Disposition.ALLOW)
        .confidence(80)
        .source("local");
  }

  static Enrichment find(MatchResult e, String id) {
    for (Enrichment x : e.enrichments) {
      if (x.entry().id().equals(id)) {
        return x;
      }
    }
    return null;
  }
}
