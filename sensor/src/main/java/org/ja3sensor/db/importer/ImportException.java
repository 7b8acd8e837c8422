package org.ja3sensor.db.importer;

/** An upstream file that does not have the expected format; the message names file and line. */
public final class ImportException extends Exception {
  public ImportException(String file, int line, String message) {
    super(line > 0 ? file + ":" + line + ": " + message : file + ": " + message);
  }
}
