package org.ja3sensor.pipeline;

import java.io.ByteArrayOutputStream;

/**
 * Builds TLS records carrying hand-made hellos whose JA3/JA3S strings are known by construction
 * (the expected strings are written out by hand in the tests, from the TLS field values below).
 */
final class Hellos {
  private Hellos() {}

  /**
   * A TLS 1.2-style ClientHello record: version 0x0303, ciphers {0x0a0a GREASE, 0xc02b, 0xc02f},
   * extensions server_name(0) for {@code sni}, supported_groups(10) {0x1a1a GREASE, 29, 23},
   * ec_point_formats(11) {0}, plus a padding(21) extension of {@code padding} bytes to make the
   * hello as large as wanted. JA3: "771,49195-49199,0-10-11-21,29-23,0".
   */
  static byte[] clientHelloRecord(String sni, int padding) {
    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    byte[] host = sni.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    // server_name
    u16(ext, 0);
    u16(ext, host.length + 5);
    u16(ext, host.length + 3);
    ext.write(0);
    u16(ext, host.length);
    ext.writeBytes(host);
    // supported_groups
    u16(ext, 10);
    u16(ext, 8);
    u16(ext, 6);
    u16(ext, 0x1a1a);
    u16(ext, 29);
    u16(ext, 23);
    // ec_point_formats
    u16(ext, 11);
    u16(ext, 2);
    ext.write(1);
    ext.write(0);
    // padding
    u16(ext, 21);
    u16(ext, padding);
    ext.writeBytes(new byte[padding]);

    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, 0x0303);
    body.writeBytes(new byte[32]); // random
    body.write(0); // session id
    u16(body, 6);
    u16(body, 0x0a0a);
    u16(body, 0xc02b);
    u16(body, 0xc02f);
    body.write(1);
    body.write(0); // compression null
    u16(body, ext.size());
    body.writeBytes(ext.toByteArray());
    return record(1, body.toByteArray());
  }

  static final String CLIENT_JA3 = "771,49195-49199,0-10-11-21,29-23,0";

  /**
   * A ServerHello record: 0x0303, cipher 0xc02f, extensions 65281, 11. JA3S "771,49199,65281-11";
   * followed by a ServerHelloDone record, as a TLS 1.2 server without a certificate sends it (the
   * event of a TLS 1.2 handshake waits for the end of the server's certificate messages).
   */
  static byte[] serverHelloRecord() {
    byte[] sh = serverHelloOnlyRecord();
    byte[] done = record(14, new byte[0]);
    byte[] out = java.util.Arrays.copyOf(sh, sh.length + done.length);
    System.arraycopy(done, 0, out, sh.length, done.length);
    return out;
  }

  /** The ServerHello record of {@link #serverHelloRecord()} alone. */
  static byte[] serverHelloOnlyRecord() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, 0x0303);
    body.writeBytes(new byte[32]);
    body.write(0);
    u16(body, 0xc02f);
    body.write(0);
    u16(body, 11);
    u16(body, 65281);
    u16(body, 1);
    body.write(0);
    u16(body, 11);
    u16(body, 2);
    body.write(1);
    body.write(0);
    return record(2, body.toByteArray());
  }

  static final String SERVER_JA3S = "771,49199,65281-11";

  private static byte[] record(int handshakeType, byte[] body) {
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.write(0x16);
    u16(r, 0x0301);
    u16(r, body.length + 4);
    r.write(handshakeType);
    r.write((body.length >>> 16) & 0xff);
    u16(r, body.length & 0xffff);
    r.writeBytes(body);
    return r.toByteArray();
  }

  private static void u16(ByteArrayOutputStream o, int v) {
    o.write((v >>> 8) & 0xff);
    o.write(v & 0xff);
  }
}
