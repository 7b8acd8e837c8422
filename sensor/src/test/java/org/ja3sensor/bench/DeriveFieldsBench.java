package org.ja3sensor.bench;

import java.util.concurrent.TimeUnit;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.fingerprint.Ja4;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.HelloParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link TlsEvent#deriveFields()} of a ClientHello-only event (the events of a flood of new flows):
 * address strings, Community ID, JA3, JA3N, JA4 and JA4_r. Each call gets a fresh event and a
 * fresh ClientHello, parsed before the call (not measured; a per-call setup, whose timer adds some
 * tens of ns to every figure) from one of four real hellos in turn, so that nothing a hello
 * computes lazily is left over from an earlier call. {@link #uniqueHellos} gives every call a
 * hello never seen before (Chrome's, one cipher suite changed): what a memo costs when it misses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DeriveFieldsBench {

  private static final String[] VECTORS = {
    "chrome_ch", "draft16_chrome_ch", "draft22_ch", "hrr_ch"
  };

  private byte[][] bodies;
  private int calls;
  private TlsEvent event;

  @Setup
  public void setup() {
    bodies = new byte[VECTORS.length][];
    for (int i = 0; i < VECTORS.length; i++) {
      bodies[i] = BenchVectors.helloBody(VECTORS[i]);
    }
  }

  /** A TCP event with this hello and no ServerHello, from a client address and port of its own. */
  static TlsEvent clientOnlyEvent(ClientHello hello, int calls) {
    TlsEvent e = new TlsEvent();
    e.clientLo = 0x0000_ffff_c0a8_0000L + (calls & 0xff);
    e.serverLo = 0x0000_ffff_0a00_0001L;
    e.clientPort = 40000 + (calls & 0x3fff);
    e.serverPort = 443;
    e.ja4Transport = Ja4.TCP;
    e.clientHello = hello;
    e.trigger = TlsEvent.Trigger.FLOW_EVICTED;
    return e;
  }

  @Setup(Level.Invocation)
  public void freshEvent() {
    byte[] b = bodies[calls++ % bodies.length];
    event = clientOnlyEvent(HelloParser.parseClientHello(b, 0, b.length), calls);
  }

  @Benchmark
  public TlsEvent clientHelloOnly() {
    event.deriveFields();
    return event;
  }

  /** Events whose hellos are all different. */
  @State(Scope.Thread)
  public static class Unique {
    private ClientHello chrome;
    private int calls;
    TlsEvent event;

    @Setup
    public void setup() {
      byte[] b = BenchVectors.helloBody("chrome_ch");
      chrome = HelloParser.parseClientHello(b, 0, b.length);
    }

    @Setup(Level.Invocation)
    public void freshEvent() {
      ClientHello c = chrome;
      int[] ciphers = c.cipherSuites().clone();
      ciphers[ciphers.length - 1] = ++calls & 0xffff;
      event = clientOnlyEvent(
          new ClientHello(c.legacyVersion(), ciphers, c.compressionMethods(), c.extensions(),
              c.supportedGroups(), c.ecPointFormats(), c.serverName(), c.alpn(),
              c.supportedVersions(), c.signatureAlgorithms(), c.hasExtensionsBlock()),
          calls);
    }
  }

  @Benchmark
  public TlsEvent uniqueHellos(Unique u) {
    u.event.deriveFields();
    return u.event;
  }
}
