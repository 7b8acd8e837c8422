package org.ja3sensor.tls;

import java.io.ByteArrayOutputStream;

/** Builds synthetic hello bodies, field by field, for the malformation tests. */
final class Hellos {
  private Hellos() {}

  static final byte[] RANDOM = new byte[32];

  static {
    for (int i = 0; i < 32; i++) {
      RANDOM[i] = (byte) i;
    }
  }

  /** Cipher suites 0x1301, 0xc02b and GREASE 0x0a0a, as bytes. */
  static final byte[] CIPHERS = {0x13, 0x01, (byte) 0xc0, 0x2b, 0x0a, 0x0a};

  static byte[] u8(int v) {
    return new byte[] {(byte) v};
  }

  static byte[] u16(int v) {
    return new byte[] {(byte) (v >> 8), (byte) v};
  }

  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  static byte[] ext(int type, byte[] data) {
    return TlsVectors.concat(u16(type), u16(data.length), data);
  }

  /** server_name with one host_name. */
  static byte[] sni(String host) {
    byte[] h = host.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return ext(0, TlsVectors.concat(u16(h.length + 3), u8(0), u16(h.length), h));
  }

  /** supported_groups with the given 16-bit values. */
  static byte[] groups(int... g) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int v : g) {
      o.write(v >> 8);
      o.write(v);
    }
    byte[] list = o.toByteArray();
    return ext(10, TlsVectors.concat(u16(list.length), list));
  }

  /** ec_point_formats with the given 8-bit values. */
  static byte[] pointFormats(int... f) {
    return ext(11, TlsVectors.concat(u8(f.length), bytes(f)));
  }

  /** The good extension block used by the synthetic tests: 0, 23, 10, 11. */
  static byte[] goodExtensions() {
    return TlsVectors.concat(sni("a.test"), ext(23, new byte[0]), groups(0x1a1a, 29, 23),
        pointFormats(0));
  }

  /**
   * A ClientHello body: version 0x0303, {@link #RANDOM}, the session id, cipher and compression
   * vectors as given (length prefixes included), then the extensions block when {@code exts} is
   * not null (its length is {@code extLen}, or the real one when negative), then {@code tail}.
   */
  static byte[] clientHello(byte[] sid, byte[] cipherVector, byte[] compVector, byte[] exts,
      int extLen, byte[] tail) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(u16(0x0303));
    o.writeBytes(RANDOM);
    o.writeBytes(u8(sid.length));
    o.writeBytes(sid);
    o.writeBytes(cipherVector);
    o.writeBytes(compVector);
    if (exts != null) {
      o.writeBytes(u16(extLen >= 0 ? extLen : exts.length));
      o.writeBytes(exts);
    }
    o.writeBytes(tail);
    return o.toByteArray();
  }

  static byte[] clientHello(byte[] exts) {
    return clientHello(new byte[0], cipherVector(CIPHERS), bytes(1, 0), exts, -1, new byte[0]);
  }

  static byte[] clientHelloExtLen(byte[] exts, int extLen) {
    return clientHello(new byte[0], cipherVector(CIPHERS), bytes(1, 0), exts, extLen, new byte[0]);
  }

  static byte[] cipherVector(byte[] suites) {
    return TlsVectors.concat(u16(suites.length), suites);
  }

  /** A ServerHello body: version, random, empty session id, cipher, null compression, exts. */
  static byte[] serverHello(int version, byte[] random, int cipher, byte[] exts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(u16(version));
    o.writeBytes(random);
    o.writeBytes(u8(0));
    o.writeBytes(u16(cipher));
    o.writeBytes(u8(0));
    if (exts != null) {
      o.writeBytes(u16(exts.length));
      o.writeBytes(exts);
    }
    return o.toByteArray();
  }
}
