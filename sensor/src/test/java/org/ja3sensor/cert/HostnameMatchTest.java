package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6125 section 6.4 name matching, wildcard rules included. */
class HostnameMatchTest {
  @ParameterizedTest
  @CsvSource({
    "www.example.com, www.example.com, true",
    "WWW.EXAMPLE.COM, www.example.com, true",
    "www.example.com., www.example.com, true",
    "www.example.com, www.example.com., true",
    "www.example.com, *.example.com, true",
    "example.com, *.example.com, false",
    "a.b.example.com, *.example.com, false",
    "www.example.com, *.com, false",
    "www.example.com, w*.example.com, false",
    "www.example.com, *w.example.com, false",
    "www.example.com, www.*.com, false",
    "www.example.com, *.*.com, false",
    "xn--bcher-kva.example, xn--bcher-kva.example, true",
    "www.example.com, example.com, false",
    "'', *.example.com, false",
  })
  void matches(String host, String pattern, boolean expected) {
    assertEquals(expected, HostnameMatch.matches(host, pattern), host + " vs " + pattern);
  }

  @ParameterizedTest
  @CsvSource({"192.0.2.1, true", "2001:db8::1, true", "999.1.1.1, false", "a.b.c.d, false",
      "www.example.com, false", "1.2.3, false"})
  void ipLiterals(String s, boolean ip) {
    assertEquals(ip, HostnameMatch.isIpLiteral(s));
  }

  @org.junit.jupiter.api.Test
  void ipv6ComparedAsAddresses() {
    assertEquals(true, HostnameMatch.matchesIp("2001:db8::1",
        java.util.List.of("2001:db8:0:0:0:0:0:1")));
    assertEquals(false, HostnameMatch.matchesIp("2001:db8::2",
        java.util.List.of("2001:db8:0:0:0:0:0:1")));
  }
}
