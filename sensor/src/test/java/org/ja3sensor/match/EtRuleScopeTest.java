package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.HomeNet;
import org.ja3sensor.db.importer.ImportFormat;
import org.ja3sensor.event.TlsEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ET importer keeps each rule's constraints (direction between $HOME_NET and $EXTERNAL_NET,
 * ports, tls.sni contents) as the entry's scope, and the matcher applies them: real rule lines
 * from ET Open's emerging-ja3.rules (2024-04), and variants of them that the database cannot
 * express.
 */
class EtRuleScopeTest {
  /** ET Open sid 2035359, as shipped: AnchorMail's C2 speaks SMTPS/IMAPS. */
  static final String ANCHORMAIL =
      "alert tls $HOME_NET any -> $EXTERNAL_NET [465,993] (msg:\"ET JA3 HASH - Possible"
          + " AnchorMail CnC Traffic\"; flow:established,to_server; ja3.hash;"
          + " content:\"c216e752cae6f8755fd27f561d031636\"; reference:url,securityintelligence.com"
          + "/posts/new-malware-trickbot-anchordns-backdoor-upgrades-anchormail/;"
          + " reference:md5,139e70aa7f26f998c1058c270a51783d; classtype:command-and-control;"
          + " sid:2035359; rev:1; metadata:affected_product"
          + " Windows_XP_Vista_7_8_10_Server_32_64_Bit, attack_target Client_Endpoint, created_at"
          + " 2022_03_01, deployment Perimeter, former_category JA3, confidence Low,"
          + " signature_severity Major, updated_at 2022_03_01;)";
  static final String ANCHORMAIL_JA3 = "c216e752cae6f8755fd27f561d031636";

  /** ET Open sids 2033047 (set, with tls.sni exclusions) and 2033055 (isset, JA3S). */
  static final String RCLONE_SET =
      "alert tls $HOME_NET any -> $EXTERNAL_NET any (msg:\"ET JA3 HASH - Possible Rclone Client"
          + " Activity\"; flow:established,to_server; flowbits:set,ET.rclone; flowbits:noalert;"
          + " ja3.hash; content:\"d0ee3237a14bbd89ca4d2b5356ab20ba\"; tls.sni;"
          + " content:!\"grafana.com\"; content:!\"grafana.org\"; content:!\"grafana.net\";"
          + " content:!\"-autoscaling.googleapis.com\";"
          + " reference:url,twitter.com/NCCGroupInfosec/status/1398137873954652163;"
          + " classtype:bad-unknown; sid:2033047; rev:3; metadata:created_at 2021_05_28,"
          + " former_category JA3, confidence Low, updated_at 2023_06_06, reviewed_at"
          + " 2024_02_09;)";
  static final String RCLONE_RESPONSE =
      "alert tls $EXTERNAL_NET any -> $HOME_NET any (msg:\"ET JA3 HASH - Possible Rclone Client"
          + " Response (Mega Storage)\"; flowbits:isset,ET.rclone; ja3s.hash;"
          + " content:\"eb1d94daa7e0344597e756a1fb6e7054\";"
          + " reference:url,twitter.com/NCCGroupInfosec/status/1398137873954652163;"
          + " classtype:bad-unknown; sid:2033055; rev:1; metadata:created_at 2021_05_28,"
          + " former_category JA3, confidence Low, updated_at 2021_05_28;)";

  @TempDir Path dir;

  private List<Entry> importRules(List<String> skipped, String... lines) throws Exception {
    Path f = dir.resolve("emerging-ja3.rules");
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return ImportFormat.ET_RULES.read(List.of(f), List.of(), new ArrayList<>(), skipped);
  }

  private static TlsEvent flow(String clientIp, String serverIp, int serverPort, String ja3,
      String ja3s, String sni) {
    TlsEvent e = Events.event(ja3, ja3s, sni);
    e.clientIp = clientIp;
    e.serverIp = serverIp;
    e.serverPort = serverPort;
    return e;
  }

  private static Matcher matcher(List<Entry> es) {
    return new Matcher(DatabaseHolder.of(EntryBuilder.snapshot("t", es)),
        Matcher.DEFAULT_MIN_ALERT_SCORE, false, HomeNet.defaults(),
        Matcher.LibraryCollisions.DEMOTE);
  }

