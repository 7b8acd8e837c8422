package org.ja3sensor.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DigestMemo} and the memoised digests of {@link Ja3#md5Hex} and {@link Ja4#hash12}: a hit
 * gives what the digest gives, slots are replaced, long strings are not kept.
 */
class DigestMemoTest {
  @Test
  void rememberedUntilAnotherStringTakesTheSlot() {
    DigestMemo m = new DigestMemo();
    assertNull(m.get("771,4865-4866,0-23,29,0"));
    m.put("771,4865-4866,0-23,29,0", "x");
    assertEquals("x", m.get("771,4865-4866,0-23,29,0"));
    assertEquals("x", m.get(new String("771,4865-4866,0-23,29,0".toCharArray())));
    // "Aa" and "BB" have the same hash code: the second takes the slot of the first.
    m.put("Aa", "1");
    m.put("BB", "2");
    assertNull(m.get("Aa"));
    assertEquals("2", m.get("BB"));
  }

  @Test
  void longStringsAreNotKept() {
    DigestMemo m = new DigestMemo();
    String s = "1-".repeat(DigestMemo.MAX_KEY_CHARS);
    m.put(s, "y");
    assertNull(m.get(s));
  }

  @Test
  void memoisedDigestsEqualTheDigestsOnRepeatedAndCollidingInputs() throws Exception {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random r = new Random(7);
    String[] pool = new String[2000]; // more strings than slots: hits, misses and replacements
    for (int i = 0; i < pool.length; i++) {
      StringBuilder sb = new StringBuilder("771,");
      for (int j = r.nextInt(30); j >= 0; j--) {
        sb.append(r.nextInt(65536)).append('-');
      }
      pool[i] = sb.toString();
    }
    for (int n = 0; n < 20_000; n++) {
      String s = pool[r.nextInt(n < 10_000 ? 50 : pool.length)];
      assertEquals(
          HexFormat.of().formatHex(md5.digest(s.getBytes(StandardCharsets.UTF_8))), Ja3.md5Hex(s));
      assertEquals(
          HexFormat.of().formatHex(sha.digest(s.getBytes(StandardCharsets.ISO_8859_1)))
              .substring(0, 12),
          Ja4.hash12(s, 1));
    }
  }
}
