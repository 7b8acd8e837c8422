package org.ja3sensor.source;

import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.ja3sensor.core.Counters;

/**
 * Opens capture files: pcap (either byte order, micro- or nanosecond) or pcapng, told apart by
 * their first four bytes, never by the file name.
 *
 * <p>The returned source reads the input once, front to back, through a fixed buffer of {@value
 * InputWindow#DEFAULT_CAPACITY} bytes, and hands the handler slices of that buffer. Packet-level
 * problems go to {@code counters} as anomalies; a problem that loses the framing throws {@link
 * SourceException} from {@link PacketSource#run} (or from {@code open} for a bad file header).
 */
public final class CaptureFiles {
  /** The name that means standard input. */
  public static final String STDIN = "-";

  private static final int GZIP_MAGIC = 0x1f8b;
  private static final int MODIFIED_PCAP_MAGIC = 0xa1b2cd34;

  private CaptureFiles() {}

  /**
   * Opens {@code path} ("-" for standard input) and reads its file header.
   *
   * @throws SourceException if the input is empty or not a pcap/pcapng file
   * @throws IOException if it cannot be opened or read
   */
  public static PacketSource open(String path, Counters counters) throws IOException {
    return open(path, counters, InputWindow.DEFAULT_CAPACITY);
  }

  /**
   * As {@link #open(String, Counters)}, and reports each file or pcapng interface whose link type
   * {@code decoded} refuses to {@code warnings}, once, naming the file, the interface and the
   * link type ({@code describe} names it).
   */
  public static PacketSource open(
      String path,
      Counters counters,
      IntPredicate decoded,
      IntFunction<String> describe,
      Consumer<String> warnings)
      throws IOException {
    CaptureFileReader r = (CaptureFileReader) open(path, counters);
    r.warnUndecoded(decoded, describe, warnings);
    return r;
  }

  /**
   * Reads a capture from {@code in} (closed by the source's {@code close}).
   *
   * @param name the name used in messages and returned by {@link PacketSource#name()}
   */
  public static PacketSource open(String name, InputStream in, Counters counters)
      throws IOException {
    return open(name, in, -1, counters, InputWindow.DEFAULT_CAPACITY);
  }

  /** As {@link #open(String, Counters)} with a window of {@code capacity} bytes (tests). */
  static PacketSource open(String path, Counters counters, int capacity) throws IOException {
    if (STDIN.equals(path)) {
      if (System.in.getClass() == BufferedInputStream.class) {
        // The process's own standard input: read fd 0 through a channel, so that stop() can wake
        // a read blocked on an idle pipe (SIGTERM during `tcpdump -w - | ja3sensor read -`).
        FileChannel fd0 = new FileInputStream(FileDescriptor.in).getChannel();
        return detect(STDIN, InputWindow.of(fd0, false, capacity), counters, -1);
      }
      InputStream stdin = new FilterInputStream(System.in) {
        @Override
        public void close() {} // standard input stays open for whoever else wants it
      };
      return open(STDIN, stdin, -1, counters, capacity);
    }
    FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.READ);
    try {
      long size = Files.isRegularFile(Path.of(path)) ? channel.size() : -1;
      return detect(path, InputWindow.of(channel, capacity), counters, size);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  static PacketSource open(String name, InputStream in, long size, Counters counters, int capacity)
      throws IOException {
    try {
      return detect(name, InputWindow.of(in, true, capacity), counters, size);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static PacketSource detect(String name, InputWindow in, Counters counters, long size)
      throws IOException {
    if (counters == null) {
      throw new NullPointerException("counters");
    }
    if (in.capacity() < PcapngReader.MAX_PACKET_BLOCK_LEN) {
      throw new IllegalArgumentException("window below " + PcapngReader.MAX_PACKET_BLOCK_LEN);
    }
    if (!in.ensure(4)) {
      String problem =
          in.available() == 0
              ? "empty input, expected a pcap or pcapng file header"
              : "input of " + in.available() + " bytes, too short for a pcap or pcapng file header";
      throw new SourceException(name, 0, problem);
    }
    int magic = in.i32(in.pos, true);
    if (magic == PcapngReader.SHB_TYPE) {
      return new PcapngReader(name, in, counters, size);
    }
    int swapped = Integer.reverseBytes(magic);
    if (magic == PcapReader.MAGIC_MICROS
        || magic == PcapReader.MAGIC_NANOS
        || swapped == PcapReader.MAGIC_MICROS
        || swapped == PcapReader.MAGIC_NANOS) {
      return new PcapReader(name, in, counters, size);
    }
    String hint = "";
    if (magic >>> 16 == GZIP_MAGIC) {
      hint = " (gzip-compressed: decompress it first)";
    } else if (magic == MODIFIED_PCAP_MAGIC || swapped == MODIFIED_PCAP_MAGIC) {
      hint = " (the unsupported 'modified pcap' variant)";
    }
    throw new SourceException(
        name,
        0,
        "file magic " + CaptureFileReader.hex32(magic) + hint + ", expected pcap "
            + CaptureFileReader.hex32(PcapReader.MAGIC_MICROS) + " or "
            + CaptureFileReader.hex32(PcapReader.MAGIC_NANOS) + " (either byte order) or pcapng "
            + CaptureFileReader.hex32(PcapngReader.SHB_TYPE));
  }
}
