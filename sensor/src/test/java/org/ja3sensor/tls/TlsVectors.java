package org.ja3sensor.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test vectors: real byte streams cut from the pcaps of the shared conformance corpus
 * ({@code ../shared/corpus}) with tshark 4.0.17 ({@code -z follow,tcp,raw}); each file under
 * {@code src/test/resources/org/ja3sensor/tls/vectors/} names its source pcap and flow in its
 * header. A vector holds one direction of a TCP stream from its first byte to the end of the TLS
 * record that completes the first hello (plaintext prefix included, for STARTTLS and proxies).
 */
public final class TlsVectors {
  private TlsVectors() {}

  /** The body of the first hello of vector {@code name} (for tests of other packages). */
  public static byte[] firstHelloBody(String name) {
    return load(name).helloBody();
  }

  private static final Pattern PREFIX =
      Pattern.compile("# The first (\\d+) bytes are the plaintext");

  /** One vector: the stream bytes and how many of them come before the first TLS record. */
  record Vector(String name, byte[] stream, int plaintextPrefix) {
    /** The TLS part of the stream (records only). */
    byte[] records() {
      byte[] r = new byte[stream.length - plaintextPrefix];
      System.arraycopy(stream, plaintextPrefix, r, 0, r.length);
      return r;
    }

    /** The handshake bytes carried by the handshake records (the records' bodies, joined). */
    byte[] handshakeBytes() {
      return TlsVectors.handshakeBytes(records());
    }

    /** The first hello's handshake message: type, 3-byte length, body. */
    byte[] helloMessage() {
      byte[] hs = handshakeBytes();
      int len = ((hs[1] & 0xff) << 16) | ((hs[2] & 0xff) << 8) | (hs[3] & 0xff);
      byte[] m = new byte[4 + len];
      System.arraycopy(hs, 0, m, 0, m.length);
      return m;
    }

    /** The first hello's body (after the 4-byte handshake header). */
    byte[] helloBody() {
      byte[] m = helloMessage();
      byte[] body = new byte[m.length - 4];
      System.arraycopy(m, 4, body, 0, body.length);
      return body;
    }
  }

  static Vector load(String name) {
    String path = "vectors/" + name + ".hex";
    try (InputStream in = TlsVectors.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test vector " + path);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      StringBuilder hex = new StringBuilder();
      int prefix = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("#")) {
          Matcher m = PREFIX.matcher(line);
          if (m.find()) {
            prefix = Integer.parseInt(m.group(1));
          }
        } else {
          hex.append(line.strip());
        }
      }
      return new Vector(name, HexFormat.of().parseHex(hex), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Joins the bodies of the handshake records (content type 22) of a record stream. */
  static byte[] handshakeBytes(byte[] records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int p = 0;
    while (p + 5 <= records.length) {
      int type = records[p] & 0xff;
      int len = ((records[p + 3] & 0xff) << 8) | (records[p + 4] & 0xff);
      if (type == 22) {
        out.write(records, p + 5, Math.min(len, records.length - p - 5));
      }
      p += 5 + len;
    }
    return out.toByteArray();
  }

  /**
   * Cuts handshake bytes into TLS handshake records (version 0x0301) whose bodies have the given
   * sizes in turn (the last size repeats).
   */
  static byte[] reframe(byte[] handshake, int... sizes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int p = 0;
    int i = 0;
    while (p < handshake.length) {
      int n = Math.min(sizes[Math.min(i++, sizes.length - 1)], handshake.length - p);
      out.write(record(22, slice(handshake, p, n)), 0, 5 + n);
      p += n;
    }
    return out.toByteArray();
  }

  /** One TLS record of version 0x0301. */
  static byte[] record(int contentType, byte[] body) {
    byte[] r = new byte[5 + body.length];
    r[0] = (byte) contentType;
    r[1] = 3;
    r[2] = 1;
    r[3] = (byte) (body.length >> 8);
    r[4] = (byte) body.length;
    System.arraycopy(body, 0, r, 5, body.length);
    return r;
  }

  /** A handshake message: type, 3-byte length, body. */
  static byte[] message(int type, byte[] body) {
    byte[] m = new byte[4 + body.length];
    m[0] = (byte) type;
    m[1] = (byte) (body.length >> 16);
    m[2] = (byte) (body.length >> 8);
    m[3] = (byte) body.length;
    System.arraycopy(body, 0, m, 4, body.length);
    return m;
  }

  static byte[] slice(byte[] b, int off, int len) {
    byte[] s = new byte[len];
    System.arraycopy(b, off, s, 0, len);
    return s;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  static int[] ints(int... v) {
    return v;
  }

  /** Parses tshark's "0x1301,0x1302" or "43,51" field forms. */
  static int[] tsharkList(String s) {
    List<Integer> v = new ArrayList<>();
    for (String t : s.split(",")) {
      t = t.strip();
      v.add(t.startsWith("0x") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t));
    }
    return v.stream().mapToInt(Integer::intValue).toArray();
  }
}
