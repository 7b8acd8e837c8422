package org.ja3sensor.decode;

/**
 * Big-endian readers over a frame buffer. They do not check bounds themselves: every caller
 * checks the index against its region end first (the decoders never read past {@code end}).
 */
final class Bytes {
  private Bytes() {}

  static int u8(byte[] b, int i) {
    return b[i] & 0xff;
  }

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }

  static int u24(byte[] b, int i) {
    return ((b[i] & 0xff) << 16) | ((b[i + 1] & 0xff) << 8) | (b[i + 2] & 0xff);
  }

  static int u32(byte[] b, int i) {
    return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8)
        | (b[i + 3] & 0xff);
  }

  static long u64(byte[] b, int i) {
    return ((long) u32(b, i) << 32) | (u32(b, i + 4) & 0xffffffffL);
  }

  /** True when {@code b[i, i + 6)} is an LLC/SNAP header (AA AA 03, OUI 000000 or 0000F8). */
  static boolean isSnap(byte[] b, int i) {
    return b[i] == (byte) 0xaa
        && b[i + 1] == (byte) 0xaa
        && b[i + 2] == 0x03
        && b[i + 3] == 0
        && b[i + 4] == 0
        && (b[i + 5] == 0 || b[i + 5] == (byte) 0xf8);
  }
}