  @Test
  void anchorMailKeepsItsPortsAndDirection() throws Exception {
    List<String> skipped = new ArrayList<>();
    List<Entry> es = importRules(skipped, ANCHORMAIL);
    assertEquals(List.of(), skipped);
    assertEquals(1, es.size());
    Entry e = es.get(0);
    assertEquals(EntryType.JA3, e.type());
    assertEquals(Disposition.ALERT, e.disposition());
    assertEquals("465|993", e.scopeDestinationPort().toString());
    assertTrue(e.scopeSourcePort().isAny());
    assertEquals("[$HOME_NET]", e.scopeSource().toString());
    assertEquals("[$EXTERNAL_NET]", e.scopeDestination().toString());

    Matcher m = matcher(es);
    // The OpenSSL client of the issue: same JA3, to an HTTPS server: no match at all
    MatchResult https = m.match(flow("10.1.2.3", "203.0.113.5", 443, ANCHORMAIL_JA3, null, null));
    assertTrue(https.enrichments.isEmpty(), "port 443 is outside the rule's scope");
    // To IMAPS outside: the rule's own case
    MatchResult imaps = m.match(flow("10.1.2.3", "203.0.113.5", 993, ANCHORMAIL_JA3, null, null));
    assertTrue(imaps.alert);
    assertEquals("et:2035359", imaps.verdict.rule().entry().id());
    assertTrue(imaps.verdict.rule().corroborated(), "a port scope corroborates the JA3");
    // IMAPS inside the home network, or from outside in: not the rule's direction
    assertTrue(m.match(flow("10.1.2.3", "10.9.9.9", 993, ANCHORMAIL_JA3, null, null))
        .enrichments.isEmpty());
    assertTrue(m.match(flow("203.0.113.9", "203.0.113.5", 465, ANCHORMAIL_JA3, null, null))
        .enrichments.isEmpty());
  }

  @Test
  void homeNetIsConfigurable() throws Exception {
    List<Entry> es = importRules(new ArrayList<>(), ANCHORMAIL);
    Matcher m = new Matcher(DatabaseHolder.of(EntryBuilder.snapshot("t", es)), 20, false,
        HomeNet.parse("198.18.0.0/15,2001:db8::/32"), Matcher.LibraryCollisions.DEMOTE);
    assertTrue(m.match(flow("198.18.0.7", "10.0.0.1", 465, ANCHORMAIL_JA3, null, null)).alert,
        "10.0.0.1 is external when HOME_NET is 198.18.0.0/15");
    assertTrue(m.match(flow("2001:db8::7", "2001:4860::1", 465, ANCHORMAIL_JA3, null, null))
        .alert);
    assertFalse(m.match(flow("10.1.2.3", "203.0.113.5", 465, ANCHORMAIL_JA3, null, null)).alert);
  }

  @Test
  void rclonePairKeepsTheSniExclusionsOfItsSettingRule() throws Exception {
    List<String> skipped = new ArrayList<>();
    List<Entry> es = importRules(skipped, RCLONE_SET, RCLONE_RESPONSE);
    assertEquals(List.of(), skipped);
    Entry pair = es.stream().filter(e -> e.type() == EntryType.JA3_JA3S).findFirst().get();
    assertEquals("server name !*grafana.com*|!*grafana.org*|!*grafana.net*"
        + "|!*-autoscaling.googleapis.com*; client $HOME_NET; server $EXTERNAL_NET",
        pair.scopeText());
    Matcher m = matcher(es);
    String ja3 = "d0ee3237a14bbd89ca4d2b5356ab20ba";
    String ja3s = "eb1d94daa7e0344597e756a1fb6e7054";
    MatchResult mega = m.match(flow("192.168.1.5", "203.0.113.5", 443, ja3, ja3s, "g.api.mega.co.nz"));
    assertTrue(mega.alert);
    assertEquals("et:2033055", mega.verdict.rule().entry().id());
    assertFalse(m.match(flow("192.168.1.5", "203.0.113.5", 443, ja3, ja3s, "grafana.com")).alert);
    assertFalse(m.match(flow("192.168.1.5", "203.0.113.5", 443, ja3, ja3s, "x.GRAFANA.net")).alert);
    assertFalse(m.match(flow("192.168.1.5", "203.0.113.5", 443, ja3, ja3s, null)).alert,
        "as in Suricata, a tls.sni content needs a server name");
  }

