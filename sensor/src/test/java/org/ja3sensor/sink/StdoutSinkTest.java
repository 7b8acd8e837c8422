package org.ja3sensor.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink of stdout: the bytes written through a file descriptor's direct buffer. */
class StdoutSinkTest {
  @TempDir Path tmp;

  /** Lines of 1 byte to 200 KiB (over three times the buffer), as the program writes them. */
  private static byte[][] lines(long seed, int n) {
    Random r = new Random(seed);
    byte[][] lines = new byte[n][];
    for (int i = 0; i < n; i++) {
      int len = switch (i % 7) {
        case 0 -> 1;
        case 3 -> 65_535 + r.nextInt(3); // around the buffer's size with its newline
        case 5 -> 200_000 + r.nextInt(1000);
        default -> 1 + r.nextInt(3000);
      };
      byte[] b = new byte[len];
      for (int j = 0; j < len; j++) {
        b[j] = (byte) ('a' + r.nextInt(26));
      }
      lines[i] = b;
    }
    return lines;
  }

  private static byte[] expected(byte[][] lines) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] l : lines) {
      all.writeBytes(l);
      all.write('\n');
    }
    return all.toByteArray();
  }

  @Test
  void aFileDescriptorGetsEveryLineInOrder() throws IOException {
    byte[][] lines = lines(7, 300);
    Path out = tmp.resolve("events.json");
    try (FileOutputStream fd = new FileOutputStream(out.toFile());
        StdoutSink sink = new StdoutSink(fd, false)) {
      for (int i = 0; i < lines.length; i++) {
        sink.publish(lines[i], null, false);
        if (i % 50 == 49) {
          sink.flush();
        }
      }
    }
    assertArrayEquals(expected(lines), Files.readAllBytes(out));
  }

  @Test
  void flushedAfterEachEventForAWaitingReader() throws IOException {
    Path out = tmp.resolve("each.json");
    try (FileOutputStream fd = new FileOutputStream(out.toFile());
        StdoutSink sink = new StdoutSink(fd, true)) {
      sink.publish("{\"a\":1}".getBytes(StandardCharsets.UTF_8), null, false);
      assertArrayEquals("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(out));
      sink.publish("{\"b\":\"é\"}", null, false);
      assertArrayEquals("{\"a\":1}\n{\"b\":\"é\"}\n".getBytes(StandardCharsets.UTF_8),
          Files.readAllBytes(out));
    }
  }

  @Test
  void otherStreamsAreBufferedAsBefore() throws IOException {
    byte[][] lines = lines(11, 60);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (StdoutSink sink = new StdoutSink(out, false)) {
      for (byte[] l : lines) {
        sink.publish(l, null, false);
      }
    }
    assertArrayEquals(expected(lines), out.toByteArray());
  }

  /**
   * Events through the publisher into a file descriptor: the JSON goes from the generator's
   * buffer, not an array per event, and the lines are exactly those {@code toJsonUtf8} makes.
   */
  @Test
  void publishedEventsAreTheGeneratorsBytes() throws IOException {
    org.ja3sensor.event.EventJson json = new org.ja3sensor.event.EventJson();
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    Path out = tmp.resolve("published.json");
    try (FileOutputStream fd = new FileOutputStream(out.toFile());
        StdoutSink sink = new StdoutSink(fd, false)) {
      assertTrue(sink.copiesRanges());
      EventPublisher publisher = new EventPublisher(sink, null);
      for (int i = 0; i < 300; i++) {
        org.ja3sensor.event.TlsEvent e = new org.ja3sensor.event.TlsEvent();
        e.timestampNanos = 1_700_000_000_000_000_000L + i;
        e.clientIp = "192.0.2." + (i % 250);
        e.clientPort = 40_000 + i;
        e.serverIp = "198.51.100.7";
        e.serverPort = 443;
        e.ja3Hash = String.format("%032x", i);
        e.ja3String = "771," + "4865-".repeat(i % 40) + "4866,0,29,0";
        e.trigger = org.ja3sensor.event.TlsEvent.Trigger.FLOW_EVICTED;
        publisher.onEvent(e);
        want.writeBytes(json.toJsonUtf8(e));
        want.write('\n');
      }
    }
    assertArrayEquals(want.toByteArray(), Files.readAllBytes(out));
    assertTrue(Files.size(out) > 300 * 200);
  }

  /** A pipe whose reader went away: the write says so as OutputClosedException. */
  @Test
  void aClosedPipeIsOutputClosed() throws Exception {
    Path fifo = tmp.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertTrue(mk.waitFor() == 0);
    Process cat = new ProcessBuilder("head", "-c", "1", fifo.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try (FileOutputStream fd = new FileOutputStream(fifo.toFile())) {
      StdoutSink sink = new StdoutSink(fd, true);
      byte[] line = new byte[4096];
      java.util.Arrays.fill(line, (byte) 'x');
      sink.publish(line, null, false);
      assertTrue(cat.waitFor() == 0);
      IOException e = assertThrows(IOException.class, () -> {
        for (int i = 0; i < 1000; i++) {
          sink.publish(line, null, false);
        }
      });
      assertInstanceOf(OutputClosedException.class, e);
    }
  }
}
