package org.ja3sensor.tls;

import static org.ja3sensor.tls.Hellos.clientHello;
import static org.ja3sensor.tls.Hellos.ext;
import static org.ja3sensor.tls.Hellos.u16;
import static org.ja3sensor.tls.Hellos.u8;
import static org.ja3sensor.tls.TlsVectors.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compact ClientHello: its seven lists packed in one array come back as given, each list
 * apart from its neighbours; and the parser shares the common ALPN names and lists between hellos
 * instead of a copy per hello.
 */
class ClientHelloTest {

  private static ClientHello sample() {
    return new ClientHello(
        0x0303,
        new int[] {0x0a0a, 0x1301, 0xffff},
        new int[] {0},
        new int[] {0, 10, 11, 13, 16, 43, 0xfafa},
        new int[] {0x001d, 0x0017},
        new int[] {0, 1, 2},
        "example.com",
        List.of("h2", "http/1.1"),
        new int[] {0x0304, 0x0303},
        new int[] {0x0403, 0x0804, 0x0401, 0x0000},
        true);
  }

  @Test
  void everyListComesBackAsGivenInItsOrder() {
    ClientHello ch = sample();
    assertEquals(0x0303, ch.legacyVersion());
    assertArrayEquals(new int[] {0x0a0a, 0x1301, 0xffff}, ch.cipherSuites());
    assertArrayEquals(new int[] {0}, ch.compressionMethods());
    assertArrayEquals(new int[] {0, 10, 11, 13, 16, 43, 0xfafa}, ch.extensions());
    assertArrayEquals(new int[] {0x001d, 0x0017}, ch.supportedGroups());
    assertArrayEquals(new int[] {0, 1, 2}, ch.ecPointFormats());
    assertArrayEquals(new int[] {0x0304, 0x0303}, ch.supportedVersions());
    assertArrayEquals(new int[] {0x0403, 0x0804, 0x0401, 0x0000}, ch.signatureAlgorithms());
    assertEquals("example.com", ch.serverName());
    assertEquals(List.of("h2", "http/1.1"), ch.alpn());
    assertTrue(ch.hasExtensionsBlock());
  }

  @Test
  void emptyListsBetweenFullOnesStayEmpty() {
    ClientHello ch =
        new ClientHello(0x0301, new int[] {5}, new int[0], new int[] {7, 8}, new int[0],
            new int[0], null, List.of(), new int[0], new int[] {9}, false);
    assertArrayEquals(new int[] {5}, ch.cipherSuites());
    assertArrayEquals(new int[0], ch.compressionMethods());
    assertArrayEquals(new int[] {7, 8}, ch.extensions());
    assertArrayEquals(new int[0], ch.supportedGroups());
    assertArrayEquals(new int[0], ch.ecPointFormats());
    assertArrayEquals(new int[0], ch.supportedVersions());
    assertArrayEquals(new int[] {9}, ch.signatureAlgorithms());
    assertFalse(ch.hasExtensionsBlock());
  }

  @Test
  void aChangedInputDoesNotChangeTheHello() {
    int[] given = {0x1301, 0x1302};
    List<String> alpn = new ArrayList<>(List.of("h2"));
    ClientHello ch =
        new ClientHello(0x0303, given, new int[] {0}, new int[0], new int[0], new int[0], null,
            alpn, new int[0], new int[0], true);
    given[0] = 1;
    alpn.add("x");
    assertArrayEquals(new int[] {0x1301, 0x1302}, ch.cipherSuites());
    assertSame(ch.cipherSuites(), ch.cipherSuites(), "unpacked once");
    assertEquals(List.of("h2"), ch.alpn());
    assertThrows(UnsupportedOperationException.class, () -> ch.alpn().add("y"));
  }

  @Test
  void aValueNoWireFieldHoldsIsRefused() {
    for (int bad : new int[] {-1, 0x10000, Integer.MAX_VALUE}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new ClientHello(0x0303, new int[] {0x1301}, new int[] {0}, new int[] {bad},
                  new int[0], new int[0], null, List.of(), new int[0], new int[0], true));
      assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
    }
  }

  @Test
  void hasExtensionLooksOnlyAtTheExtensionList() {
    ClientHello ch = sample();
    assertTrue(ch.hasExtension(43));
    assertTrue(ch.hasExtension(0xfafa));
    assertFalse(ch.hasExtension(0x1301)); // a cipher suite, not an extension
    assertFalse(ch.hasExtension(0x001d)); // a group
  }

  // --- ALPN names and lists shared between parsed hellos ---

  private static byte[] alpnExtension(String... names) {
    byte[] list = new byte[0];
    for (String n : names) {
      byte[] b = n.getBytes(StandardCharsets.ISO_8859_1);
      list = concat(list, u8(b.length), b);
    }
    return ext(16, concat(u16(list.length), list));
  }

  private static ClientHello parse(String... alpn) {
    byte[] body = clientHello(alpnExtension(alpn));
    ClientHello ch = HelloParser.parseClientHello(body, 0, body.length);
    assertNotNull(ch);
    return ch;
  }

  @Test
  void theCommonAlpnListIsOneObjectForEveryHello() {
    ClientHello a = parse("h2", "http/1.1");
    ClientHello b = parse("h2", "http/1.1");
    assertEquals(List.of("h2", "http/1.1"), a.alpn());
    assertSame(a.alpn(), b.alpn());
  }

  @Test
  void anUncommonListSharesItsCommonNamesOnly() {
    ClientHello a = parse("h2", "x-custom", "h4");
    ClientHello b = parse("h2", "x-custom", "h4");
    assertEquals(List.of("h2", "x-custom", "h4"), a.alpn());
    assertNotSame(a.alpn(), b.alpn());
    assertSame(a.alpn().get(0), b.alpn().get(0)); // "h2": shared
    assertNotSame(a.alpn().get(1), b.alpn().get(1)); // its own copy
    assertEquals("h4", a.alpn().get(2)); // as long as "h2" and "h3", not mistaken for them
  }

  @Test
  void aNameThatDiffersFromACommonOneOnlyInItsHighBitIsKept() {
    // 0xe8 0x32: the low seven bits of 0xe8 are 'h' (0x68); ISO-8859-1 decodes it as 'è'
    byte[] name = {(byte) 0xe8, '2'};
    byte[] list = concat(u8(2), name);
    byte[] body = clientHello(ext(16, concat(u16(list.length), list)));
    ClientHello ch = HelloParser.parseClientHello(body, 0, body.length);
    assertNotNull(ch);
    assertEquals(List.of("\u00e82"), ch.alpn());
  }
}
