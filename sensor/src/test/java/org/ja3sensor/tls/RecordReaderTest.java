package org.ja3sensor.tls;

import static org.ja3sensor.tls.Hellos.bytes;
import static org.ja3sensor.tls.RecordReader.DONE;
import static org.ja3sensor.tls.RecordReader.GAVE_UP;
import static org.ja3sensor.tls.RecordReader.NEED_MORE;
import static org.ja3sensor.tls.TlsVectors.concat;
import static org.ja3sensor.tls.TlsVectors.message;
import static org.ja3sensor.tls.TlsVectors.record;
import static org.ja3sensor.tls.TlsVectors.reframe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ja3sensor.fingerprint.Ja3;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.tls.CorpusFacts.Fact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RecordReader on the corpus vectors, fed whole, split in two at every offset, byte by byte
 * and re-framed into records of other sizes; then one test per malformation and a fuzz test.
 */
class RecordReaderTest {

  static final int SCAN = 16 * 1024;
  static final int CAP = 128 * 1024;

  /** What a parser reported: the hello's fingerprint string, final status, anomalies. */
  static final class Outcome {
    final Counters counters = new Counters();
    final List<String> hellos = new ArrayList<>();
    final List<Object> records = new ArrayList<>();
    int status = NEED_MORE;
    int maxBuffered;

    /** Feeds the reader and records what it found when it finishes. */
    int feed(RecordReader p, byte[] b, int off, int len) {
      boolean before = p.status() == NEED_MORE;
      int st = p.feed(b, off, len);
      if (before && st == DONE) {
        if (p.clientHello() != null) {
          onClientHello(p.clientHello());
        } else if (p.serverHello() != null) {
          onServerHello(p.serverHello());
        } else if (p.sslv2ClientHello()) {
          onSslv2ClientHello();
        }
      }
      return st;
    }

    void onClientHello(ClientHello hello) {
      hellos.add("CH " + Ja3.ja3String(hello));
      records.add(hello);
    }

    void onServerHello(ServerHello hello) {
      hellos.add("SH " + Ja3.ja3sString(hello) + (hello.helloRetryRequest() ? " HRR" : ""));
      records.add(hello);
    }

    void onSslv2ClientHello() {
      hellos.add("SSLv2");
    }

    String summary() {
      StringBuilder s = new StringBuilder(hellos.toString()).append(" status=").append(status);
      for (Anomaly a : Anomaly.values()) {
        if (counters.get(a) > 0) {
          s.append(' ').append(a.label()).append('=').append(counters.get(a));
        }
      }
      return s.toString();
    }
  }

  /** Feeds the stream in chunks ending at the given cut offsets (ascending), then the rest. */
  static Outcome feed(byte[] stream, int scanLimit, int cap, int... cuts) {
    Outcome o = new Outcome();
    RecordReader p = new RecordReader(o.counters, scanLimit, cap);
    int from = 0;
    for (int i = 0; i <= cuts.length && o.status == NEED_MORE; i++) {
      int to = i < cuts.length ? cuts[i] : stream.length;
      o.status = o.feed(p, stream, from, to - from);
      o.maxBuffered = Math.max(o.maxBuffered, p.bufferedBytes());
      from = to;
    }
    if (o.status == NEED_MORE && p.readsCertificate()) {
      // A TLS 1.2-or-older ServerHello: the reader waits for the server's Certificate message;
      // these vectors end before it (as a stream ends: release, as the pipeline does).
      p.release();
      o.status = p.status();
      o.onServerHello(p.serverHello());
    }
    if (o.status != NEED_MORE) {
      assertEquals(0, p.bufferedBytes(), "buffers kept after the end");
    }
    return o;
  }

  static Outcome feed(byte[] stream) {
    return feed(stream, SCAN, CAP);
  }

