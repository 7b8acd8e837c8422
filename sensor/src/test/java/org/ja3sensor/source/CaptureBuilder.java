package org.ja3sensor.source;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds pcap and pcapng files byte by byte for tests, written from the format descriptions
 * (draft-ietf-opsawg-pcap and draft-ietf-opsawg-pcapng), including ones that lie.
 */
final class CaptureBuilder {
  static final int IDB = 1;
  static final int PB = 2;
  static final int SPB = 3;
  static final int EPB = 6;
  static final int SHB = 0x0A0D0D0A;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private ByteOrder order;

  private CaptureBuilder(ByteOrder order) {
    this.order = order;
  }

  // ---- classic pcap ----

  /** A pcap file header; {@code linkTypeField} is written as is (FCS bits included). */
  static CaptureBuilder pcap(ByteOrder order, boolean nanos, long snapLen, int linkTypeField) {
    CaptureBuilder b = new CaptureBuilder(order);
    b.i32(nanos ? 0xa1b23c4d : 0xa1b2c3d4).i16(2).i16(4).i32(0).i32(0);
    b.i32((int) snapLen).i32(linkTypeField);
    return b;
  }

  /** A record whose caplen is the data length. */
  CaptureBuilder record(long seconds, long fraction, byte[] data, long origLen) {
    return record(seconds, fraction, data.length, origLen, data);
  }

  /** A record with the given header fields followed by {@code data} (which may not match). */
  CaptureBuilder record(long seconds, long fraction, long capLen, long origLen, byte[] data) {
    i32((int) seconds).i32((int) fraction).i32((int) capLen).i32((int) origLen);
    out.writeBytes(data);
    return this;
  }

  // ---- pcapng ----

  /** A pcapng file: its first Section Header Block. */
  static CaptureBuilder pcapng(ByteOrder order) {
    return new CaptureBuilder(order).section(order);
  }

  /** A Section Header Block, version 1.0, unknown section length, with a comment option. */
  CaptureBuilder section(ByteOrder newOrder) {
    order = newOrder;
    byte[] body =
        body(
            b ->
                b.putInt(0x1A2B3C4D)
                    .putShort((short) 1)
                    .putShort((short) 0)
                    .putLong(-1)
                    .put(options(option(1, "section".getBytes()))),
            16 + 16);
    return block(SHB, body);
  }

  /** An Interface Description Block with options (already encoded, see {@link #options}). */
  CaptureBuilder idb(int linkType, long snapLen, byte[] options) {
    byte[] body =
        body(
            b -> b.putShort((short) linkType).putShort((short) 0).putInt((int) snapLen).put(options),
            8 + options.length);
    return block(IDB, body);
  }

  CaptureBuilder epb(long ifId, long units, byte[] data, long origLen) {
    return epb(ifId, units, data.length, origLen, data);
  }

  /** An Enhanced Packet Block with an explicit caplen field (which may lie). */
  CaptureBuilder epb(long ifId, long units, long capLen, long origLen, byte[] data) {
    return block(EPB, packetBody((int) ifId, units, capLen, origLen, data, false));
  }

  /** The obsolete Packet Block (type 2): 16-bit interface id and drop count. */
  CaptureBuilder pb(int ifId, long units, byte[] data, long origLen) {
    return block(PB, packetBody(ifId, units, data.length, origLen, data, true));
  }

  /** A Simple Packet Block: original length, then the (possibly snapped) data. */
  CaptureBuilder spb(long origLen, byte[] data) {
    byte[] body = body(b -> b.putInt((int) origLen).put(pad(data)), 4 + pad(data).length);
    return block(SPB, body);
  }

  /** A block with correct lengths: type, length, body (padded to 4), length. */
  CaptureBuilder block(int type, byte[] body) {
    byte[] padded = pad(body);
    long len = 12 + padded.length;
    return rawBlock(type, len, padded, len);
  }

  /** A block with the given leading and trailing lengths around {@code body} (no padding). */
  CaptureBuilder rawBlock(int type, long leadingLen, byte[] body, long trailingLen) {
    i32(type).i32((int) leadingLen);
    out.writeBytes(body);
    return i32((int) trailingLen);
  }

  private byte[] packetBody(
      int ifId, long units, long capLen, long origLen, byte[] data, boolean obsolete) {
    byte[] padded = pad(data);
    return body(
        b -> {
          if (obsolete) {
            b.putShort((short) ifId).putShort((short) 7);
          } else {
            b.putInt(ifId);
          }
          b.putInt((int) (units >>> 32)).putInt((int) units);
          b.putInt((int) capLen).putInt((int) origLen).put(padded);
          b.put(options(option(1, "pkt".getBytes())));
        },
        20 + padded.length + 12);
  }

  // ---- options ----

  byte[] option(int code, byte[] value) {
    ByteBuffer b = ByteBuffer.allocate(4 + pad(value).length).order(order);
    b.putShort((short) code).putShort((short) value.length).put(pad(value));
    return b.array();
  }

  byte[] tsresol(int value) {
    return option(9, new byte[] {(byte) value});
  }

  byte[] tsoffset(long seconds) {
    return option(14, ByteBuffer.allocate(8).order(order).putLong(seconds).array());
  }

  /** Concatenated options followed by opt_endofopt. */
  byte[] options(byte[]... opts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] opt : opts) {
      o.writeBytes(opt);
    }
    o.writeBytes(new byte[4]);
    return o.toByteArray();
  }

  // ---- plumbing ----

  interface BodyWriter {
    void write(ByteBuffer b);
  }

  byte[] body(BodyWriter w, int size) {
    ByteBuffer b = ByteBuffer.allocate(size).order(order);
    w.write(b);
    byte[] a = new byte[b.position()];
    b.flip().get(a);
    return a;
  }

  static byte[] pad(byte[] data) {
    byte[] p = new byte[(data.length + 3) & ~3];
    System.arraycopy(data, 0, p, 0, data.length);
    return p;
  }

  CaptureBuilder raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  CaptureBuilder i32(int v) {
    out.writeBytes(ByteBuffer.allocate(4).order(order).putInt(v).array());
    return this;
  }

  CaptureBuilder i16(int v) {
    out.writeBytes(ByteBuffer.allocate(2).order(order).putShort((short) v).array());
    return this;
  }

  /** Bytes written so far: the offset of whatever is appended next. */
  int size() {
    return out.size();
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** A frame whose bytes say which one it is. */
  static byte[] frame(int n, int length) {
    byte[] f = new byte[length];
    for (int i = 0; i < length; i++) {
      f[i] = (byte) (n * 31 + i);
    }
    return f;
  }
}
