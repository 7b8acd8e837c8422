package org.ja3sensor.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.fingerprint.FingerprintInvariants;
import org.ja3sensor.tls.HandshakeAssembler;

/**
 * Coverage-guided fuzz targets (Jazzer) for the QUIC Initial path: long-header parsing, packet
 * protection with fuzzed and with valid keys, and CRYPTO frame reassembly. Saved inputs under
 * {@code src/test/resources/org/ja3sensor/quic/QuicFuzzTestInputs/<method>/} (real Initials of
 * the samples and the RFC 9001 / RFC 9369 Appendix A packets, cut by {@code
 * scripts/fuzz-seeds.py}, and every past finding).
 *
 * <ul>
 *   <li>{@link #datagram}: any bytes as a UDP payload. The header parse gives one of its four
 *       results with every offset inside the datagram, and the same result (shifted) inside a
 *       larger buffer; protection removal with the keys of the packet's own DCID (valid keys on a
 *       real Initial) and with keys of another DCID (fuzzed keys) never throws; when the packet
 *       decrypts with its own keys, the wrong keys fail the tag; a decrypted payload read as
 *       frames never throws and keeps the stream's buffers within the cap.
 *   <li>{@link #validInitial}: a real CRYPTO payload protected with keys derived from a fuzzed
 *       DCID (0 to 20 bytes) and packet number: it always decrypts to the same plaintext, and any
 *       single changed byte of the protected packet never decrypts.
 *   <li>{@link #cryptoFrames}: a script of CRYPTO frames (offsets, lengths, order, duplicates,
 *       altered copies, offsets past the cap) over a handshake message: the stream hands the
 *       assembler exactly the contiguous prefix of the first copies (an assembler fed that prefix
 *       at once gives the same result); the same result whether the frames come in one payload
 *       or one per packet; buffers within the cap, none after the end.
 * </ul>
 */
class QuicFuzzTest {
  private static final int CAP = 4096;
  private static final byte[] OTHER_DCID = QuicVersions.hex("0011223344556677");

  @FuzzTest(maxDuration = "10s")
  void datagram(byte[] data) {
    LongHeader h = new LongHeader();
    int r = h.parse(data, 0, data.length);
    assertTrue(r >= LongHeader.OK && r <= LongHeader.UNKNOWN_VERSION, "result " + r);
    String alone = describe(h, r, 0);
    int pad = 1 + (data.length & 15);
    byte[] framed = new byte[pad + data.length + pad];
    Arrays.fill(framed, (byte) 0xc3); // a long-header first byte: a read past the end would go on
    System.arraycopy(data, 0, framed, pad, data.length);
    LongHeader h2 = new LongHeader();
    int r2 = h2.parse(framed, pad, pad + data.length);
    assertEquals(alone, describe(h2, r2, pad), "result depends on what lies around the datagram");
    if (r != LongHeader.OK) {
      return;
    }
    assertTrue(h.dcidLen <= LongHeader.MAX_CID && h.scidLen <= LongHeader.MAX_CID);
    assertTrue(h.start == 0 && h.dcidOff + h.dcidLen <= h.scidOff && h.scidOff + h.scidLen <= h.pnOff
        && h.pnOff <= h.end && h.end <= data.length, alone);
    if (h.type != QuicVersions.TYPE_INITIAL) {
      return;
    }
    byte[] dcid = Arrays.copyOfRange(data, h.dcidOff, h.dcidOff + h.dcidLen);
    PacketProtection p = new PacketProtection();
    for (boolean server : new boolean[] {false, true}) {
      InitialKeys own = InitialKeys.derive(p.mac(), h.version, dcid, 0, dcid.length, server);
      int n = p.decrypt(data, h, own);
      checkDecrypt(h, n);
      byte[] plain = n >= 0 ? Arrays.copyOf(p.plaintext(), n) : null;
      InitialKeys wrong =
          InitialKeys.derive(p.mac(), h.version, OTHER_DCID, 0, OTHER_DCID.length, server);
      int m = p.decrypt(data, h, wrong);
      checkDecrypt(h, m);
      if (plain != null && !Arrays.equals(dcid, OTHER_DCID)) {
        assertTrue(m < 0, "the packet decrypts with the keys of another DCID too");
      }
      if (plain != null) {
        frames(plain, QuicVersions.isGoogle(h.version));
      }
    }
  }

