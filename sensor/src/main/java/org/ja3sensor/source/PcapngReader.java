package org.ja3sensor.source;

import java.io.IOException;
import java.util.Arrays;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * pcapng: a sequence of blocks (type, total length, body, total length again) grouped in sections,
 * each opened by a Section Header Block that fixes its byte order and empties the interface list.
 * Interface Description Blocks give each interface's link type, snap length, timestamp resolution
 * ({@code if_tsresol}) and offset ({@code if_tsoffset}); packets come in Enhanced Packet Blocks,
 * Simple Packet Blocks (interface 0, no time stamp: they get the previous frame's time) and the
 * obsolete Packet Block. Every other block type is skipped by its length. The ifIndex handed on is
 * the interface id within the current section.
 *
 * <p>Trust rules. A block length below 12 or above {@value #MAX_BLOCK_LEN}, a bad section header or
 * an input ending inside a block loses the framing: {@link SourceException}. A block whose length is
 * not a multiple of 4 or whose trailing length differs is counted ({@link
 * Anomaly#PCAPNG_BAD_BLOCK}), its content used if it is consistent in itself, and reading goes on
 * after the leading length (a lying length then soon meets an impossible block header). A packet
 * whose fields do not fit its block or refer to an unknown interface, or whose caplen is 0, above
 * the snap length, the hard limit or the original length, is counted and skipped, as is a packet
 * block longer than {@value #MAX_PACKET_BLOCK_LEN}. A packet block is in the window whole (up to its
 * trailer) before its frame is delivered, so no frame comes from a block the input cuts short.
 *
 * <p>Nothing is allocated from a length read from the file: bodies are looked at in the window,
 * options one at a time, skipped blocks are read through, and at most {@value #MAX_INTERFACES}
 * interfaces per section are kept.
 */
final class PcapngReader extends CaptureFileReader {
  static final int SHB_TYPE = 0x0A0D0D0A;
  static final int MAX_BLOCK_LEN = 16 << 20;
  /**
   * Longest packet block whose frame is delivered: room for a frame at the hard limit and 700 KiB
   * of options. A packet block is looked at whole, so its frame is never delivered from a block the
   * input cuts short; longer ones (no real writer makes them) are counted as bad and skipped.
   */
  static final int MAX_PACKET_BLOCK_LEN = 1 << 20;
  /** Interfaces per section beyond which IDBs are counted as bad and ignored. */
  static final int MAX_INTERFACES = 65_536;

  private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
  private static final int IDB_TYPE = 1;
  private static final int PB_TYPE = 2;
  private static final int SPB_TYPE = 3;
  private static final int EPB_TYPE = 6;
  private static final int OPT_ENDOFOPT = 0;
  private static final int OPT_IF_TSRESOL = 9;
  private static final int OPT_IF_TSOFFSET = 14;

  /** One described interface of the current section. */
  private record Interface(int linkType, long snapLen, TimestampUnit unit, long offsetNanos) {}

  private boolean bigEndian;
  private Interface[] interfaces = new Interface[4];
  private int interfaceCount;
  private long lastTsNanos;

  /** The window starts at the first block (a Section Header Block, the caller checked its type). */
  PcapngReader(String name, InputWindow in, Counters counters, long inputSize) {
    super(name, in, counters, inputSize);
  }

  @Override
  void readAll(PacketHandler handler) throws IOException {
    while (!stopRequested() && readBlock(handler)) {
      // one block per call
    }
  }

  /**
   * Reads one block. A method of its own so that the JIT compiles it early (see {@link
   * PcapReader}'s readRecord).
   *
   * @return false at the end of the input
   */
  private boolean readBlock(PacketHandler handler) throws IOException {
    final InputWindow in = this.in;
    long start = in.offset();
    if (!in.ensure(8)) {
      if (in.available() == 0) {
        return false;
      }
      throw truncated(start, "a pcapng block header", 8);
    }
    int type = in.i32(in.pos, bigEndian);
    if (type == SHB_TYPE) { // same in both byte orders
      readSectionHeader(start);
      return true;
    }
    long len = in.u32(in.pos + 4, bigEndian);
    if (len < 12 || len > MAX_BLOCK_LEN) {
      throw fail(
          start,
          "pcapng block (type " + hex32(type) + ") length " + len
              + ", expected 12 to " + MAX_BLOCK_LEN);
    }
    if ((len & 3) != 0) {
      note(Anomaly.PCAPNG_BAD_BLOCK);
    }
    switch (type) {
      case EPB_TYPE -> readPacket(handler, start, len, false);
      case PB_TYPE -> readPacket(handler, start, len, true);
      case SPB_TYPE -> readSimplePacket(handler, start, len);
      case IDB_TYPE -> readInterface(start, len);
      default -> { } // skipped by its length
    }
    endBlock(start, len, type);
    return true;
  }

  /** Section Header Block: byte order, version; empties the interface list. */
  private void readSectionHeader(long start) throws IOException {
    if (!in.ensure(12)) {
      throw truncated(start, "a pcapng section header", 28);
    }
    int magic = in.i32(in.pos + 8, true);
    if (magic == BYTE_ORDER_MAGIC) {
      bigEndian = true;
    } else if (Integer.reverseBytes(magic) == BYTE_ORDER_MAGIC) {
      bigEndian = false;
    } else {
      throw fail(
          start,
          "pcapng section header byte-order magic " + hex32(magic) + ", expected "
              + hex32(BYTE_ORDER_MAGIC) + " or " + hex32(Integer.reverseBytes(BYTE_ORDER_MAGIC)));
    }
    long len = in.u32(in.pos + 4, bigEndian);
    if (len < 28 || len > MAX_BLOCK_LEN) {
      throw fail(start, "pcapng section header length " + len + ", expected 28 to " + MAX_BLOCK_LEN);
    }
    if (!in.ensure(16)) {
      throw truncated(start, "a pcapng section header", len);
    }
    int major = in.u16(in.pos + 12, bigEndian);
    int minor = in.u16(in.pos + 14, bigEndian);
    if (major != 1) {
      throw fail(start, "pcapng section version " + major + "." + minor + ", expected 1.x");
    }
    if ((len & 3) != 0) {
      note(Anomaly.PCAPNG_BAD_BLOCK);
    }
    interfaceCount = 0;
    endBlock(start, len, SHB_TYPE);
  }

  /** Interface Description Block: link type, snap length and timestamp options. */
  private void readInterface(long start, long len) throws IOException {
    if (len < 20) {
      note(Anomaly.PCAPNG_BAD_BLOCK); // no room for link type and snap length
      return;
    }
    if (!in.ensure(16)) {
      throw truncated(start, "a pcapng interface description block", len);
    }
    int linkType = in.u16(in.pos + 8, bigEndian);
    long snapLen = in.u32(in.pos + 12, bigEndian);
    TimestampUnit unit = TimestampUnit.MICROS;
    long offsetSeconds = 0;
    // Options: code (2), length (2), value padded to 4; read one at a time through the window.
    long optionsEnd = start + len - 4;
    in.pos += 16;
    while (in.offset() + 4 <= optionsEnd) {
      if (!in.ensure(4)) {
        throw truncated(start, "a pcapng interface description block", len);
      }
      int code = in.u16(in.pos, bigEndian);
      int valueLen = in.u16(in.pos + 2, bigEndian);
      if (code == OPT_ENDOFOPT) {
        break;
      }
      int padded = (valueLen + 3) & ~3;
      if (in.offset() + 4 + padded > optionsEnd) {
        note(Anomaly.PCAPNG_BAD_BLOCK); // option overruns its block; keep what was read
        break;
      }
      if (!in.ensure(4 + padded)) {
        throw truncated(start, "a pcapng interface description block", len);
      }
      if (code == OPT_IF_TSRESOL && valueLen == 1) {
        unit = TimestampUnit.of(in.u8(in.pos + 4));
      } else if (code == OPT_IF_TSOFFSET && valueLen == 8) {
        offsetSeconds = in.i64(in.pos + 4, bigEndian);
      }
      in.pos += 4 + padded;
    }
    if (interfaceCount == MAX_INTERFACES) {
      note(Anomaly.PCAPNG_BAD_BLOCK); // packets naming it count as unknown interface
      return;
    }
    if (interfaceCount == interfaces.length) {
      interfaces = Arrays.copyOf(interfaces, interfaceCount * 2);
    }
    checkLinkType(interfaceCount, linkType);
    interfaces[interfaceCount++] =
        new Interface(linkType, snapLen, unit, offsetSeconds * 1_000_000_000L);
  }

  /** Enhanced Packet Block, or the obsolete Packet Block (16-bit interface id and drop count). */
  private void readPacket(PacketHandler handler, long start, long len, boolean obsolete)
      throws IOException {
    final int header = 28;
    if (len < header + 4 || len > MAX_PACKET_BLOCK_LEN) {
      reject(Anomaly.PCAPNG_BAD_BLOCK);
      return;
    }
    if (!in.ensure((int) len)) {
      throw truncated(start, "a pcapng packet block", len);
    }
    int p = in.pos;
    long ifId = obsolete ? in.u16(p + 8, bigEndian) : in.u32(p + 8, bigEndian);
    long units = (in.u32(p + 12, bigEndian) << 32) | in.u32(p + 16, bigEndian);
    long capLen = in.u32(p + 20, bigEndian);
    long origLen = in.u32(p + 24, bigEndian);
    if (capLen > len - header - 4) {
      reject(Anomaly.PCAPNG_BAD_BLOCK); // captured bytes would run past the block
      return;
    }
    if (ifId >= interfaceCount) {
      reject(Anomaly.PCAPNG_UNKNOWN_INTERFACE);
      return;
    }
    Interface iface = interfaces[(int) ifId];
    if (!checkCapLen(capLen, origLen, iface.snapLen)) {
      return;
    }
    long tsNanos = iface.unit.toNanos(units) + iface.offsetNanos;
    lastTsNanos = tsNanos;
    int orig = (int) Math.min(origLen, Integer.MAX_VALUE);
    deliver(handler, iface.linkType, tsNanos, in.pos + header, (int) capLen, orig, (int) ifId);
  }

  /** Simple Packet Block: interface 0, caplen = min(original length, snap length), no time. */
  private void readSimplePacket(PacketHandler handler, long start, long len) throws IOException {
    final int header = 12;
    if (len < header + 4 || len > MAX_PACKET_BLOCK_LEN) {
      reject(Anomaly.PCAPNG_BAD_BLOCK);
      return;
    }
    if (!in.ensure((int) len)) {
      throw truncated(start, "a pcapng simple packet block", len);
    }
    if (interfaceCount == 0) {
      reject(Anomaly.PCAPNG_UNKNOWN_INTERFACE);
      return;
    }
    Interface iface = interfaces[0];
    long origLen = in.u32(in.pos + 8, bigEndian);
    long capLen = iface.snapLen == 0 ? origLen : Math.min(origLen, iface.snapLen);
    if (capLen > len - header - 4) {
      reject(Anomaly.PCAPNG_BAD_BLOCK);
      return;
    }
    if (!checkCapLen(capLen, origLen, 0)) {
      return;
    }
    int orig = (int) Math.min(origLen, Integer.MAX_VALUE);
    deliver(handler, iface.linkType, lastTsNanos, in.pos + header, (int) capLen, orig, 0);
  }

  /** Counts and refuses a caplen of 0, above the snap length (0 = none) or limit, or origLen. */
  private boolean checkCapLen(long capLen, long origLen, long snapLen) {
    if (capLen == 0) {
      reject(Anomaly.PCAP_CAPLEN_ZERO);
    } else if (capLen > MAX_CAPLEN || (snapLen != 0 && capLen > snapLen)) {
      reject(Anomaly.PCAP_CAPLEN_TOO_LARGE);
    } else if (capLen > origLen) {
      reject(Anomaly.PCAP_CAPLEN_ABOVE_ORIGLEN);
    } else {
      return true;
    }
    return false;
  }

  /** Moves past the block that started at {@code start} and checks its trailing length. */
  private void endBlock(long start, long len, int type) throws IOException {
    if (!in.skipTo(start + len - 4) || !in.ensure(4)) {
      throw truncated(start, "a pcapng block (type " + hex32(type) + ")", len);
    }
    long trailer = in.u32(in.pos, bigEndian);
    in.pos += 4;
    if (trailer != len) {
      note(Anomaly.PCAPNG_BAD_BLOCK);
    }
  }
}
