package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The JSON forms EventJson keeps for the fingerprint strings it writes again and again. */
class EncodedStringsTest {
  @Test
  void twoStringsOfOneHashBothStay() {
    EventJson.EncodedStrings cache = new EventJson.EncodedStrings();
    String a = new String("771,4865-4866,0-23,29,0");
    String b = new String("t13d0310h2_55b375c5d22e_a4b8b8d2a1b2");
    var sa = cache.get(a, 42);
    var sb = cache.get(b, 42);
    for (int i = 0; i < 10; i++) {
      assertSame(sa, cache.get(a, 42));
      assertSame(sb, cache.get(b, 42));
    }
    assertEquals("\"771,4865-4866,0-23,29,0\"", new String(quoted(sa)));
  }

  @Test
  void foundByIdentityNotByEquality() {
    EventJson.EncodedStrings cache = new EventJson.EncodedStrings();
    String a = new String("abc");
    String same = new String("abc");
    var sa = cache.get(a, 7);
    assertNotSame(sa, cache.get(same, 7));
  }

  @Test
  void aThirdStringOfOneHashTakesTheLeastRecentPlace() {
    EventJson.EncodedStrings cache = new EventJson.EncodedStrings();
    String a = new String("a");
    String b = new String("b");
    String c = new String("c");
    var sa = cache.get(a, 1);
    var sb = cache.get(b, 1);
    assertSame(sa, cache.get(a, 1)); // a is now the most recent
    cache.get(c, 1); // b goes
    assertSame(sa, cache.get(a, 1));
    assertNotSame(sb, cache.get(b, 1));
  }

  private static byte[] quoted(JsonWriter.Text s) {
    return s.quoted;
  }
}
