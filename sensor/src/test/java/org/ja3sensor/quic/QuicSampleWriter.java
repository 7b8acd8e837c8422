package org.ja3sensor.quic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Writes {@code samples/quic-variants.pcap} (run by samples/record-quic.sh): QUIC connections
 * between 10.0.0.1 and 10.0.0.2:443, one UDP flow each, made of the RFC Appendix A Initials and of
 * generated Initials ({@link InitialBuilder}): the RFC 9001 v1 and RFC 9369 v2 exchanges; a
 * ClientHello in two Initials sent second-first with the first one duplicated and the CRYPTO
 * frames shuffled among PING and PADDING; the same with a Retry before the second attempt. The
 * expected values come from tshark, which decrypts Initials itself.
 */
public final class QuicSampleWriter {
  private final ByteArrayOutputStream pcap = new ByteArrayOutputStream();
  private long usec = 1_700_000_000_000_000L;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "samples/quic-variants.pcap");
    Files.write(out, new QuicSampleWriter().build());
  }

  byte[] build() throws Exception {
    header();
    byte[] hello = QuicVectors.clientHelloMessage();
    // 1, 2: the RFC exchanges
    frame(50001, true, QuicVectors.packet("rfc9001-a2-client-initial"));
    frame(50001, false, QuicVectors.packet("rfc9001-a3-server-initial"));
    frame(50002, true, QuicVectors.packet("rfc9369-a2-client-initial"));
    frame(50002, false, QuicVectors.packet("rfc9369-a3-server-initial"));
    // 3: two Initials, reordered, one duplicated, CRYPTO frames shuffled
    for (int version : new int[] {QuicVersions.V1, QuicVersions.V2}) {
      byte[] dcid = QuicVersions.hex(version == QuicVersions.V1 ? "1122334455667788" : "8877665544332211");
      byte[] scid = QuicVersions.hex("c0c1c2c3");
      InitialKeys ck = InitialBuilder.keys(version, dcid, false);
      List<byte[]> frames = InitialBuilder.cryptoFrames(hello, 40, 90, 160, 200);
      Collections.shuffle(frames, new Random(version));
      byte[] p1 = InitialBuilder.initial(version, dcid, scid, new byte[0], 0,
          InitialBuilder.payload(frames.subList(0, 3), 1150), ck);
      byte[] p2 = InitialBuilder.initial(version, dcid, scid, new byte[0], 1,
          InitialBuilder.payload(frames.subList(3, frames.size()), 1150), ck);
      int port = version == QuicVersions.V1 ? 50003 : 50004;
      frame(port, true, p2);
      frame(port, true, p1);
      frame(port, true, p1);
      frame(port, false, InitialBuilder.initial(version, scid, QuicVersions.hex("5e5e5e5e"),
          new byte[0], 0, QuicVectors.A3_PAYLOAD, InitialBuilder.keys(version, dcid, true)));
    }
    // 4: a Retry: the client starts again with keys from the Retry's Source Connection ID
    byte[] dcid1 = QuicVersions.hex("0102030405060708");
    byte[] scid = QuicVersions.hex("c1c2c3c4");
    byte[] dcid2 = QuicVersions.hex("a1a2a3a4a5a6a7a8a9");
    byte[] token = QuicVersions.hex("746f6b656e2d6f662d74686520726574727921");
    frame(50005, true, InitialBuilder.initial(QuicVersions.V1, dcid1, scid, new byte[0], 0,
        InitialBuilder.payload(InitialBuilder.cryptoFrames(hello), 1150),
        InitialBuilder.keys(QuicVersions.V1, dcid1, false)));
    frame(50005, false, InitialBuilder.retry(QuicVersions.V1, scid, dcid2, token));
    frame(50005, true, InitialBuilder.initial(QuicVersions.V1, dcid2, scid, token, 1,
        InitialBuilder.payload(InitialBuilder.cryptoFrames(hello, 120), 1150),
        InitialBuilder.keys(QuicVersions.V1, dcid2, false)));
    frame(50005, false, InitialBuilder.initial(QuicVersions.V1, scid, QuicVersions.hex("5e5e5e5e"),
        new byte[0], 0, QuicVectors.A3_PAYLOAD, InitialBuilder.keys(QuicVersions.V1, dcid2, true)));
    return pcap.toByteArray();
  }

  private void header() {
    le32(0xa1b2c3d4);
    le16(2);
    le16(4);
    le32(0);
    le32(0);
    le32(65535);
    le32(1); // Ethernet
  }

  private void frame(int clientPort, boolean fromClient, byte[] udpPayload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(new byte[] {2, 0, 0, 0, 0, (byte) (fromClient ? 0x0b : 0x0a)});
    f.write(new byte[] {2, 0, 0, 0, 0, (byte) (fromClient ? 0x0a : 0x0b)});
    f.write(new byte[] {0x08, 0x00});
    int ipLen = 20 + 8 + udpPayload.length;
    byte[] ip = {0x45, 0, (byte) (ipLen >>> 8), (byte) ipLen, 0, 0, 0x40, 0, 64, 17, 0, 0,
        10, 0, 0, (byte) (fromClient ? 1 : 2), 10, 0, 0, (byte) (fromClient ? 2 : 1)};
    int sum = 0;
    for (int i = 0; i < 20; i += 2) {
      sum += ((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff);
    }
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = ~((sum & 0xffff) + (sum >>> 16)) & 0xffff;
    ip[10] = (byte) (sum >>> 8);
    ip[11] = (byte) sum;
    f.write(ip);
    int sport = fromClient ? clientPort : 443;
    int dport = fromClient ? 443 : clientPort;
    int udpLen = 8 + udpPayload.length;
    f.write(new byte[] {(byte) (sport >>> 8), (byte) sport, (byte) (dport >>> 8), (byte) dport,
        (byte) (udpLen >>> 8), (byte) udpLen, 0, 0});
    f.write(udpPayload);
    byte[] b = f.toByteArray();
    usec += 1000;
    le32((int) (usec / 1_000_000));
    le32((int) (usec % 1_000_000));
    le32(b.length);
    le32(b.length);
    pcap.write(b);
  }

  private void le32(int v) {
    pcap.write(v);
    pcap.write(v >>> 8);
    pcap.write(v >>> 16);
    pcap.write(v >>> 24);
  }

  private void le16(int v) {
    pcap.write(v);
    pcap.write(v >>> 8);
  }
}
