package org.ja3sensor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.decode.LinkType;
import org.ja3sensor.decode.PacketDecoder;
import org.ja3sensor.decode.QuicSniff;
import org.ja3sensor.quic.QuicVersions;
import org.ja3sensor.source.CaptureFiles;
import org.ja3sensor.source.PacketSource;

/**
 * The JIT compiler a {@code read} runs with.
 *
 * <p>{@code bin/ja3sensor} starts {@code read} with C1 only: a file read is over in seconds, and
 * on TCP traffic the C2 compiler's own work (a core for seconds) costs more than it saves
 * (docs/performance.md). QUIC is the exception: each client Initial costs an AES-GCM decryption
 * and each connection a key derivation, and the JDK's AES, GHASH and SHA-256 use the CPU's
 * instructions (intrinsics) only in C2-compiled code; under C1 they run as plain Java, 2 to 3
 * times slower. So, before anything is read, the first MiB of the first file is sampled; when it
 * projects at least {@link #MIN_INITIALS} QUIC Initial packets over all the files, the read runs
 * in a child JVM with tiered compilation (C2). The child writes the events and the summary to the
 * same standard output and error; this JVM forwards SIGINT, SIGTERM and SIGHUP to it (the child
 * ignores a SIGINT of its own: a Ctrl-C reaches both, and it must count once) and exits with its
 * status. {@code JA3SENSOR_JIT=c1} or {@code c2} decides instead of the sample.
 */
final class JitChoice {
  private JitChoice() {}

  /** Below this many bytes in all the files, C2 never pays for itself. */
  static final long MIN_BYTES = 16L << 20;

  /** Bytes of frames sampled at the start of the first file. */
  static final int SAMPLE_BYTES = 1 << 20;

  /** Projected Initial packets from which C2 is chosen (break-even is about 15,000). */
  static final long MIN_INITIALS = 20_000;

  /** Environment: auto (the default), c1 or c2. */
  static final String ENV = "JA3SENSOR_JIT";

  /** Environment of the child JVM: it reads, and never relaunches. */
  static final String CHILD_ENV = "JA3SENSOR_JIT_CHILD";

  /** True in the child JVM of a relaunch. */
  static boolean isChild() {
    return System.getenv(CHILD_ENV) != null;
  }

  /** What the start of the input holds. */
  record Sample(long frames, long sampledBytes, long initials, long totalBytes) {
    /** Initial packets expected in all the files, at the sampled density. */
    long projectedInitials() {
      if (sampledBytes <= 0) {
        return 0;
      }
      return (long) ((double) initials * totalBytes / sampledBytes);
    }
  }

