package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.cert.CertificateMessage;
import org.ja3sensor.cert.ServerCertificates;
import org.ja3sensor.core.Counters;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.db.importer.ImportException;
import org.ja3sensor.db.importer.ImportFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSLBL certificate list importer on the shared excerpt of abuse.ch's sslblacklist.csv and on
 * malformed variants of it, and certificate SHA-1 entries in the matcher.
 */
class SslblCertificateImporterTest {
  @TempDir Path tmp;

  private Path excerpt() {
    return Sources.dir().resolve("abuse.ch-sslbl/sslblacklist-excerpt.csv");
  }

  private static List<Entry> read(Path p, List<String> warnings) throws Exception {
    return ImportFormat.SSLBL_CERTS.read(List.of(p), List.of(), warnings);
  }

  @Test
  void theExcerpt() throws Exception {
    List<String> warnings = new ArrayList<>();
    List<Entry> es = read(excerpt(), warnings);
    assertEquals(List.of(), warnings);
    // The excerpt's rows as the sources README quotes them: 8 rows, 4 families.
    assertEquals(8, es.size());
    Entry first = es.get(0);
    assertEquals("sslbl-cert:4da14224452c1fe61f46b1112c43ecfd9f322c82", first.id());
    assertEquals(EntryType.CERT_SHA1, first.type());
    assertEquals(List.of("4da14224452c1fe61f46b1112c43ecfd9f322c82"), first.values());
    assertEquals("Rhadamanthys C&C", first.label());
    assertEquals(Category.C2, first.category());
    assertEquals(Disposition.ALERT, first.disposition());
    assertEquals("2024-09-02T06:17:52Z", first.firstSeen());
    assertEquals("2024-09-02T06:17:52Z", first.lastSeen()); // the banner's "Last updated"
    assertEquals("CC0-1.0", first.licence());
    assertEquals(
        List.of("Rhadamanthys C&C", "Rhadamanthys C&C", "DCRat C&C", "AsyncRAT C&C",
            "CobaltStrike C&C", "DarkGate C&C", "Rhadamanthys C&C", "Rhadamanthys C&C"),
        es.stream().map(Entry::label).toList());
    assertEquals("2024-08-29T09:01:33Z", es.get(7).firstSeen());
  }

  private Path variant(String name, java.util.function.UnaryOperator<List<String>> edit)
      throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(excerpt()));
    Path p = tmp.resolve(name);
    Files.write(p, edit.apply(lines));
    return p;
  }

  private void refused(Path p, String... messageParts) {
    ImportException e = assertThrows(ImportException.class, () -> read(p, new ArrayList<>()));
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    for (String part : messageParts) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
  }

  @Test
  void malformedVariantsAreRefusedWithFileAndLine() throws Exception {
    refused(variant("noheader.csv", l -> { l.removeIf(s -> s.contains("Listingdate")); return l; }),
        "Listingdate,SHA1,Listingreason");
    refused(variant("html.csv", l -> List.of("<html><body>Rate limited</body></html>")),
        "html.csv:1", "header");
    refused(variant("empty.csv", l -> List.of()), "header");
    refused(variant("badsha1.csv", l -> { l.set(9, l.get(9).replace(",4da1", ",zzz1")); return l; }),
        ":10:", "SHA1", "40 hex digits");
    refused(variant("shortsha1.csv", l -> { l.set(10, l.get(10).replace("de5a2,", ",")); return l; }),
        ":11:", "SHA1");
    refused(variant("baddate.csv", l -> { l.set(11, l.get(11).replace("2024-09-02 05", "02/09/2024 05")); return l; }),
        ":12:", "Listingdate");
    refused(variant("twofields.csv", l -> { l.add("2024-08-29 09:01:33,fb0e13607d045047c29ab44941f450950a349dd7"); return l; }),
        ":18:", "2 fields");
    refused(variant("noreason.csv", l -> { l.add("2024-08-29 09:01:33,fb0e13607d045047c29ab44941f450950a349dd8,"); return l; }),
        ":18:", "Listingreason");
    refused(variant("trailer.csv", l -> { l.add("# END (9) entries"); return l; }),
        "8 rows but the trailer says 9");
  }

  @Test
  void duplicateIsAWarningAndTheNewestRowIsKept() throws Exception {
    Path p = variant("dup.csv", l -> {
      l.add("2020-01-01 00:00:00,4DA14224452C1FE61F46B1112C43ECFD9F322C82,Old family C&C");
      l.add("# END (9) entries");
      return l;
    });
    List<String> warnings = new ArrayList<>();
    List<Entry> es = read(p, warnings);
    assertEquals(8, es.size());
    assertEquals("Rhadamanthys C&C", es.get(0).label());
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("dup.csv:18") && warnings.get(0).contains("4da14224"),
        warnings.get(0));
  }

  @Test
  void aCertificateOnTheListRaisesAnAlertWithTheFamily() throws Exception {
    byte[] certificate = "not even DER: hashes do not need a parse".getBytes();
    byte[] body = new byte[6 + certificate.length];
    body[2] = (byte) (3 + certificate.length);
    body[5] = (byte) certificate.length;
    System.arraycopy(certificate, 0, body, 6, certificate.length);
    ServerCertificates chain = CertificateMessage.split(body, 0, body.length, true, new Counters());
    String sha1 = chain.leaf().sha1();
    Entry c2 = new EntryBuilder("sslbl-cert:x", EntryType.CERT_SHA1, sha1)
        .label("DarkGate C&C").category(Category.C2).disposition(Disposition.ALERT)
        .confidence(80).source("abuse.ch-sslbl").build();
    Matcher m = Events.matcher(c2);
    TlsEvent e = Events.event("e7d705a3286e19ea42f587b344ee6865", "ae4edc6faf64d08308082ad26be60767",
        "c2.example");
    e.serverCertificates = chain;
    MatchResult r = m.match(e);
    assertTrue(r.alert);
    assertEquals("DarkGate C&C", r.verdict.rule().entry().label());
    assertEquals(sha1, r.enrichments.get(0).atomic()); // upper case, as tls.server.hash.sha1
    assertEquals("tls.server.hash.sha1", r.enrichments.get(0).entry().type().field);

    TlsEvent other = Events.event("e7d705a3286e19ea42f587b344ee6865", null, null);
    other.serverCertificates = ServerCertificates.ofLeafSha1("00".repeat(20));
    assertEquals(false, m.match(other).alert);
  }

  @Test
  void theShippedSeedMatchesByLeafSha1() throws Exception {
    List<Entry> es = read(excerpt(), new ArrayList<>());
    Matcher m = new Matcher(DatabaseHolder.of(EntryBuilder.snapshot("seed", es)));
    TlsEvent e = Events.event(null, "ae4edc6faf64d08308082ad26be60767", null);
    e.serverCertificates = ServerCertificates.ofLeafSha1("6BEF207908BFAD6B19580067CE770BC820D3D2EF");
    MatchResult r = m.match(e);
    assertTrue(r.alert);
    assertEquals("CobaltStrike C&C", r.verdict.rule().entry().label());
    Snapshot s = EntryBuilder.snapshot("seed", es);
    assertEquals(1, s.find("6B:EF:20:79:08:BF:AD:6B:19:58:00:67:CE:77:0B:C8:20:D3:D2:EF").size());
    assertEquals(1, s.find("6BEF207908BFAD6B19580067CE770BC820D3D2EF").size());
  }
}
