package org.ja3sensor.quic;

/**
 * One QUIC long-header packet found in a UDP datagram (RFC 9000 section 17.2; RFC 8999 for the
 * invariants): version, connection IDs, token, and where the packet number and the packet end
 * lie, so that coalesced packets can be walked with {@link #end}. A mutable holder filled in place
 * by {@link #parse}, reused for every packet of a pipeline; its offsets point into the caller's
 * datagram buffer, valid during the packet callback only. Also holds the QUIC variable-length
 * integer reader.
 */
final class LongHeader {
  /** {@link #parse} results. */
  static final int OK = 0;
  /** Not a long header, or fields that do not fit the datagram. */
  static final int INVALID = 1;
  /** Version 0: a Version Negotiation packet (the rest of the datagram). */
  static final int VERSION_NEGOTIATION = 2;
  /** A version without known Initial keys: its packets cannot be followed. */
  static final int UNKNOWN_VERSION = 3;

  /** RFC 9000 section 17.2: connection IDs of version 1 are at most 20 bytes. */
  static final int MAX_CID = 20;

  int start;
  int firstByte;
  int version;
  /** Normalised packet type ({@link QuicVersions#TYPE_INITIAL} ...). */
  int type;
  int dcidOff;
  int dcidLen;
  int scidOff;
  int scidLen;
  int tokenOff;
  int tokenLen;
  /** Offset of the (protected) packet number. */
  int pnOff;
  /** Offset just past this packet: the next coalesced packet starts here. */
  int end;

  /**
   * Parses the long header starting at {@code off}; {@code end} is the end of the datagram.
   *
   * @return {@link #OK}, {@link #INVALID}, {@link #VERSION_NEGOTIATION} or {@link
   *     #UNKNOWN_VERSION}
   */
  int parse(byte[] b, int off, int end) {
    if (end - off < 7 || (b[off] & 0x80) == 0) {
      return INVALID;
    }
    start = off;
    firstByte = b[off] & 0xff;
    version =
        ((b[off + 1] & 0xff) << 24)
            | ((b[off + 2] & 0xff) << 16)
            | ((b[off + 3] & 0xff) << 8)
            | (b[off + 4] & 0xff);
    int p = off + 5;
    dcidLen = b[p++] & 0xff;
    if (dcidLen > end - p) {
      return INVALID;
    }
    dcidOff = p;
    p += dcidLen;
    if (p >= end) {
      return INVALID;
    }
    scidLen = b[p++] & 0xff;
    if (scidLen > end - p) {
      return INVALID;
    }
    scidOff = p;
    p += scidLen;
    if (version == 0) {
      this.end = end;
      return VERSION_NEGOTIATION;
    }
    if (!QuicVersions.isKnown(version)) {
      this.end = end;
      return UNKNOWN_VERSION;
    }
    if (dcidLen > MAX_CID || scidLen > MAX_CID) {
      return INVALID;
    }
    type = QuicVersions.packetType(version, firstByte);
    tokenOff = p;
    tokenLen = 0;
    if (type == QuicVersions.TYPE_RETRY) {
      // Retry token then the 16-byte integrity tag, to the end of the datagram.
      if (end - p < 16) {
        return INVALID;
      }
      tokenLen = end - p - 16;
      pnOff = end;
      this.end = end;
      return OK;
    }
    if (type == QuicVersions.TYPE_INITIAL) {
      long t = varint(b, p, end);
      if (t < 0) {
        return INVALID;
      }
      p += varintSize(b[p]);
      if (t > end - p) {
        return INVALID;
      }
      tokenOff = p;
      tokenLen = (int) t;
      p += tokenLen;
    }
    long length = varint(b, p, end);
    if (length < 0) {
      return INVALID;
    }
    p += varintSize(b[p]);
    if (length > end - p) {
      return INVALID;
    }
    pnOff = p;
    this.end = p + (int) length;
    return OK;
  }

  /** Bytes of the variable-length integer whose first byte is {@code first}: 1, 2, 4 or 8. */
  static int varintSize(byte first) {
    return 1 << ((first & 0xff) >>> 6);
  }

  /**
   * The variable-length integer (RFC 9000 section 16) at {@code p}, or -1 when it does not fit
   * before {@code end}. Values are below 2^62, so never negative.
   */
  static long varint(byte[] b, int p, int end) {
    if (p >= end) {
      return -1;
    }
    int size = varintSize(b[p]);
    if (size > end - p) {
      return -1;
    }
    long v = b[p] & 0x3f;
    for (int i = 1; i < size; i++) {
      v = (v << 8) | (b[p + i] & 0xff);
    }
    return v;
  }
}