  @Test
  void rulesTheDatabaseCannotExpressAreListedWithTheReason() throws Exception {
    String[] variants = {
      ANCHORMAIL.replace("[465,993]", "$SMTP_PORTS").replace("sid:2035359", "sid:1"),
      ANCHORMAIL.replace("$HOME_NET any ->", "$SMTP_SERVERS any ->").replace("sid:2035359",
          "sid:2"),
      ANCHORMAIL.replace(" -> ", " <> ").replace("sid:2035359", "sid:3"),
      ANCHORMAIL.replace("classtype:", "pcre:\"/x/\"; classtype:").replace("sid:2035359",
          "sid:4"),
      ANCHORMAIL.replace("classtype:", "tls.sni; content:\"mail\"; content:\"example\";"
          + " classtype:").replace("sid:2035359", "sid:5"),
      ANCHORMAIL.replace("classtype:", "tls.cert_subject; content:\"CN=x\"; classtype:")
          .replace("sid:2035359", "sid:6"),
      ANCHORMAIL.replace("classtype:", "threshold:type limit, track by_src, count 1, seconds 60;"
          + " classtype:").replace("sid:2035359", "sid:7"),
      ANCHORMAIL.replace("flow:established,to_server", "flow:established,to_client")
          .replace("sid:2035359", "sid:8"),
    };
    List<String> skipped = new ArrayList<>();
    List<Entry> es = importRules(skipped, variants);
    assertTrue(es.isEmpty(), es.toString());
    assertEquals(variants.length, skipped.size(), skipped.toString());
    String[] reasons = {
      "port variable $SMTP_PORTS", "address $SMTP_SERVERS", "direction <>", "keyword pcre",
      "several tls.sni contents", "keyword tls.cert_subject", "keyword threshold",
      "never matches"
    };
    for (int i = 0; i < reasons.length; i++) {
      String line = skipped.get(i);
      assertTrue(line.contains("emerging-ja3.rules:" + (i + 1) + ": sid " + (i + 1) + " ")
          && line.contains(reasons[i]), line + " should name line, sid and " + reasons[i]);
    }
  }

  @Test
  void representableVariantsBecomeScopes() throws Exception {
    List<Entry> es = importRules(new ArrayList<>(),
        ANCHORMAIL.replace("$HOME_NET any", "[10.0.0.0/8,!10.9.0.0/16] 1024:")
            .replace("[465,993]", "![25,80:90]").replace("sid:2035359", "sid:11"),
        ANCHORMAIL.replace("classtype:", "tls.sni; content:\".example.org\"; endswith;"
            + " classtype:").replace("sid:2035359", "sid:12"));
    assertEquals(2, es.size());
    assertEquals("client 10.0.0.0/8|!10.9.0.0/16; server $EXTERNAL_NET; client port 1024:65535;"
        + " server port !25|!80:90", es.get(0).scopeText());
    assertEquals("[*.example.org]", es.get(1).scopeSni().toString());
    Matcher m = matcher(es);
    assertTrue(m.match(flow("10.1.0.1", "203.0.113.5", 443, ANCHORMAIL_JA3, null, null)).alert);
    assertFalse(m.match(flow("10.9.0.1", "203.0.113.5", 443, ANCHORMAIL_JA3, null, null)).alert);
    assertFalse(m.match(flow("10.1.0.1", "203.0.113.5", 85, ANCHORMAIL_JA3, null, null)).alert);
    MatchResult sni =
        m.match(flow("10.1.0.1", "203.0.113.5", 993, ANCHORMAIL_JA3, null, "imap.example.org"));
    assertEquals(2, sni.enrichments.size());
    assertNull(m.match(flow("10.1.0.1", "203.0.113.5", 25, ANCHORMAIL_JA3, null, "example.org"))
        .verdict);
  }
}
