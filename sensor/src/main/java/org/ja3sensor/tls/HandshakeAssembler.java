package org.ja3sensor.tls;

import java.util.Objects;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * Assembles the first hello of one direction from plain TLS handshake-protocol bytes (messages of
 * a 4-byte header, type and 24-bit length, then the body), fed in order, in chunks of any size,
 * and parses it with {@link HelloParser}. It knows nothing of records: TCP streams feed it the
 * bodies of handshake records (through {@link RecordReader}); QUIC feeds it the contents of its
 * CRYPTO frames, in stream order, directly.
 *
 * <p>Use: call {@link #accept} with the next bytes until it returns something other than {@link
 * #NEED_MORE}. On {@link #DONE} the hello is available from {@link #clientHello()} or {@link
 * #serverHello()} (exactly one is non-null); on {@link #GAVE_UP} there is none and the reason was
 * counted. HelloRequest messages (type 0, empty) before the hello are skipped; any other first
 * message is counted {@code TLS_UNEXPECTED_HANDSHAKE}; a message longer than {@code
 * maxHandshakeBytes} is counted {@code TLS_HANDSHAKE_TOO_LARGE}; a hello that does not parse is
 * counted {@code TLS_CLIENT_HELLO_MALFORMED} or {@code TLS_SERVER_HELLO_MALFORMED}, one with
 * tolerated defects {@code TLS_HELLO_IRREGULAR}. Nothing thrown escapes for any content.
 *
 * <p>Buffer ownership: the chunk passed to {@link #accept} is only read during the call. A message
 * contained in one chunk is parsed in place, without a copy; otherwise the assembler owns an
 * accumulator (at most {@code maxHandshakeBytes}, grown by doubling from 2 KiB) until the message
 * is complete. After DONE or GAVE_UP, or {@link #release()}, it holds no buffer. One instance per
 * direction (or QUIC packet-number space); not thread-safe.
 */
public final class HandshakeAssembler {
  /** More bytes are needed. */
  public static final int NEED_MORE = 0;
  /** The hello of this direction was found (or the handshake ended): feed nothing more. */
  public static final int DONE = 1;
  /** No hello can come from these bytes (counted), or the caller released: feed nothing more. */
  public static final int GAVE_UP = 2;

  /** Handshake message types this class knows. */
  public static final int HT_HELLO_REQUEST = 0;
  public static final int HT_CLIENT_HELLO = 1;
  public static final int HT_SERVER_HELLO = 2;

  /** First size of an accumulator; it doubles up to the message length. */
  private static final int INITIAL_ACCUMULATOR = 2048;

  private final Counters counters;
  private final int maxHandshakeBytes;

  private int status = NEED_MORE;
  /** Bytes of the current message header read so far (4 while its body is read). */
  private int hdrLen;
  private final byte[] hdr = new byte[4];
  private int type;
  private int length;
  private byte[] acc;
  private int accLen;

  private ClientHello clientHello;
  private ServerHello serverHello;
  /** Bytes of the last {@link #accept} chunk after the hello (what the server sends next). */
  private int unconsumed;

  /**
   * @param counters where anomalies are counted
   * @param maxHandshakeBytes largest hello accepted; a larger one is {@code
   *     TLS_HANDSHAKE_TOO_LARGE}
   */
  public HandshakeAssembler(Counters counters, int maxHandshakeBytes) {
    this.counters = Objects.requireNonNull(counters, "counters");
    if (maxHandshakeBytes < 0) {
      throw new IllegalArgumentException(
          "maxHandshakeBytes " + maxHandshakeBytes + ": expected a value >= 0");
    }
    this.maxHandshakeBytes = maxHandshakeBytes;
  }

  /**
   * Feeds the next handshake-protocol bytes.
   *
   * @return {@link #NEED_MORE}, {@link #DONE} or {@link #GAVE_UP}
   */
  public int accept(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0 && status == NEED_MORE) {
      if (hdrLen < 4) {
        if (hdrLen == 0 && len >= 4) {
          int t = b[off] & 0xff;
          int l = ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
          if ((t == HT_CLIENT_HELLO || t == HT_SERVER_HELLO) && l <= len - 4
              && l <= maxHandshakeBytes) {
            deliver(t, b, off + 4, l); // whole message in this chunk
            unconsumed = len - 4 - l;
            break;
          }
        }
        int take = Math.min(4 - hdrLen, len);
        System.arraycopy(b, off, hdr, hdrLen, take);
        hdrLen += take;
        off += take;
        len -= take;
        if (hdrLen < 4) {
          break;
        }
        if (!header()) {
          break;
        }
      } else {
        int take = Math.min(length - accLen, len);
        if (accLen + take > acc.length) {
          byte[] bigger = new byte[Math.min(length, Math.max(acc.length * 2, accLen + take))];
          System.arraycopy(acc, 0, bigger, 0, accLen);
          acc = bigger;
        }
        System.arraycopy(b, off, acc, accLen, take);
        accLen += take;
        off += take;
        len -= take;
        if (accLen == length) {
          deliver(type, acc, 0, length);
          unconsumed = len;
          break;
        }
      }
    }
    return status;
  }

  /** Checks the message header; returns true to read the message body. */
  private boolean header() {
    type = hdr[0] & 0xff;
    length = ((hdr[1] & 0xff) << 16) | ((hdr[2] & 0xff) << 8) | (hdr[3] & 0xff);
    if (type == HT_HELLO_REQUEST && length == 0) {
      hdrLen = 0; // HelloRequest: nothing to read, the hello may follow
      return true;
    }
    if (type != HT_CLIENT_HELLO && type != HT_SERVER_HELLO) {
      counters.anomaly(Anomaly.TLS_UNEXPECTED_HANDSHAKE);
      finish(GAVE_UP);
      return false;
    }
    if (length > maxHandshakeBytes) {
      counters.anomaly(Anomaly.TLS_HANDSHAKE_TOO_LARGE);
      finish(GAVE_UP);
      return false;
    }
    if (length == 0) {
      deliver(type, hdr, 4, 0); // an empty hello: malformed
      return false;
    }
    acc = new byte[Math.min(length, INITIAL_ACCUMULATOR)];
    accLen = 0;
    return true;
  }

  /** Parses a complete hello body and keeps it; the assembler is finished either way. */
  private void deliver(int t, byte[] b, int off, int len) {
    HelloParser.Report report = new HelloParser.Report();
    if (t == HT_CLIENT_HELLO) {
      ClientHello hello = HelloParser.parseClientHello(b, off, len, report);
      if (hello == null) {
        counters.anomaly(Anomaly.TLS_CLIENT_HELLO_MALFORMED);
        finish(GAVE_UP);
        return;
      }
      noteIrregular(report);
      finish(DONE);
      clientHello = hello;
    } else {
      ServerHello hello = HelloParser.parseServerHello(b, off, len, report);
      if (hello == null) {
        counters.anomaly(Anomaly.TLS_SERVER_HELLO_MALFORMED);
        finish(GAVE_UP);
        return;
      }
      noteIrregular(report);
      finish(DONE);
      serverHello = hello;
    }
  }

  private void noteIrregular(HelloParser.Report report) {
    if (report.irregularities() > 0) {
      counters.anomaly(Anomaly.TLS_HELLO_IRREGULAR);
    }
  }

  /** True between the first byte of a message header and the end of its body. */
  public boolean inMessage() {
    return hdrLen > 0;
  }

  /**
   * The handshake bytes end here for good (TLS: a record of another type follows). A message left
   * incomplete is counted: a hello whose length promised more bytes as malformed, a partial
   * header as {@code TLS_RECORD_INVALID}. The assembler gives up.
   */
  public void interrupted() {
    if (hdrLen == 4) {
      counters.anomaly(
          type == HT_SERVER_HELLO
              ? Anomaly.TLS_SERVER_HELLO_MALFORMED
              : Anomaly.TLS_CLIENT_HELLO_MALFORMED);
    } else if (hdrLen > 0) {
      counters.anomaly(Anomaly.TLS_RECORD_INVALID);
    }
    release();
  }

  /**
   * Bytes at the end of the last {@link #accept} chunk that follow the hello (status DONE): the
   * start of the next handshake message (after a ServerHello, often the Certificate).
   */
  public int unconsumed() {
    return unconsumed;
  }

  /** The ClientHello found (status DONE), else null. */
  public ClientHello clientHello() {
    return clientHello;
  }

  /** The ServerHello found (status DONE), else null. */
  public ServerHello serverHello() {
    return serverHello;
  }

  /** The status, as the last {@link #accept} returned it. */
  public int status() {
    return status;
  }

  /** Bytes held right now (the accumulator), for the reassembly memory cap. */
  public int bufferedBytes() {
    return acc == null ? 0 : acc.length;
  }

  /** Drops the buffers; the status becomes GAVE_UP unless a hello was already found. */
  public void release() {
    if (status == NEED_MORE) {
      status = GAVE_UP;
    }
    dropBuffers();
  }

  private void finish(int s) {
    status = s;
    dropBuffers();
  }

  private void dropBuffers() {
    acc = null;
    accLen = 0;
    hdrLen = 0;
  }
}
