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
    List<Object> events = new ArrayList<>();
    Pipeline p = new Pipeline(PipelineConfig.defaults(), new Counters(), events::add);
    long base = System.currentTimeMillis() * 1_000_000L;
    byte[] data = new byte[1400];
    long before = usedAfterGc();
    for (int i = 0; i < n; i++) {
      int client = 0x64400000 | i;
      int port = 40_000 + (i % 20_000);
      byte[] c = QueueFullTest.frame(client, 0x0a000001, port, 443, 1000, 5000, hello);
      p.onPacket(LinkType.ETHERNET, base + i * 1000L, c, 0, c.length, c.length, 0);
      int seq = 1000 + hello.length;
      for (int k = 0; k < 9; k++) {
        byte[] d = QueueFullTest.frame(client, 0x0a000001, port, 443, seq, 5000, data);
        p.onPacket(LinkType.ETHERNET, base + i * 1000L + k, d, 0, d.length, d.length, 0);
        seq += data.length;
      }
    }
    long after = usedAfterGc();
    System.out.printf("%d flows waiting (ClientHello of %d bytes), %d events: %d bytes held,"
        + " %d per flow%n", n, hello.length, events.size(), after - before, (after - before) / n);
    System.out.println(p.hashCode()); // the pipeline stays reachable until the second count
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
