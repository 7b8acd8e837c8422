package org.ja3sensor.match;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader that remembers the line each record starts on, for error messages.
 * Fields may be quoted with {@code "} (a quote inside is doubled) and then span lines. When
 * {@code comments} is on, a line whose first character is {@code #} outside a quoted field is
 * skipped; blank lines are always skipped. CR LF and LF both end a record.
 */
public final class CsvReader {
  /** One record: its fields and the 1-based line it starts on. */
  public record Row(int line, List<String> fields) {}

  /** A malformed file (an unterminated quote, a stray quote, a record beyond the size cap). */
  public static final class CsvException extends Exception {
    public final int line;

    CsvException(int line, String message) {
      super(message);
      this.line = line;
    }
  }

  private static final int MAX_FIELD_CHARS = 64 * 1024;

  private final Reader in;
  private final boolean comments;
  private int line = 1;
  private int pushedBack = -2;

  public CsvReader(Reader in, boolean comments) {
    this.in = in;
    this.comments = comments;
  }

  private int read() throws IOException {
    if (pushedBack != -2) {
      int c = pushedBack;
      pushedBack = -2;
      return c;
    }
    return in.read();
  }

  /** The next record, or null at the end of the input. */
  public Row next() throws IOException, CsvException {
    while (true) {
      int c = read();
      if (c == -1) {
        return null;
      }
      if (c == '\r' || c == '\n') {
        if (c == '\n') {
          line++;
        }
        continue;
      }
      if (comments && c == '#') {
        while (c != -1 && c != '\n') {
          c = read();
        }
        if (c == '\n') {
          line++;
        }
        continue;
      }
      pushedBack = c;
      return readRecord();
    }
  }

  private Row readRecord() throws IOException, CsvException {
    int start = line;
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    boolean afterQuote = false; // a quoted field was closed; only a separator may follow
    boolean fieldStart = true;
    while (true) {
      int c = read();
      if (quoted) {
        if (c == -1) {
          throw new CsvException(start, "unterminated quoted field (the file ends inside quotes)");
        }
        if (c == '"') {
          int d = read();
          if (d == '"') {
            f.append('"');
          } else {
            quoted = false;
            afterQuote = true;
            pushedBack = d;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          f.append((char) c);
        }
      } else if (c == ',') {
        fields.add(f.toString());
        f.setLength(0);
        afterQuote = false;
        fieldStart = true;
        continue;
      } else if (c == -1 || c == '\n' || c == '\r') {
        if (c == '\r') {
          int d = read();
          if (d != '\n') {
            pushedBack = d;
          }
        }
        fields.add(f.toString());
        line++;
        return new Row(start, fields);
      } else if (afterQuote) {
        throw new CsvException(
            line, "character '" + (char) c + "' after a closing quote; expected ',' or end of line");
      } else if (c == '"') {
        if (!fieldStart) {
          throw new CsvException(line, "quote inside an unquoted field; quote the whole field");
        }
        quoted = true;
      } else {
        f.append((char) c);
      }
      fieldStart = false;
      if (f.length() > MAX_FIELD_CHARS) {
        throw new CsvException(start, "field longer than " + MAX_FIELD_CHARS + " characters");
      }
    }
  }

  /** Quotes a field for writing when it contains a comma, quote, line break or leading '#'. */
  public static String quote(String s) {
    if (s == null) {
      return "";
    }
    boolean need = s.startsWith("#");
    for (int i = 0; i < s.length() && !need; i++) {
      char c = s.charAt(i);
      need = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    return need ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}
