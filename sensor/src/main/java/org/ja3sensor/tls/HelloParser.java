package org.ja3sensor.tls;

/**
 * Parses ClientHello and ServerHello message bodies (the bytes after the 4-byte handshake
 * header). Pure functions: every read is bounds-checked; a body that does not parse yields null
 * (the caller counts the anomaly).
 */
public final class HelloParser {
  private HelloParser() {}

  /** @return the hello, or null when the body is malformed */
  public static ClientHello parseClientHello(byte[] b, int off, int len) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** @return the hello, or null when the body is malformed */
  public static ServerHello parseServerHello(byte[] b, int off, int len) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
