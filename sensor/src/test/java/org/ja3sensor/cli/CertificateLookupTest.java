package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code db lookup} with a certificate SHA-1, against the shipped SSLBL certificate seed. */
class CertificateLookupTest {
  @Test
  void shippedCertificateEntryAndTheAlertItWouldRaise() {
    for (String v : new String[] {
        "6bef207908bfad6b19580067ce770bc820d3d2ef",
        "6BEF207908BFAD6B19580067CE770BC820D3D2EF",
        "6B:EF:20:79:08:BF:AD:6B:19:58:00:67:CE:77:0B:C8:20:D3:D2:EF"}) {
      CliRun r = CliRun.run("db", "lookup", v);
      assertEquals(0, r.exitCode, r.toString());
      assertTrue(r.out.contains(": 1 entry in database"), r.out);
      assertTrue(r.out.contains("sslbl-cert:6bef207908bfad6b19580067ce770bc820d3d2ef"), r.out);
      assertTrue(r.out.contains("cert-sha1"), r.out);
      assertTrue(r.out.contains("For a server with this certificate alone, today: ALERT"), r.out);
      assertTrue(r.out.contains("CobaltStrike C&C"), r.out);
    }
    CliRun none = CliRun.run("db", "lookup", "00".repeat(20));
    assertEquals(0, none.exitCode);
    assertTrue(none.out.contains("For a server with this certificate alone, today: no match."),
        none.out);
  }
}
