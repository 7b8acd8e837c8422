package org.ja3sensor.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.cert.CertificateMessage;
import org.ja3sensor.cert.LeafCertificate;
import org.ja3sensor.cert.ServerCertificates;
import org.ja3sensor.core.Counters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-handshake certificate work, on real leaves recorded in samples/certs (see
 * docs/performance.md, "Certificates"): framing the Certificate message (packet thread), the three
 * hashes, the JDK's CertificateFactory parse, the event fields, and everything an event with the
 * matcher's policy flags costs (hashes, fields, the six flag checks; the self-signed check verifies
 * the signature when subject equals issuer). Each invocation starts from a fresh {@link
 * ServerCertificates}, as each handshake does.
 *
 * <p>{@code selfsigned}: RSA 2048 self-signed (the signature check runs); {@code leaf}: EC P-256
 * signed by an intermediate (no signature check).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CertificateBench {

  @Param({"selfsigned", "leaf"})
  public String cert;

  private byte[] body;
  /** Index in {@link #body} of the serial number's last byte. */
  private int serialEnd;
  private int serial;
  private Counters counters;
  private long now;

  @Setup
  public void setup() {
    byte[] der = der(Path.of(System.getProperty("ja3sensor.repoRoot", "."))
        .resolve("samples/certs/" + cert + ".pem"));
    // A Certificate message body holding this one certificate: list length, certificate length.
    body = new byte[6 + der.length];
    int list = 3 + der.length;
    body[0] = (byte) (list >>> 16);
    body[1] = (byte) (list >>> 8);
    body[2] = (byte) list;
    body[3] = (byte) (der.length >>> 16);
    body[4] = (byte) (der.length >>> 8);
    body[5] = (byte) der.length;
    System.arraycopy(der, 0, body, 6, der.length);
    // Certificate and tbsCertificate SEQUENCEs (two-byte lengths), version [0], then the serial.
    if ((der[0] & 0xff) != 0x30 || (der[1] & 0xff) != 0x82 || (der[4] & 0xff) != 0x30
        || (der[5] & 0xff) != 0x82 || (der[8] & 0xff) != 0xa0 || (der[13] & 0xff) != 0x02
        || der[14] < 3) {
      throw new IllegalStateException(cert + ": not the DER layout this benchmark expects");
    }
    serialEnd = 6 + 15 + der[14] - 1;
    counters = new Counters();
    now = System.currentTimeMillis();
  }

  /**
   * The JDK's X509Factory keeps the last 750 certificates it parsed, keyed by their encoding: the
   * same bytes again are a cache hit. This changes the serial number's last two bytes (a 16-bit
   * counter) so that every parse is a miss, as for a certificate not seen lately.
   */
  private void freshBytes() {
    serial++;
    body[serialEnd] = (byte) serial;
    body[serialEnd - 1] = (byte) (serial >>> 8);
  }

  private static byte[] der(Path pem) {
    try {
      String s = Files.readString(pem, StandardCharsets.US_ASCII);
      int a = s.indexOf("-----BEGIN CERTIFICATE-----") + 27;
      int b = s.indexOf("-----END CERTIFICATE-----");
      return Base64.getMimeDecoder().decode(s.substring(a, b));
    } catch (IOException e) {
      throw new UncheckedIOException("run from the repository root (samples/certs)", e);
    }
  }

  private LeafCertificate leaf() {
    // owned=false: the copy the assembler makes when the message came in one chunk.
    ServerCertificates chain = CertificateMessage.split(body, 0, body.length, false, counters);
    return chain.leaf();
  }

  /** Packet thread: framing and the one copy of the kept certificates. */
  @Benchmark
  public ServerCertificates frame() {
    return CertificateMessage.split(body, 0, body.length, false, counters);
  }

  /** SHA-1, SHA-256 and MD5 of the leaf, as hex. */
  @Benchmark
  public int hashes() {
    LeafCertificate l = leaf();
    return l.sha1().length() + l.sha256().length() + l.md5().length();
  }

  /** The JDK's CertificateFactory parse alone. */
  @Benchmark
  public Object parse() {
    return leaf().x509();
  }

  /** The parse of a certificate not in the JDK's cache. */
  @Benchmark
  public Object parseUncached() {
    freshBytes();
    return leaf().x509();
  }

  /** Parse and every event field (names split into parts, SANs, key, signature names). */
  @Benchmark
  public Object fields() {
    return leaf().fields();
  }

  /** What one event with a certificate costs: hashes, fields and the six policy checks. */
  @Benchmark
  public int perEvent() {
    return everything(leaf());
  }

  /** The same for a certificate not in the JDK's parse cache. */
  @Benchmark
  public int perEventUncached() {
    freshBytes();
    return everything(leaf());
  }

  private int everything(LeafCertificate l) {
    int n = l.sha1().length() + l.sha256().length() + l.md5().length();
    n += l.fields() != null ? 1 : 0;
    n += l.selfSigned() ? 1 : 0;
    n += l.expiredAt(now) ? 1 : 0;
    n += l.notYetValidAt(now) ? 1 : 0;
    n += l.weakKey() ? 1 : 0;
    n += l.weakSignature() ? 1 : 0;
    n += l.covers("www.example.org") ? 1 : 0;
    return n;
  }
}
