package org.ja3sensor.db;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader that remembers the line each record starts on, for error messages.
 * Fields may be quoted with {@code "} (a quote inside is doubled) and then span lines. When
 * {@code comments} is on, a line whose first character is {@code #} outside a quoted field is
 * skipped; blank lines are always skipped. CR LF and LF both end a record. Works on the whole
 * text in memory (database files are small): the reader owns a private copy of the characters.
 */
public final class CsvReader {
  /** One record: its fields and the 1-based line it starts on. */
  public record Row(int line, List<String> fields) {}

  /** A malformed file (an unterminated quote, a stray quote, a field beyond the size cap). */
  public static final class CsvException extends Exception {
    public final int line;

    CsvException(int line, String message) {
      super(message);
      this.line = line;
    }
  }

  private static final int MAX_FIELD_CHARS = 64 * 1024;

  private final char[] c;
  private final boolean comments;
  private int pos;
  private int line = 1;

  public CsvReader(String text, boolean comments) {
    this.c = text.toCharArray();
    this.comments = comments;
  }

  /** Reads all of {@code in} first. */
  public CsvReader(Reader in, boolean comments) throws IOException {
    StringBuilder sb = new StringBuilder();
    char[] buf = new char[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      sb.append(buf, 0, n);
    }
    this.c = sb.toString().toCharArray();
    this.comments = comments;
  }

  /** The next record, or null at the end of the input. */
  public Row next() throws CsvException {
    while (pos < c.length) {
      char ch = c[pos];
      if (ch == '\n') {
        pos++;
        line++;
      } else if (ch == '\r') {
        pos++;
      } else if (comments && ch == '#') {
        while (pos < c.length && c[pos] != '\n') {
          pos++;
        }
      } else {
        return readRecord();
      }
    }
    return null;
  }

  private Row readRecord() throws CsvException {
    int start = line;
    List<String> fields = new ArrayList<>(24);
    while (true) {
      if (pos < c.length && c[pos] == '"') {
        fields.add(quoted(start));
      } else {
        int from = pos;
        while (pos < c.length && c[pos] != ',' && c[pos] != '\n' && c[pos] != '\r') {
          if (c[pos] == '"') {
            throw new CsvException(line, "quote inside an unquoted field; quote the whole field");
          }
          pos++;
        }
        if (pos - from > MAX_FIELD_CHARS) {
          throw new CsvException(start, "field longer than " + MAX_FIELD_CHARS + " characters");
        }
        fields.add(new String(c, from, pos - from));
      }
      if (pos >= c.length) {
        return new Row(start, fields);
      }
      char sep = c[pos++];
      if (sep == ',') {
        continue;
      }
      if (sep == '\r' && pos < c.length && c[pos] == '\n') {
        pos++;
      }
      if (sep == '\n' || sep == '\r') {
        line++;
        return new Row(start, fields);
      }
      throw new CsvException(
          line, "character '" + sep + "' after a closing quote; expected ',' or end of line");
    }
  }

  /** A quoted field starting at pos; leaves pos after the closing quote. */
  private String quoted(int start) throws CsvException {
    pos++; // opening quote
    StringBuilder f = new StringBuilder();
    while (true) {
      if (pos >= c.length) {
        throw new CsvException(start, "unterminated quoted field (the file ends inside quotes)");
      }
      char ch = c[pos++];
      if (ch == '"') {
        if (pos < c.length && c[pos] == '"') {
          f.append('"');
          pos++;
          continue;
        }
        if (pos < c.length && c[pos] != ',' && c[pos] != '\n' && c[pos] != '\r') {
          throw new CsvException(line,
              "character '" + c[pos] + "' after a closing quote; expected ',' or end of line");
        }
        return f.toString();
      }
      if (ch == '\n') {
        line++;
      }
      f.append(ch);
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
