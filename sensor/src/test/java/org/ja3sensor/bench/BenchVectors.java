package org.ja3sensor.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Loads the TLS test vectors (src/test/resources/org/ja3sensor/tls/vectors, cut from the corpus
 * pcaps named in each file) for the benchmarks.
 */
final class BenchVectors {
  private BenchVectors() {}

  /** The vector's stream bytes (comment lines dropped). */
  static byte[] stream(String name) {
    String path = "/org/ja3sensor/tls/vectors/" + name + ".hex";
    try (InputStream in = BenchVectors.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no vector " + path);
      }
      StringBuilder hex = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (!line.startsWith("#")) {
          hex.append(line.strip());
        }
      }
      return HexFormat.of().parseHex(hex);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The handshake bytes of a vector that starts with TLS records (record bodies joined). */
  static byte[] handshake(byte[] records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int p = 0;
    while (p + 5 <= records.length) {
      int len = ((records[p + 3] & 0xff) << 8) | (records[p + 4] & 0xff);
      if (records[p] == 22) {
        out.write(records, p + 5, Math.min(len, records.length - p - 5));
      }
      p += 5 + len;
    }
    return out.toByteArray();
  }

  /** The body of the first handshake message. */
  static byte[] helloBody(String name) {
    byte[] hs = handshake(stream(name));
    int len = ((hs[1] & 0xff) << 16) | ((hs[2] & 0xff) << 8) | (hs[3] & 0xff);
    byte[] body = new byte[len];
    System.arraycopy(hs, 4, body, 0, len);
    return body;
  }

  /** Handshake bytes cut into records whose bodies have at most {@code size} bytes. */
  static byte[] reframe(byte[] hs, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int p = 0; p < hs.length; p += size) {
      int n = Math.min(size, hs.length - p);
      out.write(new byte[] {22, 3, 1, (byte) (n >> 8), (byte) n}, 0, 5);
      out.write(hs, p, n);
    }
    return out.toByteArray();
  }
}
