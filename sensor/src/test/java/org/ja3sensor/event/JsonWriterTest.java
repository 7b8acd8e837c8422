package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonWriter} writes the bytes Jackson's UTF-8 generator, as EventJson configured it before,
 * writes for the same calls: strings of random characters (control characters, quotes,
 * backslashes, Latin-1, BMP, surrogate pairs and lone surrogates, at every position) and random
 * documents of nested objects and arrays with every kind of value.
 */
class JsonWriterTest {
  private static final JsonFactory JACKSON =
      new JsonFactoryBuilder()
          .rootValueSeparator((String) null)
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  /** One of the characters that take each path of the encoder. */
  private static char randomChar(Random r) {
    switch (r.nextInt(9)) {
      case 0:
        return (char) r.nextInt(0x20); // control
      case 1:
        return "\"\\/\u007f".charAt(r.nextInt(4));
      case 2:
        return (char) (0x80 + r.nextInt(0x780)); // two bytes
      case 3:
        return (char) (0x800 + r.nextInt(0xd800 - 0x800)); // three bytes
      case 4:
        return (char) (0xd800 + r.nextInt(0x400)); // high surrogate
      case 5:
        return (char) (0xdc00 + r.nextInt(0x400)); // low surrogate
      case 6:
        return (char) (0xe000 + r.nextInt(0x2000)); // three bytes, above the surrogates
      default:
        return (char) (0x20 + r.nextInt(0x60)); // printable ASCII
    }
  }

