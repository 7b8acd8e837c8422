package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.tls.RecordReader;

/**
 * Coverage-guided fuzz target (Jazzer) for the certificate path: the server's handshake bytes
 * after its ServerHello (TLS 1.2), assembled by {@link CertificateAssembler} directly and by a
 * {@link RecordReader} that first reads the ServerHello, then the leaf parse. Saved inputs under
 * {@code src/test/resources/org/ja3sensor/cert/CertificateFuzzTestInputs/chain/} (the leaf
 * certificates of the samples, cut by {@code scripts/fuzz-seeds.py}, and every past finding).
 *
 * <p>Input: byte 0 the number of certificates (0 to 100), byte 1 which length lies (list length
 * longer or shorter, the last certificate's length, a byte after the list, the message length, a
 * HelloRequest first, the leaf made 64 KiB of its own bytes), byte 2 the chunking and record
 * sizes, byte 3 where the stream is cut (0: not cut); the rest is the leaf (the other
 * certificates are prefixes of it).
 *
 * <p>Invariants: the same status, chain and anomalies whatever the chunking, and through the
 * record reader as directly; buffers within {@code maxHandshakeBytes}, none once done; an honest
 * message gives exactly its certificates (count, the first 16 kept, bytes, leaf SHA-1); a list or
 * last-certificate length that lies is counted malformed; a message cut short is counted
 * incomplete; the leaf parses exactly when the JDK's parser reads it, and asking its fields and
 * checks never throws.
 */
class CertificateFuzzTest {
  private static final int MAX = 80 * 1024;

  @FuzzTest(maxDuration = "10s")
  void chain(byte[] data) throws Exception {
    if (data.length < 4) {
      return;
    }
    int count = (data[0] & 0xff) % 101;
    int lies = data[1] & 0xff;
    int mode = data[2] & 0xff;
    int cutAt = data[3] & 0xff;
    byte[] leaf = Arrays.copyOfRange(data, 4, data.length);
    if ((lies & 0x80) != 0 && leaf.length > 0) {
      byte[] big = new byte[64 * 1024]; // 64 KiB: the leaf's bytes over and over
      for (int i = 0; i < big.length; i++) {
        big[i] = leaf[i % leaf.length];
      }
      leaf = big;
    }
    byte[][] certs = new byte[count][];
    for (int i = 0; i < count; i++) {
      certs[i] = i == 0 ? leaf : Arrays.copyOf(leaf, Math.min(leaf.length, 40 + 7 * i));
    }
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      int len = certs[i].length + (i == count - 1 && (lies & 0x04) != 0 ? 7 : 0);
      u24(list, len);
      list.writeBytes(certs[i]);
    }
    int listLen = list.size();
    if ((lies & 0x01) != 0) {
      listLen += 1 + (lies >>> 4);
    } else if ((lies & 0x02) != 0 && listLen > 0) {
      listLen -= 1;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u24(body, listLen);
    body.writeBytes(list.toByteArray());
    if ((lies & 0x08) != 0) {
      body.write(0);
    }
    int bodyLen = body.size() + ((lies & 0x10) != 0 ? 1 : 0);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    if ((lies & 0x20) != 0) {
      stream.writeBytes(new byte[] {0, 0, 0, 0}); // HelloRequest
    }
    int msgStart = stream.size();
    stream.write(11);
    u24(stream, bodyLen);
    stream.writeBytes(body.toByteArray());
    int msgEnd = msgStart + 4 + bodyLen;
    stream.writeBytes(new byte[] {14, 0, 0, 0}); // ServerHelloDone
    byte[] all = stream.toByteArray();
    int end = cutAt == 0 ? all.length : (int) ((long) all.length * cutAt / 256);
    byte[] s = Arrays.copyOf(all, end);

    Counters c1 = new Counters();
    CertificateAssembler whole = new CertificateAssembler(c1, MAX);
    int st1 = whole.accept(s, 0, s.length);
    checkBuffers(whole, st1);
    Counters c2 = new Counters();
    CertificateAssembler chunked = new CertificateAssembler(c2, MAX);
    SplittableRandom r = new SplittableRandom(mode);
    int st2 = CertificateAssembler.NEED_MORE;
    for (int off = 0; off < s.length && st2 == CertificateAssembler.NEED_MORE; ) {
      int n = Math.min(s.length - off, (mode & 3) == 0 ? 1 + r.nextInt(5) : 1 + r.nextInt(3000));
      st2 = chunked.accept(Arrays.copyOfRange(s, off, off + n), 0, n); // an array of its own
      checkBuffers(chunked, st2);
      off += n;
    }
    assertEquals(st1, st2);
    assertEquals(summary(whole.certificates()), summary(chunked.certificates()),
        "chain depends on the chunking");
    boolean begun = whole.inCertificate();
    long incomplete = c1.get(Anomaly.TLS_CERTIFICATE_INCOMPLETE);
    if (st1 == CertificateAssembler.NEED_MORE) {
      whole.interrupted();
      chunked.interrupted();
      assertEquals(CertificateAssembler.DONE, whole.status());
      assertEquals(begun ? incomplete + 1 : incomplete,
          c1.get(Anomaly.TLS_CERTIFICATE_INCOMPLETE), "a cut Certificate message not counted");
      assertNull(whole.certificates());
    }
    assertEquals(0, whole.bufferedBytes());
    assertSameAnomalies(c1, c2);

    // The same bytes as the server sends them: a TLS 1.2 ServerHello, then handshake records.
    Counters c3 = new Counters();
    RecordReader rr = new RecordReader(c3, 0, MAX);
    byte[] records = records(s, 1 + (mode >>> 2) * 250);
    int st3 = rr.feed(records, 0, records.length);
    assertNotNull(rr.serverHello(), "the ServerHello was not read");
    assertTrue(rr.readsCertificate());
    if (st3 == RecordReader.NEED_MORE) {
      rr.release();
    }
    assertEquals(summary(whole.certificates()), summary(rr.serverCertificates()),
        "the record reader assembles another chain");
    assertSameAnomalies(c1, c3);
    assertEquals(0, rr.bufferedBytes());

    boolean cut = end < msgEnd;
    boolean tooLong = bodyLen > MAX;
    boolean listLies = (lies & 0x09) != 0 || (lies & 0x06) != 0 && count > 0;
    ServerCertificates chain = whole.certificates();
    if (cut || tooLong) {
      assertNull(chain, "a chain from a message cut short or longer than the cap");
      assertTrue(c1.get(Anomaly.TLS_CERTIFICATE_INCOMPLETE) > 0 || !begun && cut,
          "not counted incomplete");
    } else if ((lies & 0x10) == 0) {
      if (listLies) {
        assertTrue(c1.get(Anomaly.TLS_CERTIFICATE_MALFORMED) > 0, "a lying length not counted");
      } else if (leaf.length > 0) {
        assertNotNull(chain);
        assertEquals(0, c1.get(Anomaly.TLS_CERTIFICATE_MALFORMED));
        assertEquals(count, chain.chainLength());
        assertEquals(Math.min(count, CertificateMessage.MAX_KEPT), chain.kept());
        assertEquals(count > CertificateMessage.MAX_KEPT ? 1 : 0,
            c1.get(Anomaly.TLS_CERTIFICATE_CHAIN_TOO_LONG));
        for (int i = 0; i < chain.kept(); i++) {
          assertArrayEquals(certs[i], chain.der(i), "certificate " + i);
        }
      }
    }
    if (chain != null && chain.kept() > 0) {
      checkLeaf(chain);
    }
  }

