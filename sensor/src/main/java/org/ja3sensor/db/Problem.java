package org.ja3sensor.db;

/**
 * An error or warning found while loading the database, located by file and line (line 0: the
 * file as a whole).
 */
public record Problem(String file, int line, String message) {
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