  /**
   * Samples the start of the first file: null when the input cannot be sampled (standard input,
   * not a regular file, unreadable; the read itself then reports the problem).
   */
  static Sample sample(List<String> files, long minBytes, int sampleBytes) {
    long total = 0;
    try {
      for (String f : files) {
        if ("-".equals(f)) {
          return null;
        }
        Path p = Path.of(f);
        if (!Files.isRegularFile(p)) {
          return null;
        }
        total += Files.size(p);
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (total < minBytes) {
      return new Sample(0, 0, 0, total);
    }
    Counters counters = new Counters();
    PacketDecoder decoder = new PacketDecoder(counters);
    DecodedPacket d = new DecodedPacket();
    long[] n = new long[3]; // frames, bytes (with the 16-byte record headers), Initials
    try (PacketSource source =
        CaptureFiles.open(files.get(0), counters, LinkType::isDecoded, LinkType::describe, m -> {})) {
      source.run(
          (linkType, ts, buf, off, capLen, origLen, ifIndex) -> {
            n[0]++;
            n[1] += capLen + 16L;
            if (decoder.decode(linkType, ts, buf, off, capLen, d) && d.udp && isInitial(d)) {
              n[2]++;
            }
            if (n[1] >= sampleBytes) {
              source.stop();
            }
          });
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return new Sample(n[0], n[1], n[2], total);
  }

  private static boolean isInitial(DecodedPacket d) {
    byte[] b = d.payload;
    int off = d.payloadOff;
    if (!QuicSniff.isQuicLongHeader(b, off, off + d.payloadLen)) {
      return false;
    }
    int v = ((b[off + 1] & 0xff) << 24) | ((b[off + 2] & 0xff) << 16)
        | ((b[off + 3] & 0xff) << 8) | (b[off + 4] & 0xff);
    return v != 0 && QuicVersions.packetType(v, b[off] & 0xff) == QuicVersions.TYPE_INITIAL;
  }

  /**
   * Decides, and when C2 is chosen and this JVM has C1 only, runs the read in a child JVM.
   *
   * @return the exit status of the child, or null to read in this JVM
   */
  static Integer maybeRelaunch(List<String> files, boolean quiet, PrintWriter err) {
    if (isChild()) {
      return null;
    }
    String mode = System.getenv(ENV);
    mode = mode == null || mode.isBlank() ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
    if (mode.equals("c1")) {
      return null;
    }
    if (!mode.equals("auto") && !mode.equals("c2")) {
      err.println("ja3sensor: " + ENV + "=" + System.getenv(ENV) + ": use auto, c1 or c2");
      err.flush();
      return 2;
    }
    String why;
    if (mode.equals("c2")) {
      why = ENV + "=c2";
    } else {
      Sample s = sample(files, MIN_BYTES, SAMPLE_BYTES);
      if (s == null || s.totalBytes() < MIN_BYTES || s.projectedInitials() < MIN_INITIALS) {
        return null;
      }
      why = String.format(Locale.ROOT, "about %,d QUIC Initial packets ahead", s.projectedInitials());
    }
    if (!c1Only()) {
      return null;
    }
    List<String> command = childCommand();
    if (command == null) {
      return null;
    }
    if (!quiet) {
      err.println("ja3sensor: " + why + ": reading with the C2 compiler (" + ENV + "=c1 keeps C1)");
      err.flush();
    }
    return run(command, err);
  }

  /** True when this JVM compiles with C1 only ({@code -XX:TieredStopAtLevel=1}). */
  private static boolean c1Only() {
    try {
      com.sun.management.HotSpotDiagnosticMXBean hotspot =
          java.lang.management.ManagementFactory.getPlatformMXBean(
              com.sun.management.HotSpotDiagnosticMXBean.class);
      return "1".equals(hotspot.getVMOption("TieredStopAtLevel").getValue())
          && "true".equals(hotspot.getVMOption("TieredCompilation").getValue());
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * This JVM's command line with {@code -XX:TieredStopAtLevel=4} before the jar or main class
   * (a later option wins), or null when it cannot be known.
   */
  static List<String> childCommand() {
    List<String> argv;
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
      argv = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          argv.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    int at = argv.indexOf("-jar");
    if (at < 0) {
      at = argv.indexOf(Main.class.getName());
    }
    if (at < 1) {
      return null;
    }
    List<String> command = new ArrayList<>(argv.subList(0, at));
    command.set(0, ProcessHandle.current().info().command().orElse(argv.get(0)));
    command.add("-XX:TieredStopAtLevel=4");
    command.addAll(argv.subList(at, argv.size()));
    return command;
  }

  private static int run(List<String> command, PrintWriter err) {
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    pb.environment().put(CHILD_ENV, "1");
    Process child;
    try {
      child = pb.start();
    } catch (IOException e) {
      err.println("ja3sensor: cannot start the C2 reader (" + e.getMessage() + ")");
      err.flush();
      return 1;
    }
    Signals.forwardTo(child);
    while (true) {
      try {
        return child.waitFor();
      } catch (InterruptedException e) {
        // keep waiting: the child decides when the read is over
      }
    }
  }
}
