package org.ja3sensor.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.LinkType;

/**
 * Heap held per flow that has sent a ClientHello and is waiting (for the server's answer, or its
 * idle timeout), the case of the capture benchmark's flows: N flows of a ClientHello and nine
 * 1,400-byte data frames each through one pipeline, the heap used after a full collection before
 * and after. Not a test: a measurement for the heap sizing of docs/capture.md.
 *
 * <p>Run (after {@code mvn test-compile}): {@code java -XX:+UseSerialGC -Xmx1g -cp
 * sensor/target/test-classes:sensor/target/classes:DEPS org.ja3sensor.pipeline.FlowMemory 40000
 * [CAPTURE]}: with a capture, its first ClientHello instead of a small synthetic one.
 */
public final class FlowMemory {
  private FlowMemory() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    byte[] hello = args.length > 1 ? firstClientHello(args[1])
        : Hellos.clientHelloRecord("bench.example", 0);
    long first = held(hello, n, 0x64400000);
    // one flow of this client ends and its event is made: the thread's fingerprint memo now
    // keeps the hello's content, as in a sensor that has seen the client before
    Pipeline once = new Pipeline(PipelineConfig.defaults(), new Counters(), e -> {});
    send(once, hello, 0x0a0a0a0a, 1, System.currentTimeMillis() * 1_000_000L);
    once.finish();
    long seen = held(hello, n, 0x64800000);
    System.out.printf("%d flows waiting, ClientHello of %d bytes: %d bytes a flow for a client"
        + " not seen before, %d for one seen before%n", n, hello.length, first / n, seen / n);
  }

  /** Heap held by {@code n} waiting flows of this hello, from clients {@code net | i}. */
  private static long held(byte[] hello, int n, int net) throws InterruptedException {
    List<Object> events = new ArrayList<>();
    Pipeline p = new Pipeline(PipelineConfig.defaults(), new Counters(), events::add);
    long base = System.currentTimeMillis() * 1_000_000L;
    long before = usedAfterGc();
    for (int i = 0; i < n; i++) {
      send(p, hello, net | i, 40_000 + (i % 20_000), base + i * 1000L);
    }
    long after = usedAfterGc();
    if (!events.isEmpty() || p.hashCode() == 0) { // keeps the pipeline reachable until here
      throw new IllegalStateException(events.size() + " flows ended");
    }
    return after - before;
  }

  /** A ClientHello and nine 1,400-byte data frames from {@code client:port}. */
  private static void send(Pipeline p, byte[] hello, int client, int port, long ts) {
    byte[] c = QueueFullTest.frame(client, 0x0a000001, port, 443, 1000, 5000, hello);
    p.onPacket(LinkType.ETHERNET, ts, c, 0, c.length, c.length, 0);
    int seq = 1000 + hello.length;
    byte[] data = new byte[1400];
    for (int k = 0; k < 9; k++) {
      byte[] d = QueueFullTest.frame(client, 0x0a000001, port, 443, seq, 5000, data);
      p.onPacket(LinkType.ETHERNET, ts + k + 1, d, 0, d.length, d.length, 0);
      seq += data.length;
    }
  }

  /** The first TCP payload of a capture that is a whole ClientHello record. */
  static byte[] firstClientHello(String capture) throws java.io.IOException {
    Counters counters = new Counters();
    org.ja3sensor.decode.PacketDecoder decoder = new org.ja3sensor.decode.PacketDecoder(counters);
    org.ja3sensor.decode.DecodedPacket d = new org.ja3sensor.decode.DecodedPacket();
    byte[][] found = new byte[1][];
    try (org.ja3sensor.source.PacketSource src =
        org.ja3sensor.source.CaptureFiles.open(capture, counters)) {
      src.run((linkType, ts, buf, off, cap, orig, ifIndex) -> {
        if (found[0] == null && decoder.decode(linkType, ts, buf, off, cap, d) && !d.udp
            && d.payloadLen > 9 && d.payload[d.payloadOff] == 0x16
            && d.payload[d.payloadOff + 5] == 1) {
          int len = 5 + (((d.payload[d.payloadOff + 3] & 0xff) << 8)
              | (d.payload[d.payloadOff + 4] & 0xff));
          if (len <= d.payloadLen) {
            found[0] = java.util.Arrays.copyOfRange(d.payload, d.payloadOff, d.payloadOff + len);
          }
        }
      });
    }
    if (found[0] == null) {
      throw new IllegalArgumentException(capture + ": no ClientHello in one segment");
    }
    return found[0];
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
