package org.ja3sensor.quic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The RFC 9001 / RFC 9369 Appendix A packets (test resources under quic/, see its README). */
final class QuicVectors {
  static final byte[] DCID = QuicVersions.hex("8394c8f03e515708");

  /**
   * The CRYPTO frame of the RFC 9001 A.2 (and RFC 9369 A.2) client Initial: a 241-byte
   * ClientHello for example.com at offset 0.
   */
  static final byte[] A2_CRYPTO_FRAME =
      QuicVersions.hex(
          "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
              + "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
              + "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
              + "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
              + "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
              + "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
              + "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
              + "75300901100f088394c8f03e51570806048000ffff");

  /** The ClientHello handshake message (type, length, body) inside {@link #A2_CRYPTO_FRAME}. */
  static byte[] clientHelloMessage() {
    byte[] m = new byte[241];
    System.arraycopy(A2_CRYPTO_FRAME, 4, m, 0, 241);
    return m;
  }

  /** The RFC 9001 A.3 server Initial payload: ACK, then CRYPTO with the ServerHello. */
  static final byte[] A3_PAYLOAD =
      QuicVersions.hex(
          "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
              + "88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
              + "0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
              + "020304");

  static byte[] packet(String name) {
    try (InputStream in = QuicVectors.class.getResourceAsStream("/quic/" + name + ".hex")) {
      return QuicVersions.hex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xff));
    }
    return s.toString();
  }

  private QuicVectors() {}
}
