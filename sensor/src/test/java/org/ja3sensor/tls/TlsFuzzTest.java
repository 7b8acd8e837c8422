package org.ja3sensor.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.fingerprint.FingerprintInvariants;

/**
 * Coverage-guided fuzz targets (Jazzer) for the TLS layer: the record reader, the handshake
 * assembler and the hello parser, and every fingerprint of what they accept. {@code mvn test}
 * runs each target on its saved inputs (seeds cut from the samples and the conformance corpus by
 * {@code scripts/fuzz-seeds.py}, and every past finding) under {@code
 * src/test/resources/org/ja3sensor/tls/TlsFuzzTestInputs/<method>/}; {@code scripts/fuzz.sh}
 * fuzzes them. Input layout: byte 0 chooses how the rest is cut into chunks (or, for the parser,
 * which hello and where in the buffer), the rest is the stream.
 *
 * <p>Invariants, beyond "nothing thrown": the result and the anomalies counted are the same
 * whatever the chunking; a hello comes with DONE and only with DONE; the buffers stay within
 * {@code maxHandshakeBytes} and are gone after DONE, GAVE_UP or release; the parser reads nothing
 * outside its slice and says why it refused; every fingerprint of an accepted hello is well formed
 * ({@link FingerprintInvariants}).
 */
class TlsFuzzTest {
  /** Small enough that the fuzzer reaches the cap, large enough for real hellos. */
  private static final int MAX_HANDSHAKE = 24 * 1024;

  private static final int SCAN_LIMIT = 512;

  @FuzzTest(maxDuration = "10s")
  void recordReader(byte[] data) {
    if (data.length == 0) {
      return;
    }
    byte[] stream = Arrays.copyOfRange(data, 1, data.length);
    Counters whole = new Counters();
    RecordReader a = new RecordReader(whole, SCAN_LIMIT, MAX_HANDSHAKE);
    int sa = a.feed(stream, 0, stream.length);
    checkBuffers(sa, a.bufferedBytes());
    String resultA = readerResult(a, sa);

    Counters chunked = new Counters();
    RecordReader b = new RecordReader(chunked, SCAN_LIMIT, MAX_HANDSHAKE);
    int sb = RecordReader.NEED_MORE;
    SplittableRandom cuts = new SplittableRandom(data[0]);
    for (int off = 0; off < stream.length && sb == RecordReader.NEED_MORE; ) {
      int n = chunk(cuts, data[0], stream.length - off);
      // Each chunk at the end of an array of its own: a read past the chunk throws.
      byte[] c = Arrays.copyOfRange(stream, off, off + n);
      sb = b.feed(c, 0, n);
      checkBuffers(sb, b.bufferedBytes());
      off += n;
    }
    assertEquals(resultA, readerResult(b, sb), "result depends on the chunking");
    assertSameAnomalies(whole, chunked);
    checkHellos(a.clientHello(), a.serverHello());

    a.release();
    b.release();
    assertEquals(0, a.bufferedBytes());
    assertEquals(0, b.bufferedBytes());
    assertTrue(a.status() != RecordReader.NEED_MORE);
    boolean found = a.clientHello() != null || a.serverHello() != null || a.sslv2ClientHello();
    assertEquals(found ? RecordReader.DONE : RecordReader.GAVE_UP, a.status());
  }

  @FuzzTest(maxDuration = "10s")
  void handshakeAssembler(byte[] data) {
    if (data.length == 0) {
      return;
    }
    byte[] stream = Arrays.copyOfRange(data, 1, data.length);
    Counters whole = new Counters();
    HandshakeAssembler a = new HandshakeAssembler(whole, MAX_HANDSHAKE);
    int sa = a.accept(stream, 0, stream.length);
    checkBuffers(sa, a.bufferedBytes());
    String resultA = assemblerResult(a, sa);

    Counters chunked = new Counters();
    HandshakeAssembler b = new HandshakeAssembler(chunked, MAX_HANDSHAKE);
    int sb = HandshakeAssembler.NEED_MORE;
    SplittableRandom cuts = new SplittableRandom(data[0]);
    for (int off = 0; off < stream.length && sb == HandshakeAssembler.NEED_MORE; ) {
      int n = chunk(cuts, data[0], stream.length - off);
      byte[] c = Arrays.copyOfRange(stream, off, off + n);
      sb = b.accept(c, 0, n);
      checkBuffers(sb, b.bufferedBytes());
      off += n;
    }
    assertEquals(resultA, assemblerResult(b, sb), "result depends on the chunking");
    assertSameAnomalies(whole, chunked);
    checkHellos(a.clientHello(), a.serverHello());
    if (sa == HandshakeAssembler.NEED_MORE) {
      // The stream stops for good: an incomplete hello is counted, never silent.
      long before = whole.totalAnomalies();
      boolean helloBegun = a.inMessage();
      a.interrupted();
      assertEquals(HandshakeAssembler.GAVE_UP, a.status());
      if (helloBegun) {
        assertEquals(before + 1, whole.totalAnomalies(), "an interrupted hello is not counted");
      }
    }
    a.release();
    assertEquals(0, a.bufferedBytes());
  }

