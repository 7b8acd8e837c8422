package org.ja3sensor.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The parts of an entry's scope: port sets, address patterns with HOME_NET, server names. */
class ScopeTest {
  static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static final HomeNet HOME = HomeNet.defaults();

  @Test
  void portSets() {
    PortSet p = PortSet.parse("465|993|8000:8100");
    assertTrue(p.admits(465) && p.admits(993) && p.admits(8000) && p.admits(8100));
    assertFalse(p.admits(443) || p.admits(7999) || p.admits(8101));
    PortSet not = PortSet.parse("!80|!8000:8100");
    assertTrue(not.admits(443) && not.admits(7999));
    assertFalse(not.admits(80) || not.admits(8050));
    PortSet open = PortSet.parse("1024:|!8080");
    assertTrue(open.admits(1024) && open.admits(65535));
    assertFalse(open.admits(1023) || open.admits(8080));
    assertEquals("1024:65535|!8080", open.toString());
    assertTrue(PortSet.parse("").isAny() && PortSet.parse("").admits(0));
    assertTrue(p.hasInclusions() && !not.hasInclusions());
    for (String bad : new String[] {"65536", "x", "10:5", ":", "!", "1-2", "123456"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PortSet.parse(bad), bad);
      assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
    }
  }

  @Test
  void homeNetDefaultIsSuricatasRfc1918() {
    assertTrue(HOME.contains("10.255.0.1") && HOME.contains("172.31.9.9")
        && HOME.contains("192.168.0.1"));
    assertFalse(HOME.contains("172.32.0.1") || HOME.contains("8.8.8.8")
        || HOME.contains("2001:db8::1") || HOME.contains("not an address"));
    assertTrue(HomeNet.parse("[10.0.0.0/8, 2001:db8::/32]").contains("2001:db8::5"));
    assertThrows(IllegalArgumentException.class, () -> HomeNet.parse(""));
    assertThrows(IllegalArgumentException.class, () -> HomeNet.parse("10.0.0.0/8,evil.example"));
  }

  private static Entry entry(String client, String server, String sni) {
    EntryBuilder b = new EntryBuilder("x", EntryType.JA3, A);
    for (String c : DbFormat.split(client)) {
      b.scopeSource(c);
    }
    for (String s : DbFormat.split(server)) {
      b.scopeDestination(s);
    }
    for (String n : DbFormat.split(sni)) {
      b.scopeSni(n);
    }
    return b.build();
  }

  @Test
  void directionAndNegatedNetworks() {
    Entry out = entry("$HOME_NET", "$EXTERNAL_NET", "");
    assertTrue(out.inScope(null, "203.0.113.1", 443, "10.0.0.1", 50000, HOME));
    assertFalse(out.inScope(null, "10.0.0.2", 443, "10.0.0.1", 50000, HOME));
    assertFalse(out.inScope(null, "203.0.113.1", 443, "203.0.113.2", 50000, HOME));
    assertFalse(out.inScope(null, "203.0.113.1", 443, null, 50000, HOME));
    assertFalse(out.narrowScope(), "a direction is not a narrowing scope");
    Entry but = entry("10.0.0.0/8|!10.9.0.0/16", "!$HOME_NET", "");
    assertTrue(but.inScope(null, "198.51.100.1", 443, "10.1.0.1", 1, HOME));
    assertFalse(but.inScope(null, "198.51.100.1", 443, "10.9.0.1", 1, HOME));
    assertTrue(but.narrowScope());
    Entry onlyNot = entry("!10.9.0.0/16", "", "");
    assertTrue(onlyNot.inScope(null, "1.1.1.1", 443, "192.0.2.1", 1, HOME));
    assertFalse(onlyNot.inScope(null, "1.1.1.1", 443, "garbage", 1, HOME));
    assertThrows(IllegalArgumentException.class, () -> AddressPattern.parse("$HTTP_SERVERS"));
  }

  @Test
  void serverNamePatterns() {
    Entry e = entry("", "", "*mega*|!*grafana.com*");
    assertTrue(e.inScope("g.api.mega.co.nz", "1.1.1.1", 443, "10.0.0.1", 1, HOME));
    assertFalse(e.inScope("mega.grafana.com", "1.1.1.1", 443, "10.0.0.1", 1, HOME));
    assertFalse(e.inScope("example.org", "1.1.1.1", 443, "10.0.0.1", 1, HOME));
    assertFalse(e.inScope(null, "1.1.1.1", 443, "10.0.0.1", 1, HOME), "no name: out of scope");
    Entry only = entry("", "", "!*grafana.com*");
    assertTrue(only.inScope("example.org", "1.1.1.1", 443, "10.0.0.1", 1, HOME));
    assertFalse(only.narrowScope(), "exclusions alone do not narrow");
    assertEquals("!*grafana.com*", SniPattern.parseScope("!*GRAFANA.com*").toString());
    assertThrows(IllegalArgumentException.class, () -> SniPattern.parseScope("**"));
    assertThrows(IllegalArgumentException.class, () -> SniPattern.parse("*mega*", false));
  }
}
