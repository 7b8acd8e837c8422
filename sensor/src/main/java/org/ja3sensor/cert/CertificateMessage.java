package org.ja3sensor.cert;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * Frames the body of a TLS 1.2-or-older (and SSLv3) Certificate handshake message (RFC 5246
 * 7.4.2): {@code opaque ASN.1Cert<1..2^24-1>; ASN.1Cert certificate_list<0..2^24-1>}. A pure
 * function of the bytes: nothing is parsed beyond the three-byte lengths.
 *
 * <p>Defensive: a list length that is not the rest of the body, a certificate length that runs past
 * the list, an empty certificate or bytes left over are {@code TLS_CERTIFICATE_MALFORMED}, and the
 * certificates framed before the fault are kept; more than {@link #MAX_KEPT} certificates are
 * {@code TLS_CERTIFICATE_CHAIN_TOO_LONG} (all are counted, the first {@value #MAX_KEPT} kept). Work
 * is linear in the body length; nothing thrown escapes for any content.
 */
public final class CertificateMessage {
  /** Certificates kept per chain: real chains have 1 to 5. */
  public static final int MAX_KEPT = 16;

  private CertificateMessage() {}

  /**
   * Frames a Certificate message body.
   *
   * @param b the body (after the 4-byte handshake header)
   * @param owned whether {@code b} may be kept as it is (the caller hands it over and will not
   *     change it); otherwise the kept bytes are copied
   * @param counters where anomalies are counted (now and when the leaf is parsed later)
   * @return the chain (possibly empty), or null when not even the list length is present
   */
  public static ServerCertificates split(
      byte[] b, int off, int len, boolean owned, Counters counters) {
    if (off < 0 || len < 0 || off > b.length - len) {
      throw new IndexOutOfBoundsException(
          "body at " + off + " length " + len + ": expected within an array of " + b.length);
    }
    if (len < 3) {
      counters.anomaly(Anomaly.TLS_CERTIFICATE_MALFORMED);
      return null;
    }
    boolean malformed = false;
    int listLen = u24(b, off);
    int end = off + len;
    int listEnd;
    if (listLen != len - 3) {
      malformed = true;
      listEnd = listLen < len - 3 ? off + 3 + listLen : end; // frame what the body really holds
    } else {
      listEnd = end;
    }
    int[] offsets = new int[MAX_KEPT];
    int[] lengths = new int[MAX_KEPT];
    int count = 0;
    int p = off + 3;
    while (p < listEnd) {
      if (listEnd - p < 3) {
        malformed = true;
        break;
      }
      int certLen = u24(b, p);
      if (certLen == 0 || certLen > listEnd - p - 3) {
        malformed = true;
        break;
      }
      if (count < MAX_KEPT) {
        offsets[count] = p + 3;
        lengths[count] = certLen;
      }
      count++;
      p += 3 + certLen;
    }
    if (malformed) {
      counters.anomaly(Anomaly.TLS_CERTIFICATE_MALFORMED);
    }
    if (count > MAX_KEPT) {
      counters.anomaly(Anomaly.TLS_CERTIFICATE_CHAIN_TOO_LONG);
    }
    int kept = Math.min(count, MAX_KEPT);
    byte[] data = b;
    if (!owned && kept > 0) {
      // Copy only the kept certificates' span (leaf first, contiguous in the message).
      int from = offsets[0];
      int to = offsets[kept - 1] + lengths[kept - 1];
      data = new byte[to - from];
      System.arraycopy(b, from, data, 0, to - from);
      for (int i = 0; i < kept; i++) {
        offsets[i] -= from;
      }
    } else if (!owned) {
      data = new byte[0];
    }
    return new ServerCertificates(data, offsets, lengths, kept, count, counters);
  }

  private static int u24(byte[] b, int i) {
    return ((b[i] & 0xff) << 16) | ((b[i + 1] & 0xff) << 8) | (b[i + 2] & 0xff);
  }
}
