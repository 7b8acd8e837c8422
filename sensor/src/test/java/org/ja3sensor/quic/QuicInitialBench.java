package org.ja3sensor.quic;

import java.util.concurrent.TimeUnit;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.HandshakeAssembler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Client Initial processing on the RFC 9001 A.2 packet (1,200 bytes, a 241-byte ClientHello), in
 * parts and whole: the key derivation alone ({@link #deriveKeys}: HKDF on HmacSHA256, both
 * directions' worth is twice this), header protection and AES-GCM with the tag verified alone
 * ({@link #decrypt}), the hello with keys derived afresh (a new connection) and with the
 * connection's cached keys (a second Initial of the same DCID), and through {@link QuicTracker}
 * with a new UDP flow per Initial (flow table, keys, decryption, CRYPTO, hello).
 *
 * <p>Run: {@code bench/jmh.sh -f 1 QuicInitialBench}; with the JIT of {@code bin/ja3sensor
 * read} (C1 only, no AES or GHASH intrinsics): {@code bench/jmh.sh -f 1 -jvmArgsAppend
 * -XX:TieredStopAtLevel=1 QuicInitialBench}. It lives in this package, not with the other
 * benchmarks in {@code org.ja3sensor.bench}, because it times package-private parts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QuicInitialBench {
  private byte[] packet;
  private final LongHeader hdr = new LongHeader();
  private final PacketProtection protection = new PacketProtection();
  private final Counters counters = new Counters();
  private InitialKeys cached;
  private QuicTracker tracker;
  private final DecodedPacket dp = new DecodedPacket();
  private int port;
  private long ts;

  @Setup
  public void setup() {
    packet = QuicVectors.packet("rfc9001-a2-client-initial");
    hdr.parse(packet, 0, packet.length);
    cached = InitialKeys.derive(protection.mac(), QuicVersions.V1, QuicVectors.DCID, 0, 8, false);
    tracker = new QuicTracker(counters, (f, why) -> { }, 100_000, 30_000_000_000L, 16384);
    dp.udp = true;
    dp.srcLo = 0xffff0a000001L;
    dp.dstLo = 0xffff0a000002L;
    dp.dstPort = 443;
    dp.payload = packet;
    dp.payloadLen = packet.length;
    dp.payloadWireLen = packet.length;
  }

  private ClientHello hello(InitialKeys k) {
    int n = protection.decrypt(packet, hdr, k);
    CryptoStream s =
        new CryptoStream(counters, 16384, new HandshakeAssembler(counters, 16384));
    s.acceptFrames(protection.plaintext(), 0, n);
    return s.assembler().clientHello();
  }

  @Benchmark
  public InitialKeys deriveKeys() {
    return InitialKeys.derive(
        protection.mac(), QuicVersions.V1, packet, hdr.dcidOff, hdr.dcidLen, false);
  }

  @Benchmark
  public int decrypt() {
    return protection.decrypt(packet, hdr, cached);
  }

  @Benchmark
  public ClientHello newKeys() {
    return hello(
        InitialKeys.derive(protection.mac(), QuicVersions.V1, packet, hdr.dcidOff, hdr.dcidLen,
            false));
  }

  @Benchmark
  public ClientHello cachedKeys() {
    return hello(cached);
  }

  @Benchmark
  public long trackerNewFlow() {
    dp.srcPort = (port++ & 0xffff);
    dp.srcLo = 0xffff0a000000L | ((port >>> 16) & 0xffff);
    tracker.onDatagram(dp, ts += 1000, 0);
    return counters.quicHellos;
  }
}
