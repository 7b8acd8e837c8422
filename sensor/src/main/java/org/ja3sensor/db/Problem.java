package org.ja3sensor.db;

import java.util.Locale;

/**
 * An error or warning found while loading the database, located by file and line (line 0: the
 * file as a whole). The message is always one line: control characters of values quoted in it (a
 * quoted CSV field may hold a line break) are written as escapes ({@code \n}, {@code \x1b}).
 */
public record Problem(String file, int line, String message) {
  public Problem {
    message = oneLine(message);
  }

  @Override
  public String toString() {
    String f = oneLine(file);
    return line > 0 ? f + ":" + line + ": " + message : f + ": " + message;
  }

  /** {@code s} with every control character (C0, DEL, C1, line and paragraph separators) escaped. */
  static String oneLine(String s) {
    if (s == null) {
      return null;
    }
    int i = 0;
    while (i < s.length() && !control(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!control(c)) {
        b.append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c <= 0xff) {
        b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return b.toString();
  }

  private static boolean control(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }
}