  static Outcome feedBytewise(byte[] stream) {
    int[] cuts = new int[Math.max(0, stream.length - 1)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    return feed(stream, SCAN, CAP, cuts);
  }

  static String expected(Fact f) {
    return "[" + (f.serverHello() ? "SH " : "CH ") + f.string()
        + (f.vector().equals("hrr_sh") ? " HRR" : "") + "] status=1";
  }

  static Stream<Fact> facts() {
    return CorpusFacts.FACTS.stream();
  }

  static Stream<Fact> factsAtStreamStart() {
    return facts().filter(f -> TlsVectors.load(f.vector()).plaintextPrefix() == 0
        && !f.vector().equals("alert_then_sh"));
  }

  static Stream<Fact> factsAfterPlaintext() {
    return facts().filter(f -> TlsVectors.load(f.vector()).plaintextPrefix() > 0);
  }

  // --- corpus vectors, in every chunking ---

  @ParameterizedTest
  @MethodSource("facts")
  void wholeStream(Fact f) {
    assertEquals(expected(f), feed(TlsVectors.load(f.vector()).stream()).summary(), f.row());
  }

  @ParameterizedTest
  @MethodSource("facts")
  void splitInTwoAtEveryOffset(Fact f) {
    byte[] s = TlsVectors.load(f.vector()).stream();
    String want = expected(f);
    for (int cut = 0; cut <= s.length; cut++) {
      assertEquals(want, feed(s, SCAN, CAP, cut).summary(), "cut at " + cut);
    }
  }

  @ParameterizedTest
  @MethodSource("facts")
  void byteByByte(Fact f) {
    assertEquals(expected(f), feedBytewise(TlsVectors.load(f.vector()).stream()).summary());
  }

  @ParameterizedTest
  @MethodSource("factsAtStreamStart")
  void reframedIntoRecordsOfOtherSizes(Fact f) {
    byte[] hs = TlsVectors.load(f.vector()).handshakeBytes();
    String want = expected(f);
    int[][] framings = {{1}, {7}, {100}, {16384}, {1, 7, 100}, {3, 1000, 2}};
    for (int[] sizes : framings) {
      byte[] s = reframe(hs, sizes);
      assertEquals(want, feed(s).summary(), "records of " + Arrays.toString(sizes));
      assertEquals(want, feed(s, SCAN, CAP, s.length / 3, s.length / 2).summary());
    }
    assertEquals(want, feedBytewise(reframe(hs, 1, 7, 100)).summary());
  }

  @ParameterizedTest
  @MethodSource("factsAfterPlaintext")
  void reframedAfterAPlaintextPrefix(Fact f) {
    TlsVectors.Vector v = TlsVectors.load(f.vector());
    byte[] prefix = TlsVectors.slice(v.stream(), 0, v.plaintextPrefix());
    String want = expected(f);
    for (int[] sizes : new int[][] {{7}, {100}, {7, 1, 100}}) {
      byte[] s = concat(prefix, reframe(v.handshakeBytes(), sizes));
      assertEquals(want, feed(s).summary(), "records of " + Arrays.toString(sizes));
      assertEquals(want, feedBytewise(s).summary());
    }
  }

  @Test
  void sslv2ClientHellos() {
    for (String name : CorpusFacts.SSLV2_VECTORS) {
      byte[] s = TlsVectors.load(name).stream();
      String want = "[SSLv2] status=1 sslv2_client_hello=1";
      assertEquals(want, feed(s).summary(), name);
      assertEquals(want, feedBytewise(s).summary(), name);
      for (int cut = 0; cut <= s.length; cut++) {
        assertEquals(want, feed(s, SCAN, CAP, cut).summary(), name + " cut at " + cut);
      }
    }
  }

  @Test
  void recordsDeliveredAreTheParsedHellos() {
    Outcome o = feed(TlsVectors.load("smtp_starttls_ch").stream());
    ClientHello ch = (ClientHello) o.records.get(0);
    assertEquals(0x0301, ch.legacyVersion());
    Outcome s = feed(TlsVectors.load("hrr_sh").stream());
    assertTrue(((ServerHello) s.records.get(0)).helloRetryRequest());
  }

  // --- record and message layout ---

  @Test
  void severalHandshakeMessagesInOneRecord() {
    byte[] ch = TlsVectors.load("chrome_ch").helloMessage();
    byte[] certificate = message(11, new byte[300]);
    byte[] s = record(22, concat(message(0, new byte[0]), ch, certificate));
    assertEquals("[CH " + CorpusFacts.FACTS.get(0).string() + "] status=1", feed(s).summary());
  }

  @Test
  void serverHelloFollowedByCertificateInOneRecord() {
    // ServerHello, Certificate and ServerHelloDone in one record spanning 1460-byte segments, as
    // some servers send them (the corpus has this layout only in FoxIO's captures).
    byte[] sh = TlsVectors.load("alpn_sh").helloMessage();
    // A Certificate body with one 5994-byte certificate (list length 5997).
    byte[] body = new byte[6000];
    body[1] = (byte) (5997 >>> 8);
    body[2] = (byte) 5997;
    body[4] = (byte) (5994 >>> 8);
    body[5] = (byte) 5994;
    byte[] s = record(22, concat(sh, message(11, body), message(14, new byte[0])));
    String want = "[SH 771,49199,65281-0-11-16-23] status=1";
    assertEquals(want, feed(s, SCAN, CAP, 1460, 2920, 4380).summary());
    assertEquals(want, feed(s, SCAN, CAP, 50).summary());
    assertEquals(want, feedBytewise(s).summary());
    RecordReader r = new RecordReader(new Counters(), SCAN, CAP);
    assertEquals(DONE, r.feed(s, 0, s.length));
    assertEquals(1, r.serverCertificates().chainLength());
    assertEquals(5994, r.serverCertificates().der(0).length);
  }

  @Test
  void helloRequestRecordsBeforeTheHelloAreSkipped() {
    byte[] ch = TlsVectors.load("chrome_ch").helloMessage();
    byte[] s = concat(record(22, message(0, new byte[0])), record(22, message(0, new byte[0])),
        record(22, ch));
    assertEquals(feed(TlsVectors.load("chrome_ch").stream()).summary(), feed(s).summary());
    assertEquals(feed(s).summary(), feedBytewise(s).summary());
  }

  @Test
  void zeroLengthRecordsAreSkipped() {
    byte[] ch = TlsVectors.load("chrome_ch").helloMessage();
    byte[] s = concat(record(22, new byte[0]), record(22, TlsVectors.slice(ch, 0, 10)),
        record(22, new byte[0]), record(22, TlsVectors.slice(ch, 10, ch.length - 10)));
    assertEquals(feed(TlsVectors.load("chrome_ch").stream()).summary(), feed(s).summary());
  }

  @Test
  void accumulatorHoldsOnlyTheMessageBeingAssembled() {
    byte[] s = TlsVectors.load("fragmented_ch").stream();
    Counters c = new Counters();
    Outcome o = new Outcome();
    RecordReader p = new RecordReader(c, SCAN, CAP);
    assertEquals(NEED_MORE, o.feed(p, s, 0, 5000));
    int held = p.bufferedBytes();
    assertTrue(held >= 5000 - 9 && held <= 16258, "held " + held);
    assertEquals(DONE, o.feed(p, s, 5000, s.length - 5000));
    assertEquals(0, p.bufferedBytes());
  }

  @Test
  void nothingIsDeliveredTwiceAndFeedingAfterTheEndIsHarmless() {
    byte[] s = TlsVectors.load("chrome_ch").stream();
    Outcome o = new Outcome();
    RecordReader p = new RecordReader(o.counters, SCAN, CAP);
    assertEquals(DONE, o.feed(p, s, 0, s.length));
    assertEquals(DONE, o.feed(p, s, 0, s.length));
    assertEquals(1, o.hellos.size());
    assertEquals(DONE, p.status());
  }

  @Test
  void releaseDropsTheAccumulator() {
    byte[] s = TlsVectors.load("huge_ch").stream();
    Outcome o = new Outcome();
    RecordReader p = new RecordReader(o.counters, SCAN, CAP);
    assertEquals(NEED_MORE, o.feed(p, s, 0, 3000));
    assertTrue(p.bufferedBytes() > 0);
    p.release();
    assertEquals(0, p.bufferedBytes());
    assertEquals(GAVE_UP, o.feed(p, s, 3000, s.length - 3000));
    assertEquals(0, o.hellos.size());
  }

  // --- content detection ---

  @Test
  void plaintextPrefixWithinTheScanLimit() {
    byte[] tls = TlsVectors.load("chrome_ch").stream();
    byte[] prefix = ascii(SCAN - 1);
    Outcome o = feed(concat(prefix, tls));
    assertEquals("[CH " + CorpusFacts.FACTS.get(0).string() + "] status=1", o.summary());
  }

  @Test
  void garbagePrefixBeyondTheScanLimit() {
    byte[] tls = TlsVectors.load("chrome_ch").stream();
    byte[] s = concat(ascii(SCAN), tls);
    assertEquals("[] status=2", feed(s).summary());
    assertEquals("[] status=2", feed(s, SCAN, CAP, 100, SCAN - 3, SCAN + 2).summary());
  }

  @Test
  void scanLimitZeroAcceptsTlsOnlyAtTheStart() {
    byte[] tls = TlsVectors.load("chrome_ch").stream();
    assertEquals(DONE, feed(tls, 0, CAP).status);
    assertEquals("[] status=2", feed(concat(ascii(1), tls), 0, CAP).summary());
  }

  @Test
  void plaintextStreamShorterThanTheScanLimitWaits() {
    Outcome o = feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("[] status=0", o.summary());
    assertTrue(o.maxBuffered == 0);
  }

  @Test
  void changeCipherSpecApplicationDataOrFatalAlertAtTheStartStop() {
    assertEquals("[] status=2", feed(concat(record(20, bytes(1)), new byte[100])).summary());
    assertEquals("[] status=2", feed(concat(record(23, new byte[40]), new byte[100])).summary());
    assertEquals("[] status=2", feed(record(21, bytes(2, 40))).summary());
    assertEquals("[] status=2", feed(record(21, new byte[26])).summary()); // encrypted alert
  }

  @Test
  void warningAlertBeforeTheServerHelloIsSkipped() {
    // ndpi/http_ipv6.pcap: Alert(warning, unrecognized_name) then ServerHello.
    byte[] s = TlsVectors.load("alert_then_sh").stream();
    assertEquals(21, s[0]);
    for (int cut = 1; cut < 12; cut++) {
      assertEquals("[SH 771,49199,0-65281-11-35] status=1",
          feed(s, SCAN, CAP, cut).summary());
    }
  }

  // --- malformations: one test each, the named anomaly, no exception ---

  @Test
  void recordLengthAboveTheMaximum() {
    byte[] s = TlsVectors.load("chrome_ch").stream().clone();
    s[3] = 0x48;
    s[4] = 0x01; // 18433
    assertEquals("[] status=2 tls_record_invalid=1", feed(s).summary());
  }

  @Test
  void recordLengthShorterThanTheHello() {
    // The record claims 100 bytes; the next "record header" is read from inside the hello.
    byte[] s = TlsVectors.load("chrome_ch").stream().clone();
    s[3] = 0;
    s[4] = 100;
    s[105] = 0x47; // not a content type
    assertEquals("[] status=2 tls_record_invalid=1", feed(s).summary());
  }

  @Test
  void recordVersionInvalid() {
    byte[] hs = TlsVectors.load("chrome_ch").handshakeBytes();
    byte[] s = reframe(hs, 100);
    s[105 + 2] = 9; // the second record's version 0x0309
    assertEquals("[] status=2 tls_record_invalid=1", feed(s).summary());
  }

  @Test
  void wrongContentTypeBetweenRecords() {
    byte[] hs = TlsVectors.load("chrome_ch").handshakeBytes();
    byte[] s = reframe(hs, 100);
    s[105] = 25; // neither handshake, alert, CCS nor application data
    assertEquals("[] status=2 tls_record_invalid=1", feed(s).summary());
  }

  @Test
  void handshakeLengthLongerThanTheMessage() {
    // The hello claims 100 bytes more than it has; the next record is ChangeCipherSpec.
    byte[] m = TlsVectors.load("chrome_ch").helloMessage().clone();
    int len = m.length - 4 + 100;
    m[2] = (byte) (len >> 8);
    m[3] = (byte) len;
    byte[] s = concat(record(22, m), record(20, bytes(1)));
    assertEquals("[] status=2 tls_client_hello_malformed=1", feed(s).summary());
    assertEquals("[] status=2 tls_client_hello_malformed=1", feedBytewise(s).summary());
  }

  @Test
  void handshakeLengthShorterThanTheMessage() {
    byte[] m = TlsVectors.load("chrome_ch").helloMessage().clone();
    int len = m.length - 4 - 50;
    m[2] = (byte) (len >> 8);
    m[3] = (byte) len;
    assertEquals("[] status=2 tls_client_hello_malformed=1", feed(record(22, m)).summary());
  }

  @Test
  void serverHelloHandshakeLengthShorterThanTheMessage() {
    byte[] m = TlsVectors.load("chrome_sh").helloMessage().clone();
    m[3] = (byte) ((m[3] & 0xff) - 3);
    assertEquals("[] status=2 tls_server_hello_malformed=1", feed(record(22, m)).summary());
  }

  @Test
  void oddCipherVectorIsDeliveredAndCountedIrregular() {
    byte[] body = Hellos.clientHello(new byte[0],
        Hellos.cipherVector(bytes(0x13, 1, 0xc0, 0x2b, 0x0a)), bytes(1, 0),
        Hellos.goodExtensions(), -1, new byte[0]);
    // tshark 4.0.17 gives this JA3 for the same hello ("1 trailing byte was unprocessed").
    assertEquals("[CH 771,4865-49195,0-23-10-11,29-23,0] status=1 tls_hello_irregular=1",
        feed(record(22, message(1, body))).summary());
  }

  @Test
  void cipherVectorOverflowingTheBody() {
    byte[] body = Hellos.clientHello(Hellos.goodExtensions());
    body[35] = (byte) 200;
    assertEquals("[] status=2 tls_client_hello_malformed=1",
        feed(record(22, message(1, body))).summary());
  }

  @Test
  void truncatedExtension() {
    byte[] exts = concat(Hellos.sni("a.test"), Hellos.groups(29), Hellos.u16(11),
        Hellos.u16(10), bytes(1, 0));
    assertEquals("[] status=2 tls_client_hello_malformed=1",
        feed(record(22, message(1, Hellos.clientHello(exts)))).summary());
  }

  @Test
  void extensionsLengthBeyondTheBody() {
    byte[] exts = Hellos.goodExtensions();
    byte[] body = Hellos.clientHelloExtLen(exts, exts.length + 1);
    assertEquals("[] status=2 tls_client_hello_malformed=1",
        feed(record(22, message(1, body))).summary());
  }

  @Test
  void emptyHelloMessage() {
    assertEquals("[] status=2 tls_client_hello_malformed=1",
        feed(record(22, message(1, new byte[0]))).summary());
  }

  @Test
  void helloAboveTheCap() {
    byte[] s = TlsVectors.load("fragmented_ch").stream();
    Outcome o = feed(s, SCAN, 16257, 100, 9000);
    assertEquals("[] status=2 tls_handshake_too_large=1", o.summary());
    assertEquals(0, o.maxBuffered);
    assertEquals(DONE, feed(s, SCAN, 16258, 100, 9000).status);
  }

  @Test
  void unexpectedFirstHandshakeMessage() {
    assertEquals("[] status=2 tls_unexpected_handshake=1",
        feed(record(22, message(11, new byte[50]))).summary());
    assertEquals("[] status=2 tls_unexpected_handshake=1",
        feed(record(22, message(0, new byte[3]))).summary()); // HelloRequest with a body
  }

  @Test
  void sslv2ServerHelloIsNotAClientHello() {
    // SSLv2 SERVER-HELLO (type 4) at the start: scanned as plaintext, nothing found.
    byte[] s = concat(bytes(0x80, 0x20, 4, 0, 1, 0, 2), new byte[30]);
    assertEquals("[] status=0", feed(s).summary());
  }

  // --- fuzz ---

  /**
   * Random mutations of every vector (byte changes, length-field changes, insertions, deletions,
   * truncations) fed in random chunkings with small and large caps: no exception, the buffer
   * never above the cap, nothing held after the end, at most one hello per parser.
   */
  @Test
  void fuzzedVectorsInRandomChunks() {
    Random rnd = new Random(0x5eed_1a3L);
    List<byte[]> seeds = new ArrayList<>();
    for (Fact f : CorpusFacts.FACTS) {
      seeds.add(TlsVectors.load(f.vector()).stream());
    }
    for (String n : CorpusFacts.SSLV2_VECTORS) {
      seeds.add(TlsVectors.load(n).stream());
    }
    int delivered = 0;
    for (int round = 0; round < 6000; round++) {
      byte[] s = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
      int cap = rnd.nextBoolean() ? CAP : 1 + rnd.nextInt(20_000);
      int scan = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(SCAN);
      Outcome o = new Outcome();
      RecordReader p = new RecordReader(o.counters, scan, cap);
      int off = 0;
      while (off < s.length && o.status == NEED_MORE) {
        int n = Math.min(s.length - off, rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(8)
            : 1 + rnd.nextInt(2000));
        o.status = o.feed(p, s, off, n);
        assertTrue(p.bufferedBytes() <= cap, "buffered " + p.bufferedBytes() + " > cap " + cap);
        off += n;
      }
      if (o.status != NEED_MORE) {
        assertEquals(0, p.bufferedBytes());
      }
      assertTrue(o.hellos.size() <= 1);
      delivered += o.hellos.size();
    }
    assertTrue(delivered > 1000, "the mutations should leave many hellos parseable: " + delivered);
  }

  private static byte[] mutate(byte[] seed, Random rnd) {
    byte[] s = seed.clone();
    int edits = 1 + rnd.nextInt(4);
    for (int e = 0; e < edits && s.length > 0; e++) {
      int at = rnd.nextInt(s.length);
      switch (rnd.nextInt(6)) {
        case 0 -> s[at] = (byte) rnd.nextInt(256);
        case 1 -> s[at] ^= (byte) (1 << rnd.nextInt(8));
        case 2 -> s[at] = (byte) (rnd.nextBoolean() ? 0 : 0xff); // length fields
        case 3 -> s = concat(TlsVectors.slice(s, 0, at), randomBytes(rnd, 1 + rnd.nextInt(40)),
            TlsVectors.slice(s, at, s.length - at));
        case 4 -> {
          int n = Math.min(s.length - at, 1 + rnd.nextInt(40));
          s = concat(TlsVectors.slice(s, 0, at), TlsVectors.slice(s, at + n, s.length - at - n));
        }
        default -> s = TlsVectors.slice(s, 0, at);
      }
    }
    return s;
  }

  private static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  private static byte[] ascii(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 64 == 63 ? '\n' : 'A' + i % 26);
    }
    return b;
  }
}
