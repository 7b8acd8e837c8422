package org.ja3sensor.cert;

import java.util.Objects;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * Follows the server's handshake messages after its ServerHello (TLS 1.2 and older, SSLv3) until
 * the Certificate message is complete, and frames it with {@link CertificateMessage#split}. It is
 * fed plain handshake-protocol bytes (the bodies of handshake records, in order, in chunks of any
 * size), the bytes right after the ServerHello.
 *
 * <p>Ends ({@link #DONE}) at the first of: a complete Certificate message ({@link #certificates()}
 * non-null); ServerHelloDone, ServerKeyExchange, CertificateRequest or any message other than a
 * HelloRequest before a Certificate (none is coming: anonymous suites); a Certificate message
 * longer than {@code maxHandshakeBytes} ({@code TLS_CERTIFICATE_INCOMPLETE}, not read). The caller
 * ends it with {@link #interrupted()} when the handshake bytes stop (ChangeCipherSpec, encrypted
 * data, an alert, FIN/RST, eviction): a Certificate message left incomplete is then {@code
 * TLS_CERTIFICATE_INCOMPLETE}.
 *
 * <p>Buffer ownership: the chunk passed to {@link #accept} is only read during the call. A
 * Certificate message within one chunk is framed in place and its certificates copied; otherwise
 * the assembler accumulates it (at most {@code maxHandshakeBytes}, grown by doubling) and hands the
 * accumulator over to the {@link ServerCertificates} without a copy. After DONE it holds no buffer.
 * One instance per server direction; not thread-safe.
 */
public final class CertificateAssembler {
  public static final int NEED_MORE = 0;
  public static final int DONE = 1;

  private static final int HT_HELLO_REQUEST = 0;
  private static final int HT_CERTIFICATE = 11;
  private static final int INITIAL_ACCUMULATOR = 4096;

  private final Counters counters;
  private final int maxHandshakeBytes;

  private int status = NEED_MORE;
  private final byte[] hdr = new byte[4];
  private int hdrLen;
  private int type;
  private int length;
  /** The Certificate message body being assembled. */
  private byte[] acc;
  private int accLen;
  private ServerCertificates certificates;

  public CertificateAssembler(Counters counters, int maxHandshakeBytes) {
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
   * @return {@link #NEED_MORE} or {@link #DONE}
   */
  public int accept(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0 && status == NEED_MORE) {
      if (hdrLen < 4) {
        if (hdrLen == 0 && len >= 4 && (b[off] & 0xff) == HT_CERTIFICATE) {
          int l = ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
          if (l <= len - 4 && l <= maxHandshakeBytes) {
            certificates = CertificateMessage.split(b, off + 4, l, false, counters);
            finish();
            break;
          }
        }
        int take = Math.min(4 - hdrLen, len);
        System.arraycopy(b, off, hdr, hdrLen, take);
        hdrLen += take;
        off += take;
        len -= take;
        if (hdrLen == 4) {
          header();
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
          byte[] whole = acc;
          acc = null; // handed over
          certificates = CertificateMessage.split(whole, 0, length, true, counters);
          finish();
        }
      }
    }
    return status;
  }

  private void header() {
    type = hdr[0] & 0xff;
    length = ((hdr[1] & 0xff) << 16) | ((hdr[2] & 0xff) << 8) | (hdr[3] & 0xff);
    if (type == HT_HELLO_REQUEST && length == 0) {
      hdrLen = 0;
      return;
    }
    if (type != HT_CERTIFICATE) {
      finish(); // ServerKeyExchange, CertificateRequest, ServerHelloDone ...: no certificate
      return;
    }
    if (length > maxHandshakeBytes) {
      counters.anomaly(Anomaly.TLS_CERTIFICATE_INCOMPLETE);
      finish();
      return;
    }
    if (length == 0) {
      certificates = CertificateMessage.split(hdr, 4, 0, false, counters); // counted malformed
      finish();
      return;
    }
    acc = new byte[Math.min(length, INITIAL_ACCUMULATOR)];
    accLen = 0;
  }

  /** True while a Certificate message has begun and is not complete. */
  public boolean inCertificate() {
    return status == NEED_MORE && hdrLen > 0 && (hdr[0] & 0xff) == HT_CERTIFICATE;
  }

  /**
   * The handshake bytes end here (another record type, the end of the stream, eviction): a
   * Certificate message left incomplete is counted {@code TLS_CERTIFICATE_INCOMPLETE}. Done.
   */
  public void interrupted() {
    if (inCertificate()) {
      counters.anomaly(Anomaly.TLS_CERTIFICATE_INCOMPLETE);
    }
    finish();
  }

  /** The chain (status DONE after a complete Certificate message), else null. */
  public ServerCertificates certificates() {
    return certificates;
  }

  public int status() {
    return status;
  }

  /** Bytes held right now (the accumulator), for the reassembly memory cap. */
  public int bufferedBytes() {
    return acc == null ? 0 : acc.length;
  }

  private void finish() {
    status = DONE;
    acc = null;
    accLen = 0;
    hdrLen = 0;
  }
}
