package org.ja3sensor.quic;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Test generator of QUIC packets: protected Initials (AES-GCM, then header protection, as RFC
 * 9001 section 5 describes the sender's side), Retry packets, and CRYPTO frame payloads cut,
 * shuffled and duplicated. Used to build the reordered, duplicated and shuffled variants.
 */
final class InitialBuilder {
  private InitialBuilder() {}

  static InitialKeys keys(int version, byte[] dcid, boolean server) {
    try {
      return InitialKeys.derive(Mac.getInstance("HmacSHA256"), version, dcid, 0, dcid.length, server);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A protected Initial with a 4-byte packet number and the given plaintext payload. */
  static byte[] initial(
      int version, byte[] dcid, byte[] scid, byte[] token, int pn, byte[] payload, InitialKeys k)
      throws Exception {
    int typeBits = QuicVersions.isV2(version) ? 1 : 0;
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(0xc0 | (typeBits << 4) | 3);
    h.write(version >>> 24);
    h.write(version >>> 16);
    h.write(version >>> 8);
    h.write(version);
    h.write(dcid.length);
    h.writeBytes(dcid);
    h.write(scid.length);
    h.writeBytes(scid);
    h.write(0x40 | (token.length >>> 8));
    h.write(token.length & 0xff);
    h.writeBytes(token);
    int length = 4 + payload.length + 16;
    h.write(0x40 | (length >>> 8));
    h.write(length & 0xff);
    int pnOff = h.size();
    h.write(pn >>> 24);
    h.write(pn >>> 16);
    h.write(pn >>> 8);
    h.write(pn);
    byte[] header = h.toByteArray();
    byte[] nonce = k.iv.clone();
    for (int i = 0; i < 4; i++) {
      nonce[8 + i] ^= header[pnOff + i];
    }
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, k.key, new GCMParameterSpec(128, nonce));
    gcm.updateAAD(header);
    byte[] ct = gcm.doFinal(payload);
    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, k.hp);
    byte[] mask = ecb.doFinal(ct, 0, 16); // sample at pnOff + 4: the ciphertext's first bytes
    header[0] ^= (byte) (mask[0] & 0x0f);
    for (int i = 0; i < 4; i++) {
      header[pnOff + i] ^= mask[1 + i];
    }
    byte[] out = new byte[header.length + ct.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(ct, 0, out, header.length, ct.length);
    return out;
  }

  /** A Retry (v1 type bits) from the server: DCID = the client's SCID, SCID = the new ID. */
  static byte[] retry(int version, byte[] dcid, byte[] newScid, byte[] token) {
    int typeBits = QuicVersions.isV2(version) ? 0 : 3;
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(0xc0 | (typeBits << 4));
    h.write(version >>> 24);
    h.write(version >>> 16);
    h.write(version >>> 8);
    h.write(version);
    h.write(dcid.length);
    h.writeBytes(dcid);
    h.write(newScid.length);
    h.writeBytes(newScid);
    h.writeBytes(token);
    h.writeBytes(new byte[16]); // integrity tag (not checked by the sensor)
    return h.toByteArray();
  }

  /** CRYPTO frames for the pieces [cuts[i], cuts[i+1]) of {@code data}, in the given order. */
  static List<byte[]> cryptoFrames(byte[] data, int... cuts) {
    List<byte[]> frames = new ArrayList<>();
    int prev = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : data.length;
      ByteArrayOutputStream f = new ByteArrayOutputStream();
      f.write(0x06);
      f.write(0x40 | (prev >>> 8));
      f.write(prev & 0xff);
      f.write(0x40 | ((to - prev) >>> 8));
      f.write((to - prev) & 0xff);
      f.write(data, prev, to - prev);
      frames.add(f.toByteArray());
      prev = to;
    }
    return frames;
  }

  /** The frames one after the other, with PING and PADDING between, padded to {@code min}. */
  static byte[] payload(List<byte[]> frames, int min) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      p.write(0x01); // PING
      p.writeBytes(f);
      p.write(0x00);
    }
    while (p.size() < min) {
      p.write(0);
    }
    return p.toByteArray();
  }
}