  private static String randomString(Random r) {
    int n = r.nextInt(4) == 0 ? r.nextInt(600) : r.nextInt(12);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      if (r.nextInt(6) == 0) {
        sb.appendCodePoint(0x10000 + r.nextInt(0x100000)); // a surrogate pair
      } else {
        sb.append(randomChar(r));
      }
    }
    return sb.toString();
  }

  private static byte[] jackson(JacksonCalls calls) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (JsonGenerator g = JACKSON.createGenerator(b, JsonEncoding.UTF8)) {
      calls.write(g);
    }
    return b.toByteArray();
  }

  @FunctionalInterface
  private interface JacksonCalls {
    void write(JsonGenerator g) throws IOException;
  }

  @Test
  void stringsAreEncodedAsJacksonEncodesThem() throws IOException {
    Random r = new Random(20261207);
    JsonWriter w = new JsonWriter();
    for (int i = 0; i < 20_000; i++) {
      String s = randomString(r);
      byte[] expected = jackson(g -> g.writeString(s));
      w.reset();
      w.string(s);
      assertArrayEquals(expected, w.toByteArray(), () -> "string " + escapeForMessage(s));
      w.reset();
      char[] c = ("xy" + s + "z").toCharArray();
      w.string(c, 2, s.length());
      assertArrayEquals(expected, w.toByteArray(), () -> "chars " + escapeForMessage(s));
      assertArrayEquals(expected, JsonWriter.value(s).quoted);
    }
  }

  @Test
  void everyCharacterAloneAndBeforeEachKindOfCharacter() throws IOException {
    JsonWriter w = new JsonWriter();
    String[] after = {"", "a", "\u00e9", "\ud800", "\udc00", "\ud83d\ude00", "\n"};
    for (int c = 0; c <= 0xffff; c++) {
      for (String tail : after) {
        String s = (char) c + tail;
        w.reset();
        w.string(s);
        assertArrayEquals(jackson(g -> g.writeString(s)), w.toByteArray(),
            () -> "string " + escapeForMessage(s));
      }
    }
  }

  @Test
  void documentsAreWrittenAsJacksonWritesThem() throws IOException {
    Random r = new Random(7);
    JsonWriter w = new JsonWriter();
    for (int doc = 0; doc < 3_000; doc++) {
      long seed = r.nextLong();
      w.reset();
      randomDocument(new Random(seed), w, null);
      byte[] ours = w.toByteArray();
      byte[] theirs = jackson(g -> randomDocument(new Random(seed), null, g));
      assertArrayEquals(theirs, ours, () -> new String(ours, StandardCharsets.UTF_8));
    }
  }

  /** The same random calls on whichever of the two writers is given. */
  private static void randomDocument(Random r, JsonWriter w, JsonGenerator g) throws IOException {
    if (w != null) {
      w.startObject();
    } else {
      g.writeStartObject();
    }
    fields(r, w, g, 0);
    if (w != null) {
      w.endObject();
    } else {
      g.writeEndObject();
    }
  }

  private static void fields(Random r, JsonWriter w, JsonGenerator g, int depth)
      throws IOException {
    for (int i = r.nextInt(depth < 4 ? 6 : 2); i > 0; i--) {
      String name = randomString(r);
      if (w != null) {
        w.name(JsonWriter.name(name));
      } else {
        g.writeFieldName(name);
      }
      value(r, w, g, depth);
    }
  }

  private static void value(Random r, JsonWriter w, JsonGenerator g, int depth)
      throws IOException {
    int kind = r.nextInt(depth < 4 ? 9 : 7);
    switch (kind) {
      case 0: {
        String s = randomString(r);
        if (w != null) {
          w.string(s);
        } else {
          g.writeString(s);
        }
        break;
      }
      case 1: {
        long v = r.nextInt(3) == 0 ? r.nextInt(20) - 10
            : r.nextInt(5) == 0 ? Long.MIN_VALUE + r.nextInt(2) : r.nextLong();
        if (w != null) {
          w.number(v);
        } else {
          g.writeNumber(v);
        }
        break;
      }
      case 2: {
        float v = r.nextInt(4) == 0 ? r.nextInt(101) : r.nextFloat() * 1000 - 500;
        if (w != null) {
          w.number(v);
        } else {
          g.writeNumber(v);
        }
        break;
      }
      case 3: {
        boolean v = r.nextBoolean();
        if (w != null) {
          w.bool(v);
        } else {
          g.writeBoolean(v);
        }
        break;
      }
      case 4:
        if (w != null) {
          w.nullValue();
        } else {
          g.writeNull();
        }
        break;
      case 5:
        if (w != null) {
          w.string((String) null);
        } else {
          g.writeString((String) null);
        }
        break;
      case 6: {
        String s = randomString(r);
        if (w != null) {
          w.string(JsonWriter.value(s));
        } else {
          g.writeString(s);
        }
        break;
      }
      case 7:
        if (w != null) {
          w.startObject();
        } else {
          g.writeStartObject();
        }
        fields(r, w, g, depth + 1);
        if (w != null) {
          w.endObject();
        } else {
          g.writeEndObject();
        }
        break;
      default:
        if (w != null) {
          w.startArray();
        } else {
          g.writeStartArray();
        }
        for (int i = r.nextInt(5); i > 0; i--) {
          value(r, w, g, depth + 1);
        }
        if (w != null) {
          w.endArray();
        } else {
          g.writeEndArray();
        }
        break;
    }
  }

  @Test
  void rawFieldsFollowAnEarlierField() {
    byte[] raw = ",\"a\":\"1\",\"b\":2".getBytes(StandardCharsets.UTF_8);
    JsonWriter w = new JsonWriter();
    w.startObject();
    w.bool(JsonWriter.name("x"), true);
    w.raw(raw);
    w.nullValue(); // not a valid document, but it shows the comma after raw fields
    w.endObject();
    assertEquals("{\"x\":true,\"a\":\"1\",\"b\":2,null}", new String(w.toByteArray(),
        StandardCharsets.UTF_8));
  }

  @Test
  void nestingIsBoundedAndUnbalancedClosesFail() {
    JsonWriter w = new JsonWriter();
    for (int i = 0; i < JsonWriter.MAX_DEPTH; i++) {
      w.startArray();
    }
    assertThrows(IllegalStateException.class, w::startArray);
    w.reset();
    assertThrows(IllegalStateException.class, w::endObject);
  }

  @Test
  void aResetAfterAFailureStartsAWholeDocument() {
    JsonWriter w = new JsonWriter();
    w.startObject();
    w.object(JsonWriter.name("a"));
    w.startArray();
    w.string("left open"); // as an exception would leave it
    w.reset();
    w.startObject();
    w.number(JsonWriter.name("n"), 5);
    w.endObject();
    assertEquals("{\"n\":5}", new String(w.toByteArray(), StandardCharsets.UTF_8));
  }

  @Test
  void aLongStringGrowsTheBuffer() throws IOException {
    char[] c = new char[100_000];
    Arrays.fill(c, '\u0001');
    String s = new String(c);
    JsonWriter w = new JsonWriter();
    w.string(s);
    assertArrayEquals(jackson(g -> g.writeString(s)), w.toByteArray());
    assertEquals(600_002, w.length());
  }

  private static String escapeForMessage(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return sb.toString();
  }
}
