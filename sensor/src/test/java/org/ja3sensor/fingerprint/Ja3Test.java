package org.ja3sensor.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;
import org.junit.jupiter.api.Test;

/**
 * JA3/JA3S from hello records built by hand (no parser involved), against the examples of the
 * salesforce/ja3 README, tshark 4.0.17's values for real hellos (fields and fingerprint of the
 * same frame), RFC 1321's MD5 test suite and RFC 8701's GREASE list.
 */
class Ja3Test {

  static ClientHello ch(int version, int[] ciphers, int[] extensions, int[] groups, int[] formats,
      boolean hasExtensions) {
    return new ClientHello(version, ciphers, new int[] {0}, extensions, groups, formats, null,
        List.of(), new int[0], new int[0], hasExtensions);
  }

  static int[] dashed(String s) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] p = s.split("-");
    int[] v = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      v[i] = Integer.parseInt(p[i]);
    }
    return v;
  }

  /** salesforce/ja3 README, "How it works": the two examples and their MD5. */
  @Test
  void readmeExamples() {
    ClientHello a = ch(769, dashed("47-53-5-10-49161-49162-49171-49172-50-56-19-4"),
        dashed("0-10-11"), dashed("23-24-25"), dashed("0"), true);
    assertEquals("769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0",
        Ja3.ja3String(a));
    assertEquals("ada70206e40642a3e4461f35503241d5", Ja3.md5Hex(Ja3.ja3String(a)));

    ClientHello b = ch(769, dashed("4-5-10-9-100-98-3-6-19-18-99"), new int[0], new int[0],
        new int[0], false);
    assertEquals("769,4-5-10-9-100-98-3-6-19-18-99,,,", Ja3.ja3String(b));
    assertEquals("de350869b8c85de67a350c8d186f11e6", Ja3.md5Hex(Ja3.ja3String(b)));
  }

  /**
   * ndpi/chrome.pcap frame 4: the values tshark lists (GREASE included) give tshark's JA3 (row
   * "ndpi/chrome.pcap ja3" of shared/corpus/expected.tsv).
   */
  @Test
  void chromeWithGrease() {
    ClientHello c = ch(0x0303,
        new int[] {0x9a9a, 0x1303, 0x1301, 0x1302, 0xcca9, 0xcca8, 0xc02b, 0xc02f, 0xc02c, 0xc030,
            0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
        dashed("19018-0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-27242-21"),
        new int[] {0x6a6a, 0x001d, 0x0017, 0x0018}, new int[] {0}, true);
    String s = Ja3.ja3String(c);
    assertEquals("771,4867-4865-4866-52393-52392-49195-49199-49196-49200-49171-49172-156-157-47-53,"
        + "0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-21,29-23-24,0", s);
    assertEquals("aa50c12a5dfa717d9d6ab34e97de79d5", Ja3.md5Hex(s));
  }

  /** TLS 1.3 ClientHello: the legacy version (771) is used, not supported_versions. */
  @Test
  void tls13UsesTheLegacyVersion() {
    ClientHello c = new ClientHello(0x0303, new int[] {0x1301}, new int[] {0}, new int[] {43},
        new int[0], new int[0], null, List.of(), new int[] {0x0304}, new int[0], true);
    assertEquals("771,4865,43,,", Ja3.ja3String(c));
  }

  /** Empty lists keep their commas (suricata-verify tls13-draft22: "...,23," has no formats). */
  @Test
  void emptyFieldsKeepTheirCommas() {
    ClientHello c = ch(771, new int[] {4865, 4867}, dashed("0-43-13-10-40"), new int[] {23},
        new int[0], true);
    assertEquals("771,4865-4867,0-43-13-10-40,23,", Ja3.ja3String(c));
    assertEquals("786468211b4d23f9b725987b0de9d090", Ja3.md5Hex(Ja3.ja3String(c)));
    ClientHello none = ch(771, new int[0], new int[0], new int[0], new int[0], true);
    assertEquals("771,,,,", Ja3.ja3String(none));
  }

  /** A list of nothing but GREASE values becomes an empty field. */
  @Test
  void greaseOnlyListsBecomeEmpty() {
    ClientHello c = ch(771, new int[] {0x0a0a}, new int[] {0x1a1a, 0x2a2a}, new int[] {0xfafa},
        new int[] {0}, true);
    assertEquals("771,,,,0", Ja3.ja3String(c));
  }

  /** Point formats are single bytes: 0x0a (10) is no GREASE value and stays. */
  @Test
  void pointFormatsAreNotFiltered() {
    ClientHello c = ch(771, new int[] {1}, new int[] {11}, new int[0], new int[] {0, 0x0a}, true);
    assertEquals("771,1,11,,0-10", Ja3.ja3String(c));
  }

  /**
   * JA3S: suricata-verify tls13-draft18 frame 10 (version 0x7f12) and s2n-tls no_extensions
   * frame 6, against tshark's rows.
   */
  @Test
  void ja3sOfRealServerHellos() {
    ServerHello draft = new ServerHello(0x7f12, 0x1301, 0, new int[] {40}, 0, null, false);
    assertEquals("32530,4865,40", Ja3.ja3sString(draft));
    assertEquals("b8a8031b301aef7618403061e9f33065", Ja3.md5Hex(Ja3.ja3sString(draft)));
    ServerHello plain = new ServerHello(0x0303, 47, 0, new int[] {65281}, 0, null, false);
    assertEquals("573a9f3f80037fb40d481e2054def5bb", Ja3.md5Hex(Ja3.ja3sString(plain)));
  }

  /** No extensions: the third field is empty (suricata-verify sslv2-tls-upgrade-01 frame 6). */
  @Test
  void ja3sWithoutExtensions() {
    ServerHello sh = new ServerHello(0x0301, 57, 0, new int[0], 0, null, false);
    assertEquals("769,57,", Ja3.ja3sString(sh));
    assertEquals("9a2c6bfd476184689a786457f33ece3a", Ja3.md5Hex(Ja3.ja3sString(sh)));
  }

  /** JA3S keeps values as sent, GREASE included (salesforce ja3s.py filters nothing). */
  @Test
  void ja3sKeepsGrease() {
    ServerHello sh = new ServerHello(0x0303, 0x0a0a, 0, new int[] {0x1a1a, 43}, 0x0304, null,
        false);
    assertEquals("771,2570,6682-43", Ja3.ja3sString(sh));
  }

  /** RFC 1321 appendix A.5. */
  @Test
  void md5TestSuite() {
    assertEquals("d41d8cd98f00b204e9800998ecf8427e", Ja3.md5Hex(""));
    assertEquals("0cc175b9c0f1b6a831c399e269772661", Ja3.md5Hex("a"));
    assertEquals("900150983cd24fb0d6963f7d28e17f72", Ja3.md5Hex("abc"));
    assertEquals("f96b697d7cb7938d525a2f31aaf161d0", Ja3.md5Hex("message digest"));
    assertEquals("57edf4a22be3c955ac49da2e2107b67a", Ja3.md5Hex(
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890"));
  }

  /** RFC 8701 section 2: exactly these 16 values. */
  @Test
  void greaseValues() {
    List<Integer> found = new ArrayList<>();
    for (int v = 0; v <= 0xffff; v++) {
      if (Ja3.isGrease(v)) {
        found.add(v);
      }
    }
    assertEquals(List.of(0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a,
        0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa), found);
    assertFalse(Ja3.isGrease(0x0a));
    assertTrue(Ja3.isGrease(0xfafa));
  }

  @Test
  void md5IsThreadSafe() throws Exception {
    String s = "771,4865,43,,";
    String want = Ja3.md5Hex(s);
    List<Thread> threads = new ArrayList<>();
    List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          if (!want.equals(Ja3.md5Hex(s))) {
            bad.add("mismatch");
          }
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertEquals(List.of(), bad);
  }

  /**
   * JA3N as browserleaks.com publishes it (ja3n_text / ja3n_hash) for Chrome 143-146: the
   * extensions field sorted numerically, everything else in wire order, GREASE removed. The hello
   * is built with a shuffled extension order (as Chrome sends it) and GREASE in every list.
   */
  @Test
  void ja3nChrome143() {
    int[] ciphers = {0x3a3a, 4865, 4866, 4867, 49195, 49199, 49196, 49200, 52393, 52392, 49171,
        49172, 156, 157, 47, 53};
    int[] shuffled = {0x9a9a, 65281, 51, 0, 17613, 23, 45, 13, 5, 65037, 18, 43, 27, 35, 10, 16,
        11, 0x2a2a};
    ClientHello c = ch(771, ciphers, shuffled, new int[] {0xcaca, 4588, 29, 23, 24},
        new int[] {0}, true);
    String n = Ja3.ja3nString(c);
    assertEquals("771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
        + "0-5-10-11-13-16-18-23-27-35-43-45-51-17613-65037-65281,4588-29-23-24,0", n);
    assertEquals("8e19337e7524d2573be54efb2b0784c9", Ja3.md5Hex(n));
    // Plain JA3 keeps the wire order.
    assertEquals("771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
        + "65281-51-0-17613-23-45-13-5-65037-18-43-27-35-10-16-11,4588-29-23-24,0",
        Ja3.ja3String(c));
  }

  /** JA3N of a hello without extensions keeps its empty fields, like JA3. */
  @Test
  void ja3nWithoutExtensions() {
    ClientHello b = ch(769, dashed("4-5-10"), new int[0], new int[0], new int[0], false);
    assertEquals("769,4-5-10,,,", Ja3.ja3nString(b));
    assertEquals(Ja3.ja3String(b), Ja3.ja3nString(b));
  }
}