  private static void checkLeaf(ServerCertificates chain) throws Exception {
    byte[] der = chain.der(0);
    LeafCertificate leaf = chain.leaf();
    assertEquals(
        HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(der)),
        leaf.sha1());
    boolean jdk;
    try {
      jdk = der.length >= 2 && der[0] == 0x30
          && CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der)) != null;
    } catch (Exception | StackOverflowError e) {
      jdk = false;
    }
    assertEquals(jdk, leaf.parsed(), "the leaf parses, or not, unlike the JDK's parser says");
    if (leaf.fields() != null) {
      assertNotNull(leaf.fields().subject.distinguishedName);
    }
    leaf.selfSigned();
    leaf.weakKey();
    leaf.weakSignature();
    leaf.covers("example.com");
    leaf.covers("192.0.2.1");
    leaf.expiredAt(System.currentTimeMillis());
    chain.pem(0);
  }

  /** Handshake bytes in records of at most {@code size} bytes, after a ServerHello record. */
  private static byte[] records(byte[] hs, int size) {
    byte[] sh = new byte[4 + 38];
    sh[0] = 2;
    sh[3] = 38;
    sh[4] = 3;
    sh[5] = 3; // TLS 1.2, a zero random, no session id
    sh[4 + 35] = (byte) 0xc0;
    sh[4 + 36] = 0x2f;
    int n = (hs.length + size - 1) / size;
    // Filled in place: one-byte records of a 64 KiB leaf are 64 Ki records.
    byte[] out = new byte[5 + sh.length + 5 * n + hs.length];
    int p = record(out, 0, sh, 0, sh.length);
    for (int off = 0; off < hs.length; off += size) {
      p = record(out, p, hs, off, Math.min(size, hs.length - off));
    }
    return out;
  }

  private static int record(byte[] out, int p, byte[] b, int off, int len) {
    out[p] = 22;
    out[p + 1] = 3;
    out[p + 2] = 3;
    out[p + 3] = (byte) (len >>> 8);
    out[p + 4] = (byte) len;
    System.arraycopy(b, off, out, p + 5, len);
    return p + 5 + len;
  }

  private static void u24(ByteArrayOutputStream o, int v) {
    o.write(v >>> 16);
    o.write(v >>> 8);
    o.write(v);
  }

  private static void checkBuffers(CertificateAssembler a, int status) {
    assertTrue(a.bufferedBytes() <= MAX, "buffers of " + a.bufferedBytes() + " bytes");
    if (status != CertificateAssembler.NEED_MORE) {
      assertEquals(0, a.bufferedBytes(), "buffers kept once done");
    }
  }

  private static String summary(ServerCertificates c) {
    if (c == null) {
      return "none";
    }
    StringBuilder s = new StringBuilder(c.chainLength() + "/" + c.kept());
    for (int i = 0; i < c.kept(); i++) {
      s.append(' ').append(Arrays.hashCode(c.der(i))).append(':').append(c.der(i).length);
    }
    return s.toString();
  }

  private static void assertSameAnomalies(Counters a, Counters b) {
    for (Anomaly an : Anomaly.values()) {
      assertEquals(a.get(an), b.get(an), "anomaly " + an.label());
    }
  }
}
