package org.ja3sensor.source;

import java.io.IOException;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * Classic pcap (libpcap savefile): a 24-byte file header, then records of a 16-byte header and the
 * captured bytes. Both byte orders; microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) magic.
 *
 * <p>Records whose header contradicts itself are counted and skipped: caplen 0, caplen above the
 * file's snap length, caplen above the original length. A caplen above {@value
 * CaptureFileReader#MAX_CAPLEN} means the framing is lost (no real capture has such records, so the
 * header is garbage): reading stops with a {@link SourceException}, as it does when the file ends
 * inside a record.
 */
final class PcapReader extends CaptureFileReader {
  static final int MAGIC_MICROS = 0xa1b2c3d4;
  static final int MAGIC_NANOS = 0xa1b23c4d;
  static final int FILE_HEADER_LEN = 24;
  private static final int RECORD_HEADER_LEN = 16;

  private final boolean bigEndian;
  private final long fracToNanos;
  private final int linkType;
  /** Largest caplen a record may have: the file's snap length, or the hard limit if absent. */
  private final long snapLen;

  /** Reads the file header; the window starts at it and holds at least its magic. */
  PcapReader(String name, InputWindow in, Counters counters, long inputSize) throws IOException {
    super(name, in, counters, inputSize);
    int magicBe = in.i32(in.pos, true);
    bigEndian = magicBe == MAGIC_MICROS || magicBe == MAGIC_NANOS;
    int magic = in.i32(in.pos, bigEndian);
    fracToNanos = magic == MAGIC_NANOS ? 1 : 1000;
    if (!in.ensure(FILE_HEADER_LEN)) {
      throw truncated(in.offset(), "the pcap file header", FILE_HEADER_LEN);
    }
    long snap = in.u32(in.pos + 16, bigEndian);
    snapLen = snap == 0 || snap > MAX_CAPLEN ? MAX_CAPLEN : snap;
    // Upper bits of the link-type field carry the FCS length (libpcap LT_LINKTYPE mask).
    linkType = in.i32(in.pos + 20, bigEndian) & 0x03FF_FFFF;
    in.pos += FILE_HEADER_LEN;
  }

  @Override
  void linkTypesKnown() {
    checkLinkType(-1, linkType);
  }

  @Override
  void readAll(PacketHandler handler) throws IOException {
    while (!stopRequested() && readRecord(handler)) {
      // one record per call
    }
  }

  /**
   * Reads one record and delivers its frame (or counts why not).
   *
   * <p>A method of its own, not the body of the loop above: the JIT compiles a method after a few
   * hundred calls, but a loop only after tens of thousands of iterations, which on a file read are
   * the first tens of thousands of packets run in the interpreter.
   *
   * @return false at the end of the input
   */
  private boolean readRecord(PacketHandler handler) throws IOException {
    final InputWindow in = this.in;
    final boolean be = bigEndian;
    if (!in.ensure(RECORD_HEADER_LEN)) {
      if (in.available() == 0) {
        return false;
      }
      throw truncated(in.offset(), "a pcap record header", RECORD_HEADER_LEN);
    }
    int p = in.pos;
    long seconds = in.u32(p, be);
    long frac = in.u32(p + 4, be);
    long capLen = in.u32(p + 8, be);
    long origLen = in.u32(p + 12, be);
    if (capLen > MAX_CAPLEN) {
      throw fail(
          in.offset(),
          "pcap record caplen " + capLen + " above the hard limit " + MAX_CAPLEN
              + " (record header corrupt)");
    }
    int recordLen = RECORD_HEADER_LEN + (int) capLen;
    if (!in.ensure(recordLen)) {
      throw truncated(in.offset(), "a pcap record of caplen " + capLen, recordLen);
    }
    p = in.pos;
    if (capLen == 0) {
      reject(Anomaly.PCAP_CAPLEN_ZERO);
    } else if (capLen > snapLen) {
      reject(Anomaly.PCAP_CAPLEN_TOO_LARGE);
    } else if (capLen > origLen) {
      reject(Anomaly.PCAP_CAPLEN_ABOVE_ORIGLEN);
    } else {
      long tsNanos = seconds * 1_000_000_000L + frac * fracToNanos;
      int orig = (int) Math.min(origLen, Integer.MAX_VALUE);
      deliver(handler, linkType, tsNanos, p + RECORD_HEADER_LEN, (int) capLen, orig, 0);
    }
    in.pos = p + recordLen;
    return true;
  }
}
