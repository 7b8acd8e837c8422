package org.ja3sensor.tls;

import java.util.Objects;
import org.ja3sensor.cert.CertificateAssembler;
import org.ja3sensor.cert.ServerCertificates;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * The record layer of one direction of a TCP stream: finds TLS by content and follows its records,
 * handing the bytes of handshake records to a {@link HandshakeAssembler} (which assembles and
 * parses the hello). It is fed the stream's bytes in order, in chunks of any size (one TCP
 * segment's payload, or less), and keeps only a few bytes of record header; records spanning
 * several chunks are handled. TLS is recognised at the start of the stream or after a plaintext
 * prefix (STARTTLS, HTTP CONNECT, SOCKS), within a scan limit.
 *
 * <p>What it does with the bytes of one direction:
 *
 * <ul>
 *   <li>At the start of the stream: a record header of content type 22 (handshake) with version
 *       major 3 commits it to reading TLS records; an SSLv2-format ClientHello is reported through
 *       {@link #sslv2ClientHello()} (no JA3 exists for it) and ends the work; a ChangeCipherSpec or
 *       ApplicationData record (a stream picked up mid-connection), a fatal or encrypted Alert (a
 *       refusal) ends it without a hello. A plaintext warning Alert is skipped: servers send
 *       unrecognized_name (112) just before their ServerHello.
 *   <li>Anything else is taken for a plaintext prefix: the first {@code scanLimit} bytes are
 *       searched for a validated candidate record header (content type 22, version 0x0300 to
 *       0x0304, record length 6 to 18432, handshake type 1 or 2, handshake length at least that
 *       of the smallest hello, hello version major 3 or a TLS 1.3 draft). Only the last 10 bytes
 *       are carried from one chunk to the next; the plaintext itself is not kept.
 *   <li>In records: the bodies of handshake records go to the assembler, which finds the first
 *       ClientHello or ServerHello (either may come from either direction: the caller decides
 *       roles). A record of another type before the hello ends the work.
 *   <li>After a ServerHello of TLS 1.2 or older (and SSLv3) the server's next messages go to a
 *       {@link CertificateAssembler} until its Certificate message is complete, or ServerHelloDone
 *       (or another message) shows none is coming, or a record of another type (ChangeCipherSpec,
 *       encrypted data, an alert) ends the handshake bytes: see {@link #readsCertificate()}.
 *       TLS 1.3 encrypts the certificate: its ServerHello ends the work as before.
 * </ul>
 *
 * <p>When {@link #feed} returns {@link #DONE}, the hello is available from {@link #clientHello()},
 * {@link #serverHello()} or {@link #sslv2ClientHello()}. Every problem is counted as an {@link
 * Anomaly} in the {@link Counters} given at construction: an impossible record header ({@code
 * TLS_RECORD_INVALID}), an SSLv2 hello ({@code SSLV2_CLIENT_HELLO}), and what the assembler counts.
 * Hellos are not counted here (the caller does). Nothing thrown escapes for any stream content.
 *
 * <p>Buffer ownership: the chunk passed to {@link #feed} is only read during the call. The reader
 * owns a 15-byte scratch array and its assembler; after {@link #DONE} or {@link #GAVE_UP} it holds
 * no buffer. One instance per direction; not thread-safe.
 */
public final class RecordReader {

  /** More bytes are needed. */
  public static final int NEED_MORE = HandshakeAssembler.NEED_MORE;
  /** The hello of this direction was found (or the handshake ended): feed nothing more. */
  public static final int DONE = HandshakeAssembler.DONE;
  /** No TLS handshake within the scan limit, or the stream broke: feed nothing more. */
  public static final int GAVE_UP = HandshakeAssembler.GAVE_UP;

  /** Largest record body: 2^14 plaintext plus the 2048 bytes TLSCiphertext allows. */
  static final int MAX_RECORD_LENGTH = 16384 + 2048;
  /** Bytes a scan candidate needs: record header, handshake header, hello version. */
  private static final int CANDIDATE = 11;
  /** Bytes the stream-start rules look at. */
  private static final int START_PROBE = 5;

  private static final int CT_CHANGE_CIPHER_SPEC = 20;
  private static final int CT_ALERT = 21;
  private static final int CT_HANDSHAKE = 22;
  private static final int CT_APPLICATION_DATA = 23;
  private static final int ALERT_WARNING = 1;
  private static final int HT_CLIENT_HELLO = HandshakeAssembler.HT_CLIENT_HELLO;
  private static final int HT_SERVER_HELLO = HandshakeAssembler.HT_SERVER_HELLO;

  // Layout of the scratch array.
  private static final int CARRY = 0; // scan carry, CANDIDATE - 1 bytes
  private static final int REC_HDR = CANDIDATE - 1; // record header, 5 bytes

  private static final int MODE_SCAN = 0;
  private static final int MODE_RECORDS = 1;

  private final Counters counters;
  private final int scanLimit;
  private final HandshakeAssembler assembler;
  private final int maxHandshakeBytes;
  /**
   * After a ServerHello of TLS 1.2 or older: follows the server's messages to its Certificate
   * (null before, and for every other hello).
   */
  private CertificateAssembler certificates;

  private int status = NEED_MORE;
  private int mode = MODE_SCAN;
  /** Bytes of this direction fed so far. */
  private long position;

  private byte[] scratch = new byte[REC_HDR + 5];
  /** Scan mode: bytes kept at scratch[CARRY..], the last ones fed. */
  private int carryLen;

  /** Record mode: bytes of the record header read so far (0 to 4; 5 is consumed at once). */
  private int recHdrLen;
  /** Record mode: bytes of the current record still to come (0 = a header is next). */
  private int recLeft;
  /** Record mode: content type of the current record (handshake, or a warning alert). */
  private int recType;

  private boolean sslv2ClientHello;

  /**
   * @param counters where anomalies are counted
   * @param scanLimit bytes at the start of the stream searched for a TLS record when the stream
   *     does not start with one (0: TLS only at the very start)
   * @param maxHandshakeBytes largest hello accepted; a larger one is {@code
   *     TLS_HANDSHAKE_TOO_LARGE}
   */
  public RecordReader(Counters counters, int scanLimit, int maxHandshakeBytes) {
    this.counters = Objects.requireNonNull(counters, "counters");
    if (scanLimit < 0 || maxHandshakeBytes < 0) {
      throw new IllegalArgumentException(
          "scanLimit " + scanLimit + " and maxHandshakeBytes " + maxHandshakeBytes
              + ": expected values >= 0");
    }
    this.scanLimit = scanLimit;
    this.assembler = new HandshakeAssembler(counters, maxHandshakeBytes);
    this.maxHandshakeBytes = maxHandshakeBytes;
  }

  /**
   * Feeds the next in-order bytes of this direction.
   *
   * @return {@link #NEED_MORE}, {@link #DONE} or {@link #GAVE_UP}
   */
  public int feed(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (status != NEED_MORE || len == 0) {
      return status;
    }
    long start = position;
    position += len;
    if (mode == MODE_SCAN) {
      scan(b, off, len, start);
    } else {
      records(b, off, len);
    }
    return status;
  }

  /** Bytes this reader holds right now (the assemblers' accumulators), for the memory cap. */
  public int bufferedBytes() {
    return assembler.bufferedBytes() + (certificates == null ? 0 : certificates.bufferedBytes());
  }

  /**
   * True once a ServerHello of TLS 1.2 or older was found: the reader then goes on to the
   * server's Certificate message, and answers DONE when it is complete or cannot come (see {@link
   * #serverCertificates()}). The ServerHello is available from {@link #serverHello()} at once.
   */
  public boolean readsCertificate() {
    return certificates != null;
  }

  /** The server's certificate chain (status DONE after {@link #readsCertificate()}), else null. */
  public ServerCertificates serverCertificates() {
    return certificates == null ? null : certificates.certificates();
  }

  /** Whether the server's Certificate message follows a ServerHello (TLS 1.2, 1.1, 1.0, SSLv3). */
  static boolean certificateFollows(ServerHello hello) {
    int v = hello.negotiatedVersion();
    return v >= 0x0300 && v <= 0x0303;
  }

  /** The ClientHello found (status DONE), else null. */
  public ClientHello clientHello() {
    return assembler.clientHello();
  }

  /** The ServerHello found (status DONE), else null. */
  public ServerHello serverHello() {
    return assembler.serverHello();
  }

  /** True when the stream began with an SSLv2-format ClientHello (status DONE; no JA3). */
  public boolean sslv2ClientHello() {
    return sslv2ClientHello;
  }

  /**
   * Drops all buffers; the parser then answers GAVE_UP (or DONE if its hello was already
   * delivered).
   */
  public void release() {
    if (status == NEED_MORE) {
      if (certificates != null) {
        certificates.interrupted(); // a Certificate message cut here is counted incomplete
        status = DONE;
      } else {
        status = GAVE_UP;
      }
    }
    dropBuffers();
  }

  /** The current status, as the last {@link #feed} returned it. */
  public int status() {
    return status;
  }

  // --- scanning: stream start and plaintext prefix ---

  /**
   * Looks at every position of the window (carry followed by the chunk) that starts within the
   * scan limit; {@code start} is the stream position of the chunk's first byte.
   */
  private void scan(byte[] b, int off, int len, long start) {
    final int total = carryLen + len;
    final long base = start - carryLen; // stream position of window index 0
    int i = 0;
    while (i < total) {
      long at = base + i;
      if (at == 0) {
        if (total < START_PROBE) {
          break;
        }
        int r = streamStart(b, off);
        if (r == START_TLS) {
          enterRecords(b, off, len, 0);
          return;
        }
        if (r != START_UNKNOWN) {
          return; // decided: DONE or GAVE_UP
        }
      }
      if (at >= scanLimit) {
        giveUp();
        return;
      }
      if (total - i < CANDIDATE) {
        break;
      }
      if (i >= carryLen) {
        // Fast path over the chunk itself: skip to the next byte 22.
        int j = off + (i - carryLen);
        int last = off + len - CANDIDATE; // last index with a whole candidate
        long limitIndex = off + (scanLimit - 1 - start); // last index within the limit
        int stop = (int) Math.min(last, limitIndex);
        while (j <= stop && b[j] != CT_HANDSHAKE) {
          j++;
        }
        if (j > stop) {
          i = j - off + carryLen;
          continue; // the loop head decides: limit reached, or too few bytes left
        }
        i = j - off + carryLen;
      }
      if (at(b, off, i) == CT_HANDSHAKE && isCandidate(b, off, i)) {
        enterRecords(b, off, len, i);
        return;
      }
      i++;
    }
    keepCarry(b, off, len, i);
  }

  private static final int START_UNKNOWN = 0;
  private static final int START_TLS = 1;
  private static final int START_DECIDED = 2;

  /** The rules for the first bytes of a stream (window index 0; at least 5 bytes present). */
  private int streamStart(byte[] b, int off) {
    int b0 = at(b, off, 0);
    int b1 = at(b, off, 1);
    int b2 = at(b, off, 2);
    if (b0 == CT_HANDSHAKE && b1 == 3) {
      return START_TLS; // the record reader validates the rest of the header
    }
    if (b0 == CT_ALERT && b1 == 3 && b2 <= 4 && at(b, off, 3) == 0 && at(b, off, 4) == 2) {
      return START_TLS; // a plaintext alert: the record reader skips a warning, stops on others
    }
    if ((b0 == CT_CHANGE_CIPHER_SPEC || b0 == CT_ALERT || b0 == CT_APPLICATION_DATA)
        && b1 == 3 && b2 <= 4) {
      giveUp(); // TLS, but no hello to come: picked up mid-connection, or a refusal
      return START_DECIDED;
    }
    if ((b0 & 0x80) != 0) {
      int length = ((b0 & 0x7f) << 8) | b1;
      int major = at(b, off, 3);
      int minor = at(b, off, 4);
      boolean version = (major == 0 && minor == 2) || (major == 3 && minor <= 4);
      if (b2 == 1 && version && length >= 9) {
        counters.anomaly(Anomaly.SSLV2_CLIENT_HELLO);
        sslv2ClientHello = true;
        finish(DONE);
        return START_DECIDED;
      }
    }
    return START_UNKNOWN;
  }

  /** A validated TLS record header carrying the start of a hello, at window index i. */
  private boolean isCandidate(byte[] b, int off, int i) {
    if (at(b, off, i) != CT_HANDSHAKE
        || at(b, off, i + 1) != 3
        || at(b, off, i + 2) > 4) {
      return false;
    }
    int recordLength = (at(b, off, i + 3) << 8) | at(b, off, i + 4);
    if (recordLength < 6 || recordLength > MAX_RECORD_LENGTH) {
      return false;
    }
    int type = at(b, off, i + 5);
    int length = (at(b, off, i + 6) << 16) | (at(b, off, i + 7) << 8) | at(b, off, i + 8);
    int helloMajor = at(b, off, i + 9);
    if (type == HT_CLIENT_HELLO) {
      return length >= HelloParser.MIN_CLIENT_HELLO && helloMajor == 3;
    }
    if (type == HT_SERVER_HELLO) {
      // 0x7f: TLS 1.3 drafts put the draft version into ServerHello.version.
      return length >= HelloParser.MIN_SERVER_HELLO && (helloMajor == 3 || helloMajor == 0x7f);
    }
    return false;
  }

  /** Byte i of the window: the carry, then the chunk. */
  private int at(byte[] b, int off, int i) {
    return i < carryLen ? scratch[CARRY + i] & 0xff : b[off + i - carryLen] & 0xff;
  }

  /** Keeps window[i..] (fewer than CANDIDATE bytes) as the carry for the next chunk. */
  private void keepCarry(byte[] b, int off, int len, int i) {
    int keep = carryLen + len - i;
    if (i < carryLen) {
      int fromCarry = carryLen - i;
      System.arraycopy(scratch, CARRY + i, scratch, CARRY, fromCarry);
      System.arraycopy(b, off, scratch, CARRY + fromCarry, len);
    } else {
      System.arraycopy(b, off + (i - carryLen), scratch, CARRY, keep);
    }
    carryLen = keep;
  }

  /** Switches to reading records at window index i and feeds them the rest of the window. */
  private void enterRecords(byte[] b, int off, int len, int i) {
    mode = MODE_RECORDS;
    int c = carryLen;
    carryLen = 0;
    if (i < c) {
      // The record reader writes only at scratch[REC_HDR..], never over the carry.
      records(scratch, CARRY + i, c - i);
      if (status == NEED_MORE) {
        records(b, off, len);
      }
    } else {
      int skip = i - c;
      records(b, off + skip, len - skip);
    }
  }

  // --- records ---

  private void records(byte[] b, int off, int len) {
    while (len > 0 && status == NEED_MORE) {
      if (recLeft == 0) {
        int take = Math.min(5 - recHdrLen, len);
        System.arraycopy(b, off, scratch, REC_HDR + recHdrLen, take);
        recHdrLen += take;
        off += take;
        len -= take;
        if (recHdrLen < 5) {
          return;
        }
        recHdrLen = 0;
        if (!recordHeader()) {
          return;
        }
      } else {
        int n = Math.min(recLeft, len);
        if (recType == CT_ALERT) {
          if (recLeft == 2 && (b[off] & 0xff) != ALERT_WARNING) {
            giveUp(); // a fatal alert before any hello: the handshake is over
            return;
          }
          recLeft -= n;
        } else {
          recLeft -= n;
          handshake(b, off, n);
        }
        off += n;
        len -= n;
      }
    }
  }

  /** Checks the record header in scratch; returns true to read its body. */
  private boolean recordHeader() {
    int type = scratch[REC_HDR] & 0xff;
    int major = scratch[REC_HDR + 1] & 0xff;
    int minor = scratch[REC_HDR + 2] & 0xff;
    int length = ((scratch[REC_HDR + 3] & 0xff) << 8) | (scratch[REC_HDR + 4] & 0xff);
    if (type < CT_CHANGE_CIPHER_SPEC || type > CT_APPLICATION_DATA
        || major != 3 || minor > 4 || length > MAX_RECORD_LENGTH) {
      counters.anomaly(Anomaly.TLS_RECORD_INVALID);
      giveUp();
      return false;
    }
    if (certificates != null && type != CT_HANDSHAKE) {
      // ChangeCipherSpec (an abbreviated handshake), encrypted data or an alert: no Certificate
      // message, or the rest of one, is coming.
      certificates.interrupted();
      finish(DONE);
      return false;
    }
    if (type == CT_ALERT && length == 2 && !assembler.inMessage()) {
      // A plaintext alert between messages: servers send a warning (e.g. unrecognized_name)
      // before their ServerHello. The level byte decides (see records()).
      recType = CT_ALERT;
      recLeft = 2;
      return true;
    }
    if (type != CT_HANDSHAKE) {
      // A hello whose length promised more handshake bytes than came before this record is
      // counted by the assembler.
      assembler.interrupted();
      giveUp(); // no hello before the handshake ended or the stream turned to other records
      return false;
    }
    recType = CT_HANDSHAKE;
    recLeft = length; // a zero-length record leaves recLeft 0: the next header follows
    return true;
  }

  // --- handshake messages ---

  /** Hands n handshake bytes of the current record to the assembler (or the certificate one). */
  private void handshake(byte[] b, int off, int n) {
    if (certificates != null) {
      if (certificates.accept(b, off, n) != CertificateAssembler.NEED_MORE) {
        finish(DONE);
      }
      return;
    }
    int st = assembler.accept(b, off, n);
    if (st == DONE && assembler.serverHello() != null
        && certificateFollows(assembler.serverHello())) {
      certificates = new CertificateAssembler(counters, maxHandshakeBytes);
      int rest = assembler.unconsumed();
      if (rest > 0
          && certificates.accept(b, off + n - rest, rest) != CertificateAssembler.NEED_MORE) {
        finish(DONE);
      }
      return;
    }
    if (st != NEED_MORE) {
      finish(st);
    }
  }

  private void giveUp() {
    if (certificates != null) {
      certificates.interrupted(); // after the ServerHello: the hello stands, no certificate
      finish(DONE);
      return;
    }
    finish(GAVE_UP);
  }

  private void finish(int s) {
    status = s;
    dropBuffers();
  }

  private void dropBuffers() {
    assembler.release();
    if (certificates != null && certificates.status() == CertificateAssembler.NEED_MORE) {
      certificates.interrupted();
    }
    scratch = null;
    carryLen = 0;
    recHdrLen = 0;
    recLeft = 0;
  }
}