  @FuzzTest(maxDuration = "10s")
  void validInitial(byte[] data) throws Exception {
    if (data.length < 8) {
      return;
    }
    int[] versions = {1, 0x6b3343cf, 0xff00001d};
    int version = versions[(data[0] & 0xff) % versions.length];
    int dcidLen = (data[1] & 0xff) % (LongHeader.MAX_CID + 1);
    int pn = ((data[2] & 0xff) << 8) | (data[3] & 0xff);
    int flipAt = ((data[4] & 0xff) << 8) | (data[5] & 0xff);
    int flip = data[6] & 0xff;
    int at = 7;
    byte[] dcid = Arrays.copyOfRange(data, at, Math.min(data.length, at + dcidLen));
    at += dcid.length;
    byte[] payload = Arrays.copyOfRange(data, at, data.length);
    if (payload.length < 20) {
      payload = Arrays.copyOf(payload, 20); // room for the header-protection sample
    }
    byte[] scid = {1, 2, 3, 4};
    InitialKeys k = InitialBuilder.keys(version, dcid, false);
    byte[] pkt = InitialBuilder.initial(version, dcid, scid, new byte[0], pn, payload, k);
    LongHeader h = new LongHeader();
    assertEquals(LongHeader.OK, h.parse(pkt, 0, pkt.length));
    assertEquals(QuicVersions.TYPE_INITIAL, h.type);
    assertArrayEquals(dcid, Arrays.copyOfRange(pkt, h.dcidOff, h.dcidOff + h.dcidLen));
    PacketProtection p = new PacketProtection();
    // The receiver's keys come from the DCID it reads off the packet, as the tracker does.
    InitialKeys rk = InitialKeys.derive(p.mac(), version, pkt, h.dcidOff, h.dcidLen, false);
    int n = p.decrypt(pkt, h, rk);
    assertEquals(payload.length, n, "a valid Initial did not decrypt");
    assertArrayEquals(payload, Arrays.copyOf(p.plaintext(), n));
    assertEquals(pn, p.packetNumber());
    assertTrue(p.decrypt(pkt, h, InitialBuilder.keys(version, dcid, true)) < 0,
        "decrypts with the server's keys");
    frames(payload, false);
    if (flip != 0) {
      byte[] bad = pkt.clone();
      bad[flipAt % bad.length] ^= (byte) flip;
      LongHeader hb = new LongHeader();
      if (hb.parse(bad, 0, bad.length) == LongHeader.OK && hb.type == QuicVersions.TYPE_INITIAL) {
        InitialKeys bk =
            InitialKeys.derive(p.mac(), hb.version, bad, hb.dcidOff, hb.dcidLen, false);
        int m = p.decrypt(bad, hb, bk);
        checkDecrypt(hb, m);
        assertTrue(m < 0, "a packet with byte " + (flipAt % bad.length) + " changed decrypts");
      }
    }
  }

  @FuzzTest(maxDuration = "10s")
  void cryptoFrames(byte[] data) {
    if (data.length < 1) {
      return;
    }
    int pieces = Math.min(data[0] & 0xff, (data.length - 1) / 4);
    int at = 1 + 4 * pieces;
    byte[] message =
        at < data.length ? Arrays.copyOfRange(data, at, data.length) : QuicVectors.clientHelloMessage();
    List<long[]> script = new ArrayList<>(); // offset, length, flags
    if (pieces == 0) {
      script.add(new long[] {0, message.length, 0});
    }
    for (int i = 0; i < pieces; i++) {
      int b = 1 + 4 * i;
      long off = (((data[b] & 0xff) << 8) | (data[b + 1] & 0xff)) % (message.length + 64);
      int len = data[b + 2] & 0xff;
      int flags = data[b + 3] & 0xff;
      if ((flags & 0x80) != 0) {
        off += 1L << 30; // far past the cap: an 8-byte varint
      }
      script.add(new long[] {off, len, flags});
    }
    // What the stream must hand on: for every byte, its first copy (later copies are ignored
    // whatever they hold), then the contiguous run from 0, unless a frame passed the cap.
    byte[] first = new byte[CAP];
    boolean[] have = new boolean[CAP];
    boolean pastCap = false;
    List<byte[]> frames = new ArrayList<>();
    for (long[] s : script) {
      byte[] d = pieceData(message, s);
      frames.add(frame(s[0], d, (int) s[2]));
      if (s[0] + d.length > CAP) {
        pastCap = true;
        continue;
      }
      for (int i = 0; i < d.length; i++) {
        int o = (int) s[0] + i;
        if (!have[o]) {
          have[o] = true;
          first[o] = d[i];
        }
      }
    }
    int prefix = 0;
    while (prefix < CAP && have[prefix]) {
      prefix++;
    }

    Counters c1 = new Counters();
    CryptoStream one = new CryptoStream(c1, CAP, new HandshakeAssembler(c1, CAP));
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      payload.write(1); // PING
      payload.writeBytes(f);
    }
    byte[] pl = payload.toByteArray();
    int s1 = one.acceptFrames(pl, 0, pl.length);
    checkStream(one, s1);

    Counters c2 = new Counters();
    CryptoStream perPacket = new CryptoStream(c2, CAP, new HandshakeAssembler(c2, CAP));
    int s2 = HandshakeAssembler.NEED_MORE;
    for (byte[] f : frames) {
      byte[] own = Arrays.copyOf(f, f.length + 3); // followed by padding, in an array of its own
      s2 = perPacket.acceptFrames(own, 0, own.length);
      checkStream(perPacket, s2);
    }
    assertEquals(result(one, s1), result(perPacket, s2), "result depends on the packets");
    assertEquals(c1.totalAnomalies(), c2.totalAnomalies());
    assertEquals(0, c1.get(Anomaly.QUIC_FRAME_INVALID), "a well-formed frame counted invalid");