  @FuzzTest(maxDuration = "10s")
  void helloParser(byte[] data) {
    if (data.length == 0) {
      return;
    }
    boolean server = (data[0] & 1) != 0;
    int len = data.length - 1;
    int pad = (data[0] & 0xff) >>> 1;
    // The body alone in its array, and inside a larger one between junk bytes: the same result
    // (the parser must read nothing outside its slice).
    byte[] alone = Arrays.copyOfRange(data, 1, data.length);
    byte[] framed = new byte[pad + len + pad];
    Arrays.fill(framed, (byte) 0xff);
    System.arraycopy(alone, 0, framed, pad, len);
    HelloParser.Report report = new HelloParser.Report();
    HelloParser.Report report2 = new HelloParser.Report();
    if (server) {
      ServerHello sh = HelloParser.parseServerHello(alone, 0, len, report);
      ServerHello sh2 = HelloParser.parseServerHello(framed, pad, len, report2);
      assertEquals(FingerprintInvariants.describe(sh), FingerprintInvariants.describe(sh2));
      // TLS 1.3 drafts before 22 have neither session id nor compression method: two bytes
      // fewer than MIN_SERVER_HELLO (a finding of this target; those hellos always carry
      // extensions in practice, so the scan's use of MIN_SERVER_HELLO loses none).
      checkReport(sh == null, report, len < HelloParser.MIN_SERVER_HELLO - 2);
      if (sh != null) {
        FingerprintInvariants.checkServerHello(sh);
      }
    } else {
      ClientHello ch = HelloParser.parseClientHello(alone, 0, len, report);
      ClientHello ch2 = HelloParser.parseClientHello(framed, pad, len, report2);
      assertEquals(FingerprintInvariants.describe(ch), FingerprintInvariants.describe(ch2));
      // Empty cipher suite and compression lists parse (tolerated, as tshark does): three bytes
      // fewer than MIN_CLIENT_HELLO (a finding of this target).
      checkReport(ch == null, report, len < HelloParser.MIN_CLIENT_HELLO - 3);
      if (ch != null) {
        FingerprintInvariants.checkClientHello(ch);
      }
    }
    assertEquals(report.error(), report2.error());
    assertEquals(report.irregularities(), report2.irregularities());
  }

  private static void checkReport(boolean refused, HelloParser.Report r, boolean tooShort) {
    if (refused) {
      assertNotNull(r.error(), "a refused hello without a reason");
      assertFalse(r.error().contains("\n"), r.error());
    } else {
      assertNull(r.error(), "an accepted hello with an error");
      assertFalse(tooShort, "a hello shorter than the smallest possible was accepted");
      assertEquals(r.irregularities() > 0, r.firstIrregularity() != null);
    }
  }

  /** Chunk sizes: mostly small (record and message headers split), sometimes large. */
  private static int chunk(SplittableRandom r, byte mode, int left) {
    int n =
        switch (mode & 3) {
          case 0 -> 1;
          case 1 -> 1 + r.nextInt(7);
          case 2 -> 1 + r.nextInt(300);
          default -> 1 + r.nextInt(4096);
        };
    return Math.min(n, left);
  }

  private static void checkBuffers(int status, int buffered) {
    // The hello's accumulator, then (server side, TLS 1.2 or older) the certificate's: each
    // within the cap.
    assertTrue(buffered >= 0 && buffered <= 2 * MAX_HANDSHAKE,
        "buffers of " + buffered + " bytes, cap " + MAX_HANDSHAKE);
    if (status != HandshakeAssembler.NEED_MORE) {
      assertEquals(0, buffered, "buffers kept after status " + status);
    }
  }

  private static String readerResult(RecordReader r, int status) {
    assertEquals(status, r.status());
    boolean hello = r.clientHello() != null || r.serverHello() != null || r.sslv2ClientHello();
    if (status == RecordReader.DONE) {
      assertTrue(hello, "DONE without a hello");
    } else if (hello) {
      // Only a TLS 1.2-or-older ServerHello lets the reader go on (to the Certificate message).
      assertTrue(status == RecordReader.NEED_MORE && r.serverHello() != null
          && r.readsCertificate(), "a hello with status " + status);
    }
    int found = (r.clientHello() != null ? 1 : 0) + (r.serverHello() != null ? 1 : 0)
        + (r.sslv2ClientHello() ? 1 : 0);
    assertTrue(found <= 1, "several hellos from one direction");
    return status + " " + FingerprintInvariants.describe(r.clientHello()) + " "
        + FingerprintInvariants.describe(r.serverHello()) + " " + r.sslv2ClientHello();
  }

  private static String assemblerResult(HandshakeAssembler a, int status) {
    assertEquals(status, a.status());
    boolean hello = a.clientHello() != null || a.serverHello() != null;
    assertEquals(status == HandshakeAssembler.DONE, hello, "DONE without a hello, or the reverse");
    assertFalse(a.clientHello() != null && a.serverHello() != null);
    return status + " " + FingerprintInvariants.describe(a.clientHello()) + " "
        + FingerprintInvariants.describe(a.serverHello());
  }

  private static void checkHellos(ClientHello ch, ServerHello sh) {
    if (ch != null) {
      FingerprintInvariants.checkClientHello(ch);
    }
    if (sh != null) {
      FingerprintInvariants.checkServerHello(sh);
    }
  }

  private static void assertSameAnomalies(Counters a, Counters b) {
    for (Anomaly an : Anomaly.values()) {
      assertEquals(a.get(an), b.get(an), "anomaly " + an.label() + " depends on the chunking");
    }
  }
}
