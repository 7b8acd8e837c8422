package org.ja3sensor.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one JSON value at a time as UTF-8 into a growable byte array: the event path's own
 * generator, because Jackson's general-purpose one was most of the emitter's time (its per-call
 * context checks, and every string checked and encoded character by character).
 *
 * <p>Byte for byte what the Jackson generator of {@link EventJson} wrote before (UTF-8, no
 * escaping beyond JSON's own, surrogate pairs as four UTF-8 bytes): {@code "} and {@code \} and the
 * control characters escaped, {@code \b \t \n \f \r} by name and the others as {@code \}{@code
 * u00XX} (upper-case hex); a surrogate without its pair escaped as {@code \}{@code uXXXX}; every
 * other character as its UTF-8 bytes ({@code JsonWriterTest} compares the two on random text).
 *
 * <p>Field names and fixed values are {@link Text}s, encoded once. The writer puts the commas and
 * tracks nesting up to {@link #MAX_DEPTH} levels; it checks nothing else (a name where a value
 * belongs is the caller's bug). Not thread-safe.
 */
public final class JsonWriter {
  /** A string encoded once: its quoted UTF-8 form (and, for a field name, the colon). */
  public static final class Text {
    final byte[] quoted;
    final String value;

    private Text(String value, boolean name) {
      this.value = value;
      JsonWriter w = new JsonWriter(value.length() * 6 + 3);
      w.string(value);
      byte[] b = Arrays.copyOf(w.buf, w.len + (name ? 1 : 0));
      if (name) {
        b[w.len] = ':';
      }
      this.quoted = b;
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** A field name, encoded once. */
  public static Text name(String name) {
    return new Text(name, true);
  }

  /** A string value written often (a fixed word), encoded once. */
  public static Text value(String value) {
    return new Text(value, false);
  }

  /** Deepest nesting of objects and arrays. */
  public static final int MAX_DEPTH = 62;

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /** Per ASCII character: 0 as is, a letter for a named escape, -1 for a \\u00XX escape. */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
  }

  private byte[] buf;
  private int len;
  /** Bit d: the object or array at depth d has an element already (so the next needs a comma). */
  private long started;
  private int depth;
  /** A field name was just written: its value needs no comma. */
  private boolean afterName;

  public JsonWriter() {
    this(2048);
  }

  private JsonWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  /** Empties the writer for the next document, whatever state a failure left it in. */
  public void reset() {
    len = 0;
    started = 0;
    depth = 0;
    afterName = false;
  }

  /** The bytes written since {@link #reset()}: {@code buffer()[0, length())}, valid until then. */
  public byte[] buffer() {
    return buf;
  }

  public int length() {
    return len;
  }

  /** A copy of the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  private void room(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  /** Before a value or a name: the comma after an earlier element of the same container. */
  private void element() {
    if (afterName) {
      afterName = false;
      return;
    }
    long bit = 1L << depth;
    if ((started & bit) != 0) {
      room(1);
      buf[len++] = ',';
    } else {
      started |= bit;
    }
  }

  private void open(byte b) {
    element();
    if (depth >= MAX_DEPTH) {
      throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
    }
    room(1);
    buf[len++] = b;
    depth++;
    started &= ~(1L << depth);
  }

  private void close(byte b) {
    if (depth == 0) {
      throw new IllegalStateException("JSON: nothing open to close");
    }
    room(1);
    buf[len++] = b;
    depth--;
  }

  public void startObject() {
    open((byte) '{');
  }

  public void endObject() {
    close((byte) '}');
  }

  public void startArray() {
    open((byte) '[');
  }

  public void endArray() {
    close((byte) ']');
  }

  /** A field name. */
  public void name(Text name) {
    element();
    byte[] q = name.quoted;
    room(q.length);
    System.arraycopy(q, 0, buf, len, q.length);
    len += q.length;
    afterName = true;
  }

  /** A string value encoded once. */
  public void string(Text value) {
    element();
    byte[] q = value.quoted;
    room(q.length);
    System.arraycopy(q, 0, buf, len, q.length);
    len += q.length;
  }

  /** A string value; null writes {@code null}. */
  public void string(String s) {
    if (s == null) {
      nullValue();
      return;
    }
    element();
    int n = s.length();
    room(n * 6 + 2); // at most six bytes a character (an escape), quotes
    byte[] b = buf;
    int p = len;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80 && ESCAPES[c] == 0) {
        b[p++] = (byte) c;
      } else {
        char next = i + 1 < n ? s.charAt(i + 1) : 0;
        int used = encode(c, next, b, p);
        p = used & 0xffffff;
        i += used >>> 24;
      }
    }
    b[p++] = '"';
    len = p;
  }

  /** A string value from {@code c[off, off + n)}. */
  public void string(char[] c, int off, int n) {
    element();
    room(n * 6 + 2);
    byte[] b = buf;
    int p = len;
    b[p++] = '"';
    int end = off + n;
    for (int i = off; i < end; i++) {
      char ch = c[i];
      if (ch < 0x80 && ESCAPES[ch] == 0) {
        b[p++] = (byte) ch;
      } else {
        int used = encode(ch, i + 1 < end ? c[i + 1] : 0, b, p);
        p = used & 0xffffff;
        i += used >>> 24;
      }
    }
    b[p++] = '"';
    len = p;
  }

  /**
   * Writes {@code c}, which needs more than its own byte, at {@code b[p]}; {@code next} is the
   * character after it (0 at the end). Returns the new position, plus 1 << 24 when {@code next}
   * was used too (a surrogate pair).
   */
  private static int encode(char c, char next, byte[] b, int p) {
    if (c < 0x80) {
      byte e = ESCAPES[c];
      b[p++] = '\\';
      if (e > 0) {
        b[p++] = e;
      } else {
        b[p++] = 'u';
        b[p++] = '0';
        b[p++] = '0';
        b[p++] = HEX[c >> 4];
        b[p++] = HEX[c & 15];
      }
      return p;
    }
    if (c < 0x800) {
      b[p++] = (byte) (0xc0 | (c >> 6));
      b[p++] = (byte) (0x80 | (c & 0x3f));
      return p;
    }
    if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
      int cp = Character.toCodePoint(c, next);
      b[p++] = (byte) (0xf0 | (cp >> 18));
      b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
      b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
      b[p++] = (byte) (0x80 | (cp & 0x3f));
      return p | 1 << 24;
    }
    if (Character.isSurrogate(c)) {
      b[p++] = '\\';
      b[p++] = 'u';
      b[p++] = HEX[c >> 12];
      b[p++] = HEX[(c >> 8) & 15];
      b[p++] = HEX[(c >> 4) & 15];
      b[p++] = HEX[c & 15];
      return p;
    }
    b[p++] = (byte) (0xe0 | (c >> 12));
    b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
    b[p++] = (byte) (0x80 | (c & 0x3f));
    return p;
  }

  public void number(long v) {
    element();
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        ascii(Long.toString(v));
        return;
      }
      room(1);
      buf[len++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    room(digits);
    int end = len + digits;
    for (int i = end - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len = end;
  }

  /** As Jackson writes a float: {@link Float#toString(float)}; NaN and infinities as strings. */
  public void number(float v) {
    if (Float.isNaN(v) || Float.isInfinite(v)) {
      string(Float.toString(v));
      return;
    }
    element();
    ascii(Float.toString(v));
  }

  public void bool(boolean v) {
    element();
    ascii(v ? "true" : "false");
  }

  public void nullValue() {
    element();
    ascii("null");
  }

  private void ascii(String s) {
    int n = s.length();
    room(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  /**
   * Bytes written as they are, with no comma before them: whole fields after an earlier field of
   * the open object, each with its leading comma.
   */
  public void raw(byte[] utf8) {
    room(utf8.length);
    System.arraycopy(utf8, 0, buf, len, utf8.length);
    len += utf8.length;
  }

  // Fields: a name and its value.

  public void string(Text name, String value) {
    name(name);
    string(value);
  }

  public void string(Text name, Text value) {
    name(name);
    string(value);
  }

  public void number(Text name, long value) {
    name(name);
    number(value);
  }

  public void number(Text name, float value) {
    name(name);
    number(value);
  }

  public void bool(Text name, boolean value) {
    name(name);
    bool(value);
  }

  public void object(Text name) {
    name(name);
    startObject();
  }

  public void array(Text name) {
    name(name);
    startArray();
  }
}
