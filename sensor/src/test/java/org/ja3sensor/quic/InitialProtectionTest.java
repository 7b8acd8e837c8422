package org.ja3sensor.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.tls.HandshakeAssembler;
import org.junit.jupiter.api.Test;

/**
 * Initial key derivation, header protection and AES-GCM against RFC 9001 Appendix A (v1) and RFC
 * 9369 Appendix A (v2): the published keys, masks and full client and server Initials.
 */
class InitialProtectionTest {
  private final PacketProtection protection = new PacketProtection();

  @Test
  void v1KeysMatchRfc9001A1() throws Exception {
    assertEquals(
        "7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44",
        QuicVectors.hex(
            InitialKeys.initialSecret(protection.mac(), QuicVersions.V1, QuicVectors.DCID)));
    InitialKeys c = derive(QuicVersions.V1, false);
    assertEquals("1f369613dd76d5467730efcbe3b1a22d", QuicVectors.hex(c.keyBytes()));
    assertEquals("fa044b2f42a3fd3b46fb255c", QuicVectors.hex(c.ivBytes()));
    assertEquals("9f50449e04a0e810283a1e9933adedd2", QuicVectors.hex(c.hpBytes()));
    InitialKeys s = derive(QuicVersions.V1, true);
    assertEquals("cf3a5331653c364c88f0f379b6067e37", QuicVectors.hex(s.keyBytes()));
    assertEquals("0ac1493ca1905853b0bba03e", QuicVectors.hex(s.ivBytes()));
    assertEquals("c206b8d9b9f0f37644430b490eeaa314", QuicVectors.hex(s.hpBytes()));
  }

  @Test
  void v2KeysMatchRfc9369A1() {
    InitialKeys c = derive(QuicVersions.V2, false);
    assertEquals("8b1a0bc121284290a29e0971b5cd045d", QuicVectors.hex(c.keyBytes()));
    assertEquals("91f73e2351d8fa91660e909f", QuicVectors.hex(c.ivBytes()));
    assertEquals("45b95e15235d6f45a6b19cbcb0294ba9", QuicVectors.hex(c.hpBytes()));
    InitialKeys s = derive(QuicVersions.V2, true);
    assertEquals("dd13c276499c0249d3310652", QuicVectors.hex(s.ivBytes()));
    assertEquals("edf6d05c83121201b436e16877593c3a", QuicVectors.hex(s.hpBytes()));
  }

  @Test
  void v1ClientInitialDecryptsToTheRfcPayload() {
    byte[] pkt = QuicVectors.packet("rfc9001-a2-client-initial");
    assertEquals(1200, pkt.length);
    int n = decrypt(pkt, QuicVersions.V1, false);
    assertEquals("437b9aec36", QuicVectors.hex(protection.mask()).substring(0, 10));
    assertEquals(2, protection.packetNumber());
    assertEquals(1162, n);
    assertPayload(QuicVectors.A2_CRYPTO_FRAME, n);
  }

  @Test
  void v1ServerInitialDecryptsToTheRfcPayload() {
    byte[] pkt = QuicVectors.packet("rfc9001-a3-server-initial");
    int n = decrypt(pkt, QuicVersions.V1, true);
    assertEquals("2ec0d8356a", QuicVectors.hex(protection.mask()).substring(0, 10));
    assertEquals(1, protection.packetNumber());
    assertPayload(QuicVectors.A3_PAYLOAD, n);
    assertEquals(QuicVectors.A3_PAYLOAD.length, n);
  }

  @Test
  void v2ClientInitialDecryptsToTheRfcPayload() {
    byte[] pkt = QuicVectors.packet("rfc9369-a2-client-initial");
    int n = decrypt(pkt, QuicVersions.V2, false);
    assertEquals("94a0c95e80", QuicVectors.hex(protection.mask()).substring(0, 10));
    assertEquals(1162, n);
    assertPayload(QuicVectors.A2_CRYPTO_FRAME, n);
  }

  @Test
  void v2ServerInitialDecryptsToTheRfcPayload() {
    byte[] pkt = QuicVectors.packet("rfc9369-a3-server-initial");
    int n = decrypt(pkt, QuicVersions.V2, true);
    assertEquals("4dd92e91ea", QuicVectors.hex(protection.mask()).substring(0, 10));
    assertEquals(QuicVectors.A3_PAYLOAD.length, n);
    assertPayload(QuicVectors.A3_PAYLOAD, n);
  }

  @Test
  void aFlippedCiphertextByteFailsTheTag() {
    byte[] pkt = QuicVectors.packet("rfc9001-a2-client-initial");
    pkt[600] ^= 1;
    assertEquals(PacketProtection.TAG_FAILURE, decrypt(pkt, QuicVersions.V1, false));
    // and the v2 packet read with v1 keys is no Initial at all
    byte[] v2 = QuicVectors.packet("rfc9369-a2-client-initial");
    LongHeader h = new LongHeader();
    assertEquals(LongHeader.OK, h.parse(v2, 0, v2.length));
    InitialKeys wrong =
        InitialKeys.derive(protection.mac(), QuicVersions.V1, QuicVectors.DCID, 0, 8, false);
    assertEquals(PacketProtection.TAG_FAILURE, protection.decrypt(v2, h, wrong));
  }

