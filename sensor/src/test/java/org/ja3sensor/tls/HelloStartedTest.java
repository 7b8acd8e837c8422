package org.ja3sensor.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ja3sensor.core.Counters;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordReader#helloStarted()}: true exactly while part of a hello has been read and the
 * rest is missing, the condition under which a released direction counts {@code hello_truncated}.
 */
class HelloStartedTest {
  @Test
  void trueOnlyBetweenTheFirstHelloByteAndTheLast() {
    TlsVectors.Vector v = TlsVectors.load("smtp_starttls_ch");
    byte[] s = v.stream();
    int tls = v.plaintextPrefix();
    RecordReader r = new RecordReader(new Counters(), 4096, 64 * 1024);
    r.feed(s, 0, tls);
    assertFalse(r.helloStarted(), "plaintext only");
    r.feed(s, tls, 3);
    assertFalse(r.helloStarted(), "3 bytes after a plaintext prefix are not yet known to be TLS");
    r.feed(s, tls + 3, 17);
    assertTrue(r.helloStarted(), "record and handshake headers");
    int half = (s.length - tls) / 2;
    r.feed(s, tls + 20, half);
    assertTrue(r.helloStarted(), "half the hello");
    int st = r.feed(s, tls + 20 + half, s.length - tls - 20 - half);
    assertEquals(RecordReader.DONE, st);
    assertFalse(r.helloStarted(), "the hello is complete");
    r.release();
    assertFalse(r.helloStarted());

    RecordReader cut = new RecordReader(new Counters(), 4096, 64 * 1024);
    cut.feed(s, 0, s.length - 1);
    assertTrue(cut.helloStarted());
    cut.release();
    assertFalse(cut.helloStarted(), "released: nothing under way any more");
  }
}
