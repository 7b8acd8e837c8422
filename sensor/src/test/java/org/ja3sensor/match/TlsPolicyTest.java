package org.ja3sensor.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.db.PolicyFlag;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.tls.ServerHello;
import org.junit.jupiter.api.Test;

class TlsPolicyTest {

  /**
   * The suite tables against Wireshark's own names for every code point it knows (tshark -G
   * values): a suite is NULL when its name has _WITH_NULL_ (or is TLS_NULL_WITH_NULL_NULL or an
   * integrity-only TLS 1.3 suite), EXPORT/RC4 when the name says so, anonymous when it has _anon_.
   */
  @Test
  void weakSuiteTablesAgreeWithWiresharksNames() throws Exception {
    Process p;
    try {
      p = new ProcessBuilder("tshark", "-G", "values").redirectErrorStream(false).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "tshark not installed");
      return;
    }
    List<String[]> suites = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t");
        if (f.length >= 4 && f[0].equals("V") && f[1].equals("tls.handshake.ciphersuite")) {
          suites.add(new String[] {f[2], f[3]});
        }
      }
    }
    p.waitFor(30, TimeUnit.SECONDS);
    assertTrue(suites.size() > 300, "tshark listed " + suites.size() + " cipher suites");
    int weakSeen = 0;
    for (String[] s : suites) {
      int v = Integer.parseInt(s[0]);
      String n = s[1];
      int expected = 0;
      if (n.contains("_WITH_NULL_") || n.equals("TLS_NULL_WITH_NULL_NULL")
          || n.matches("TLS_SHA(256|384)_SHA(256|384)")) {
        expected |= TlsPolicy.WEAK_NULL;
      }
      if (n.contains("EXPORT")) {
        expected |= TlsPolicy.WEAK_EXPORT;
      }
      if (n.contains("RC4")) {
        expected |= TlsPolicy.WEAK_RC4;
      }
      if (n.contains("_anon_") || n.equals("TLS_NULL_WITH_NULL_NULL")) {
        expected |= TlsPolicy.WEAK_ANON;
      }
      assertEquals(expected, TlsPolicy.weakness(v), String.format("0x%04x %s", v, n));
      weakSeen += expected != 0 ? 1 : 0;
    }
    assertTrue(weakSeen > 80, "weak suites in Wireshark's table: " + weakSeen);
  }

  @Test
  void wellKnownSuites() {
    assertEquals(TlsPolicy.WEAK_RC4, TlsPolicy.weakness(0x0005)); // TLS_RSA_WITH_RC4_128_SHA
    assertEquals(TlsPolicy.WEAK_EXPORT | TlsPolicy.WEAK_RC4, TlsPolicy.weakness(0x0003));
    assertEquals(TlsPolicy.WEAK_ANON, TlsPolicy.weakness(0x0034)); // DH_anon AES_128_CBC_SHA
    assertEquals(TlsPolicy.WEAK_NULL, TlsPolicy.weakness(0x0002)); // RSA_WITH_NULL_SHA
    assertEquals(0, TlsPolicy.weakness(0x1301)); // TLS_AES_128_GCM_SHA256
    assertEquals(0, TlsPolicy.weakness(0xc02f));
    assertEquals(0, TlsPolicy.weakness(0x0a0a)); // GREASE
    assertEquals(0, TlsPolicy.weakness(-1));
    assertEquals(0, TlsPolicy.weakness(0x10000));
  }

  private static TlsEvent client(int legacy, int... supportedVersions) {
    TlsEvent e = new TlsEvent();
    e.clientHello = Events.hello(legacy, new int[] {0xc02f}, supportedVersions, null);
    return e;
  }

  @Test
  void offeredVersions() {
    int only11 = PolicyFlag.CLIENT_OFFERS_ONLY_TLS11_OR_LOWER.bit();
    assertEquals(only11, TlsPolicy.flags(client(0x0301)));
    assertEquals(only11, TlsPolicy.flags(client(0x0302)));
    assertEquals(only11, TlsPolicy.flags(client(0x0300)));
    assertEquals(0, TlsPolicy.flags(client(0x0303)));
    // TLS 1.3 clients keep legacy_version 0x0303; supported_versions decides
    assertEquals(0, TlsPolicy.flags(client(0x0303, 0x0a0a, 0x0304, 0x0303)));
    assertEquals(only11, TlsPolicy.flags(client(0x0303, 0x1a1a, 0x0302, 0x0301)));
    assertEquals(0, TlsPolicy.flags(client(0x0301, 0x7f1c)), "TLS 1.3 draft 28");
  }

  @Test
  void sslv2AndServerChoices() {
    TlsEvent v2 = new TlsEvent();
    v2.sslv2ClientHello = true;
    assertEquals(PolicyFlag.CLIENT_SSLV2_HELLO.bit(), TlsPolicy.flags(v2));

    TlsEvent s = new TlsEvent();
    s.serverHello = new ServerHello(0x0303, 0x0018, 0, new int[0], 0, null, false);
    assertEquals(
        PolicyFlag.SERVER_SELECTED_RC4_CIPHER.bit() | PolicyFlag.SERVER_SELECTED_ANON_CIPHER.bit(),
        TlsPolicy.flags(s)); // TLS_DH_anon_WITH_RC4_128_MD5

    TlsEvent tls13 = new TlsEvent();
    tls13.serverHello = new ServerHello(0x0303, 0x1301, 0, new int[] {43}, 0x0304, null, false);
    assertEquals(0, TlsPolicy.flags(tls13));

    TlsEvent tls10 = new TlsEvent();
    tls10.serverHello = new ServerHello(0x0301, 0x002f, 0, new int[0], 0, null, false);
    assertEquals(PolicyFlag.SERVER_SELECTED_TLS11_OR_LOWER.bit(), TlsPolicy.flags(tls10));
  }
}