  @Test
  void clientInitialYieldsTheExampleComClientHello() {
    byte[] pkt = QuicVectors.packet("rfc9001-a2-client-initial");
    int n = decrypt(pkt, QuicVersions.V1, false);
    Counters counters = new Counters();
    CryptoStream s = new CryptoStream(counters, 16384, new HandshakeAssembler(counters, 16384));
    assertEquals(HandshakeAssembler.DONE, s.acceptFrames(protection.plaintext(), 0, n));
    assertEquals("example.com", s.assembler().clientHello().serverName());
    assertEquals(0, counters.totalAnomalies());
  }

  @Test
  void serverInitialYieldsTheServerHelloAfterItsAck() {
    byte[] pkt = QuicVectors.packet("rfc9369-a3-server-initial");
    int n = decrypt(pkt, QuicVersions.V2, true);
    Counters counters = new Counters();
    CryptoStream s = new CryptoStream(counters, 16384, new HandshakeAssembler(counters, 16384));
    assertEquals(HandshakeAssembler.DONE, s.acceptFrames(protection.plaintext(), 0, n));
    assertNotNull(s.assembler().serverHello());
    assertEquals(0x1301, s.assembler().serverHello().cipherSuite());
    assertEquals(0x0304, s.assembler().serverHello().negotiatedVersion());
    assertNull(s.assembler().clientHello());
    assertEquals(0, counters.get(Anomaly.QUIC_FRAME_INVALID));
  }

  @Test
  void versionsAndPacketTypes() {
    assertEquals("0x6b3343cf", QuicVersions.hexString(QuicVersions.V2));
    assertEquals("0x00000001", QuicVersions.hexString(QuicVersions.V1));
    for (int draft = 22; draft <= 34; draft++) {
      assertNotNull(QuicVersions.salt(0xff000000 | draft), "draft " + draft);
    }
    assertNull(QuicVersions.salt(0xff000015));
    assertNull(QuicVersions.salt(0x51303530)); // gQUIC Q050: no TLS inside
    assertNotNull(QuicVersions.salt(QuicVersions.T051));
    assertNull(QuicVersions.salt(0x1a2a3a4a)); // a greased version
    assertEquals(QuicVersions.TYPE_INITIAL, QuicVersions.packetType(QuicVersions.V1, 0xc0));
    assertEquals(QuicVersions.TYPE_RETRY, QuicVersions.packetType(QuicVersions.V1, 0xf0));
    assertEquals(QuicVersions.TYPE_INITIAL, QuicVersions.packetType(QuicVersions.V2, 0xd0));
    assertEquals(QuicVersions.TYPE_0RTT, QuicVersions.packetType(QuicVersions.V2, 0xe0));
    assertEquals(QuicVersions.TYPE_HANDSHAKE, QuicVersions.packetType(QuicVersions.V2, 0xf0));
    assertEquals(QuicVersions.TYPE_RETRY, QuicVersions.packetType(QuicVersions.V2, 0xc0));
  }

  @Test
  void longHeaderFieldsOfTheClientInitial() {
    byte[] pkt = QuicVectors.packet("rfc9001-a2-client-initial");
    LongHeader h = new LongHeader();
    assertEquals(LongHeader.OK, h.parse(pkt, 0, pkt.length));
    assertEquals(8, h.dcidLen);
    assertEquals(0, h.scidLen);
    assertEquals(0, h.tokenLen);
    assertEquals(18, h.pnOff);
    assertEquals(18 + 1182, h.end);
    // a Length beyond the datagram is invalid, not read past
    assertEquals(LongHeader.INVALID, h.parse(pkt, 0, 1100));
    byte[] vn = QuicVersions.hex("8000000000040102030400000000010000000001");
    assertEquals(LongHeader.VERSION_NEGOTIATION, h.parse(vn, 0, vn.length));
  }

  @Test
  void decodeSniffsExactlyTheDecryptableVersions() {
    int[] samples = {1, QuicVersions.V2, 0xff000015, 0xff000016, 0xff000022, 0xff000023,
        0xfaceb001, 0xfaceb002, 0xfaceb00e, QuicVersions.T050, QuicVersions.T051, 0x51303530,
        0x1a2a3a4a, 0x00000002};
    for (int v : samples) {
      assertEquals(QuicVersions.isKnown(v),
          org.ja3sensor.decode.QuicSniff.isDecryptableVersion(v), QuicVersions.hexString(v));
    }
  }

  private InitialKeys derive(int version, boolean server) {
    return InitialKeys.derive(
        protection.mac(), version, QuicVectors.DCID, 0, QuicVectors.DCID.length, server);
  }

  private int decrypt(byte[] pkt, int version, boolean server) {
    LongHeader h = new LongHeader();
    assertEquals(LongHeader.OK, h.parse(pkt, 0, pkt.length));
    assertEquals(QuicVersions.TYPE_INITIAL, h.type);
    return protection.decrypt(pkt, h, derive(version, server));
  }

  private void assertPayload(byte[] prefix, int n) {
    byte[] got = new byte[prefix.length];
    System.arraycopy(protection.plaintext(), 0, got, 0, prefix.length);
    assertArrayEquals(prefix, got);
    for (int i = prefix.length; i < n; i++) {
      assertEquals(0, protection.plaintext()[i], "PADDING at " + i);
    }
  }
}
