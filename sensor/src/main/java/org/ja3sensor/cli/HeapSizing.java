package org.ja3sensor.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Sizes the flow tables and the reassembly memory cap from the heap the JVM really has, so that
 * hostile traffic ends in counted evictions, never in an {@code OutOfMemoryError}; and refuses at
 * start-up bounds that cannot fit. The formula (docs/security.md, "Heap sizing"):
 *
 * <pre>
 *   usable  = 3/4 x max heap - 24 MiB                      (the rest: database, queues, GC room)
 *   memcap  = auto: min(256 MiB, usable / 4), at least --max-handshake-bytes
 *   flows   = auto: min(500,000, (usable - memcap) / (2 x FLOW_BYTES))
 *   refused when 2 x flows x FLOW_BYTES + 5/4 x memcap > usable
 * </pre>
 *
 * Two flow tables (TCP and UDP/QUIC) of {@code --max-flows} each; {@link #FLOW_BYTES} is the heap
 * one flow of either kind holds with its session when its buffers are empty (measured by
 * HeapSizingTest, with margin); buffered bytes are what the memory cap counts, and QUIC CRYPTO
 * streams have a cap of a quarter of it of their own (Pipeline.quicMemcap). The sums are for
 * the whole sensor: {@code capture} divides both bounds among its workers.
 */
final class HeapSizing {
  /** Heap of one idle flow in its table, TCP or QUIC, with its session (see HeapSizingTest). */
  static final long FLOW_BYTES = 1536;
  /** Heap kept for everything else: the database, queues, output buffers. */
  static final long RESERVE = 24L << 20;
  /** The largest default flow table (the default before heap sizing). */
  static final int MAX_DEFAULT_FLOWS = 500_000;
  /** The largest default memory cap. */
  static final long MAX_DEFAULT_MEMCAP = 256L << 20;
  /** Fewer flows than this from the heap is a heap too small to run in. */
  static final int MIN_FLOWS = 1000;
  /** The option value meaning "sized from the heap". */
  static final int AUTO = -1;

  private HeapSizing() {}

  /** The heap the bounds may use, from the JVM's maximum heap. */
  static long usable(long maxHeap) {
    return Math.max(0, maxHeap / 4 * 3 - RESERVE);
  }

  /** The real heap cost of the bounds. */
  static long cost(long flows, long memcap) {
    return 2 * flows * FLOW_BYTES + memcap + memcap / 4;
  }

  /**
   * The flow count and memory cap: each given value as it is, each {@link #AUTO} from the heap.
   *
   * @return {flows, memcap}
   * @throws IllegalArgumentException with a one-line message naming the options and the heap when
   *     they cannot fit
   */
  static long[] size(long flows, long memcap, int maxHandshakeBytes, long maxHeap) {
    long usable = usable(maxHeap);
    long m = memcap;
    if (m == AUTO) {
      m = Math.max(maxHandshakeBytes, Math.min(MAX_DEFAULT_MEMCAP, usable / 4));
    }
    long f = flows;
    if (f == AUTO) {
      f = Math.min(MAX_DEFAULT_FLOWS, Math.max(0, usable - cost(0, m)) / (2 * FLOW_BYTES));
      if (f < MIN_FLOWS) {
        throw new IllegalArgumentException(
            "a heap of " + mib(maxHeap) + " leaves room for " + f + " flows"
                + (memcap == AUTO ? "" : " beside --reassembly-memcap " + memcap)
                + ", expected at least " + MIN_FLOWS + "; raise -Xmx (JAVA_OPTS)");
      }
    }
    long need = cost(f, m);
    if (need > usable) {
      String which =
          flows != AUTO && memcap != AUTO ? "--max-flows " + f + " and --reassembly-memcap " + m
              : flows != AUTO ? "--max-flows " + f : "--reassembly-memcap " + m;
      throw new IllegalArgumentException(
          which + " need about " + mib(need) + " of heap (2 x " + f + " flows x " + FLOW_BYTES
              + " bytes + 5/4 x " + m + " bytes of memory caps), more than the " + mib(usable)
              + " usable of this JVM's " + mib(maxHeap) + " heap (3/4 of it less "
              + mib(RESERVE) + "); lower them or raise -Xmx (JAVA_OPTS)");
    }
    return new long[] {f, m};
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  /** Picocli converter: {@code auto} or a whole number. */
  static final class AutoInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      if (value.trim().equalsIgnoreCase("auto")) {
        return AUTO;
      }
      int v;
      try {
        v = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "': expected a number or auto");
      }
      if (v < 0) {
        throw new TypeConversionException("'" + value + "': expected a number >= 0 or auto");
      }
      return v;
    }
  }

  /** Picocli converter: {@code auto} or a size ({@code 256m}, see {@link Units#parseSize}). */
  static final class AutoSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      if (value.trim().equalsIgnoreCase("auto")) {
        return (long) AUTO;
      }
      return Units.parseSize(value);
    }
  }
}