    if (!pastCap) {
      Counters c3 = new Counters();
      HandshakeAssembler ref = new HandshakeAssembler(c3, CAP);
      int s3 = prefix > 0 ? ref.accept(first, 0, prefix) : HandshakeAssembler.NEED_MORE;
      assertEquals(result(ref, s3), result(one, s1),
          "not what the first copies' contiguous " + prefix + " bytes give");
    } else {
      // A frame past the cap ends the direction (counted), unless its hello was already done.
      assertNotEquals(HandshakeAssembler.NEED_MORE, s1, "a frame past the cap was accepted");
      assertTrue(s1 == HandshakeAssembler.DONE || c1.get(Anomaly.QUIC_CRYPTO_CAP) > 0
          || c1.totalAnomalies() > 0);
    }
    one.release();
    perPacket.release();
    assertEquals(0, one.bufferedBytes());
    assertEquals(0, perPacket.bufferedBytes());
  }

  /** The bytes of a script entry: the message's own (zeros past its end), altered if flagged. */
  private static byte[] pieceData(byte[] message, long[] s) {
    byte[] d = new byte[(int) s[1]];
    for (int i = 0; i < d.length; i++) {
      long o = (s[0] & ((1L << 30) - 1)) + i;
      d[i] = o < message.length ? message[(int) o] : 0;
      if ((s[2] & 0x01) != 0) {
        d[i] ^= 0x5a; // a copy with other bytes
      }
    }
    return d;
  }

  /** A CRYPTO frame; flag bit 1 chooses 4-byte varints where 2-byte ones would do. */
  private static byte[] frame(long offset, byte[] d, int flags) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x06);
    varint(f, offset, (flags & 0x02) != 0);
    varint(f, d.length, (flags & 0x04) != 0);
    f.writeBytes(d);
    return f.toByteArray();
  }

  private static void varint(ByteArrayOutputStream f, long v, boolean wide) {
    if (v >= (1L << 30)) {
      for (int i = 7; i >= 0; i--) {
        f.write((int) (i == 7 ? 0xc0 | (v >>> 56) : v >>> (8 * i)));
      }
    } else if (wide || v >= (1 << 14)) {
      f.write((int) (0x80 | (v >>> 24)));
      f.write((int) (v >>> 16));
      f.write((int) (v >>> 8));
      f.write((int) v);
    } else {
      f.write((int) (0x40 | (v >>> 8)));
      f.write((int) v);
    }
  }

  /** Reads decrypted frames into a stream, whole and one byte short: never throws, bounded. */
  private static void frames(byte[] plain, boolean google) {
    Counters c = new Counters();
    CryptoStream s = new CryptoStream(c, CAP, new HandshakeAssembler(c, CAP));
    int st = s.acceptFrames(plain.clone(), 0, plain.length, google);
    checkStream(s, st);
    if (s.assembler().clientHello() != null) {
      FingerprintInvariants.checkClientHello(s.assembler().clientHello());
    }
    if (s.assembler().serverHello() != null) {
      FingerprintInvariants.checkServerHello(s.assembler().serverHello());
    }
    s.release();
    assertEquals(0, s.bufferedBytes());
  }

  private static void checkStream(CryptoStream s, int status) {
    assertEquals(status, s.status());
    int held = s.bufferedBytes() + s.assembler().bufferedBytes();
    // The stream buffer holds at most CAP bytes of stream, plus its bitmap (one bit per byte).
    int streamBound = CAP + 8 * ((CAP + 63) / 64);
    assertTrue(s.bufferedBytes() <= streamBound && s.assembler().bufferedBytes() <= CAP,
        "buffers of " + s.bufferedBytes() + " + " + s.assembler().bufferedBytes() + " bytes, cap "
            + CAP);
    if (status != HandshakeAssembler.NEED_MORE) {
      assertEquals(0, held, "buffers kept after status " + status);
    }
  }

  private static void checkDecrypt(LongHeader h, int n) {
    assertTrue(n == PacketProtection.TAG_FAILURE || n == PacketProtection.TOO_SHORT || n >= 0);
    if (n >= 0) {
      assertTrue(n <= h.end - h.pnOff - 1 - 16, "plaintext of " + n + " bytes");
    }
  }

  private static String result(CryptoStream s, int status) {
    return result(s.assembler(), status);
  }

  private static String result(HandshakeAssembler a, int status) {
    return status + " " + FingerprintInvariants.describe(a.clientHello()) + " "
        + FingerprintInvariants.describe(a.serverHello());
  }

  private static String describe(LongHeader h, int r, int shift) {
    if (r != LongHeader.OK) {
      return "result " + r + (r == LongHeader.INVALID ? "" : " end " + (h.end - shift));
    }
    return "ok v" + Integer.toHexString(h.version) + " type " + h.type + " dcid "
        + (h.dcidOff - shift) + "+" + h.dcidLen + " scid " + (h.scidOff - shift) + "+" + h.scidLen
        + " token " + (h.tokenOff - shift) + "+" + h.tokenLen + " pn " + (h.pnOff - shift) + " end "
        + (h.end - shift);
  }
}
