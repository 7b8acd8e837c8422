package org.ja3sensor.quic;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Removes the protection of QUIC Initial packets (RFC 9001 section 5.3 and 5.4): the
 * header-protection mask from AES-128-ECB over the 16-byte sample, then AES-128-GCM with the
 * unprotected header as additional data and the tag verified. The JDK's {@code javax.crypto}
 * alone; one {@code Mac}, two {@code Cipher}s and the buffers are made once per pipeline and
 * reused for every packet (the ECB cipher is re-keyed only when the keys change).
 *
 * <p>Buffer ownership: the datagram is only read (the unprotected header is built in a private
 * scratch buffer); the plaintext is written into a buffer this class owns, valid until the next
 * {@link #decrypt}. Single-threaded.
 */
final class PacketProtection {
  /** {@link #decrypt} result: the tag did not verify (wrong keys, or not QUIC at all). */
  static final int TAG_FAILURE = -1;
  /** {@link #decrypt} result: the packet is too short to hold a sample, a number and a tag. */
  static final int TOO_SHORT = -2;

  private static final int TAG = 16;
  private static final int SAMPLE = 16;

  private final Mac mac;
  private final Cipher ecb;
  private final Cipher gcm;
  private SecretKeySpec ecbKey;

  private final byte[] mask = new byte[16];
  private final byte[] nonce = new byte[12];
  private byte[] header = new byte[256];
  private byte[] plain = new byte[2048];
  private int packetNumber;

  PacketProtection() {
    try {
      mac = Mac.getInstance("HmacSHA256");
      ecb = Cipher.getInstance("AES/ECB/NoPadding");
      gcm = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256 or AES: " + e, e);
    }
  }

  /** The HMAC-SHA256 instance for key derivation ({@link InitialKeys#derive}). */
  Mac mac() {
    return mac;
  }

  /** The plaintext of the last successful {@link #decrypt}, from index 0. */
  byte[] plaintext() {
    return plain;
  }

  /** The (truncated) packet number of the last successful {@link #decrypt}. */
  int packetNumber() {
    return packetNumber;
  }

  /**
   * Decrypts the packet {@code h} of datagram {@code b} with {@code k}.
   *
   * @return the plaintext length (in {@link #plaintext()}), {@link #TAG_FAILURE} or {@link
   *     #TOO_SHORT}
   */
  int decrypt(byte[] b, LongHeader h, InitialKeys k) {
    int pnOff = h.pnOff;
    if (h.end - pnOff < 4 + SAMPLE) {
      return TOO_SHORT;
    }
    if (pnOff - h.start + 4 > header.length) {
      header = new byte[pnOff - h.start + 4]; // a long token (after a Retry)
    }
    try {
      if (ecbKey != k.hp) {
        ecb.init(Cipher.ENCRYPT_MODE, k.hp);
        ecbKey = k.hp;
      }
      ecb.doFinal(b, pnOff + 4, SAMPLE, mask, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-ECB failed: " + e, e);
    }
    int first = (b[h.start] & 0xff) ^ (mask[0] & 0x0f);
    int pnLen = (first & 3) + 1;
    int hl = pnOff - h.start + pnLen;
    int ctLen = h.end - pnOff - pnLen;
    if (ctLen < TAG) {
      return TOO_SHORT;
    }
    System.arraycopy(b, h.start, header, 0, hl);
    header[0] = (byte) first;
    System.arraycopy(k.iv, 0, nonce, 0, 12);
    int pn = 0;
    for (int i = 0; i < pnLen; i++) {
      int v = (b[pnOff + i] ^ mask[1 + i]) & 0xff;
      header[hl - pnLen + i] = (byte) v;
      pn = (pn << 8) | v;
      nonce[12 - pnLen + i] ^= (byte) v;
    }
    packetNumber = pn;
    if (plain.length < ctLen) {
      plain = new byte[Math.max(ctLen, plain.length * 2)];
    }
    try {
      gcm.init(Cipher.DECRYPT_MODE, k.key, new GCMParameterSpec(128, nonce));
      gcm.updateAAD(header, 0, hl);
      return gcm.doFinal(b, pnOff + pnLen, ctLen, plain, 0);
    } catch (AEADBadTagException e) {
      return TAG_FAILURE;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed: " + e, e);
    }
  }

  /** The header-protection mask of the last {@link #decrypt} (tests). */
  byte[] mask() {
    return mask.clone();
  }
}
