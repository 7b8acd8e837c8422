package org.ja3sensor.decode;

/**
 * Recognises a UDP payload that starts with a QUIC long header of a version whose Initial packets
 * the sensor can decrypt (v1, v2, drafts 22 to 34, mvfst 0xfaceb001/0xfaceb002, Google T050/T051), or a Version
 * Negotiation packet (version 0), on any port. The list must match the version table of the QUIC stage (a test checks it); it lives here
 * because decode sits below that stage. Cheap: a few byte comparisons per UDP datagram.
 */
public final class QuicSniff {
  private QuicSniff() {}

  /** True when {@code b[off, end)} starts with such a long header. */
  public static boolean isQuicLongHeader(byte[] b, int off, int end) {
    if (end - off < 7 || (b[off] & 0x80) == 0) {
      return false;
    }
    int v =
        ((b[off + 1] & 0xff) << 24)
            | ((b[off + 2] & 0xff) << 16)
            | ((b[off + 3] & 0xff) << 8)
            | (b[off + 4] & 0xff);
    return isDecryptableVersion(v) || v == 0;
  }

  /** The versions whose Initial salts are known. */
  public static boolean isDecryptableVersion(int v) {
    return v == 0x00000001
        || v == 0x6b3343cf
        || (v >= 0xff000016 && v <= 0xff000022)
        || v == 0xfaceb001
        || v == 0xfaceb002
        || v == 0x54303530 // T050
        || v == 0x54303531; // T051
  }
}
