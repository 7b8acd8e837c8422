package org.ja3sensor.cert;

import java.util.Objects;
import org.ja3sensor.core.Counters;

/**
 * The certificate chain a server sent in its Certificate message (TLS 1.2 and older, SSLv3), as
 * {@link CertificateMessage#split} framed it: the DER bytes of up to {@link
 * CertificateMessage#MAX_KEPT} certificates, leaf first, and the number of certificates the message
 * held.
 *
 * <p>Nothing is hashed or parsed when it is made (on the packet thread): {@link #leaf()} does that
 * on first use, on whichever thread matches or serialises the event, once, through that thread's
 * {@link LeafCache} (a certificate seen lately is not hashed or parsed again). Buffer ownership:
 * {@code data} is owned by this object (the parser's accumulator handed over, or a copy) and never
 * changes. Not thread-safe; an event is handed from one thread to the next through a queue.
 */
public final class ServerCertificates {
  private final byte[] data;
  private final int[] offsets;
  private final int[] lengths;
  private final int kept;
  private final int chainLength;
  private final Counters counters;
  private LeafCertificate leaf;

  ServerCertificates(
      byte[] data, int[] offsets, int[] lengths, int kept, int chainLength, Counters counters) {
    this.data = data;
    this.offsets = offsets;
    this.lengths = lengths;
    this.kept = kept;
    this.chainLength = chainLength;
    this.counters = Objects.requireNonNull(counters, "counters");
  }

  /**
   * A chain known only by its leaf's SHA-1 (for {@code db lookup}: what would the matcher say of a
   * server with this certificate); the leaf does not parse and has no other hash.
   */
  public static ServerCertificates ofLeafSha1(String sha1Hex) {
    ServerCertificates s =
        new ServerCertificates(new byte[0], new int[1], new int[1], 1, 1, new Counters());
    s.leaf = LeafCertificate.knownOnlyBySha1(sha1Hex);
    return s;
  }

  /** Certificates in the message (all of them, also those beyond what is kept). */
  public int chainLength() {
    return chainLength;
  }

  /** Certificates whose bytes are kept (at most {@link CertificateMessage#MAX_KEPT}). */
  public int kept() {
    return kept;
  }

  /** The DER bytes of certificate i (0: the leaf), as a new array. */
  public byte[] der(int i) {
    Objects.checkIndex(i, kept);
    byte[] out = new byte[lengths[i]];
    System.arraycopy(data, offsets[i], out, 0, lengths[i]);
    return out;
  }

  /**
   * The leaf certificate: hashes, and its fields once asked for. Null when the message held no
   * certificate (a server with none to send answers with an empty list).
   */
  public LeafCertificate leaf() {
    if (kept == 0) {
      return null;
    }
    if (leaf == null) {
      leaf = LeafCache.get().leaf(data, offsets[0], lengths[0], counters);
    }
    return leaf;
  }

  /** Certificate i as PEM (header, base64 in lines of 64, footer; lines end with \n). */
  public String pem(int i) {
    Objects.checkIndex(i, kept);
    String b64 =
        java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(java.util.Arrays.copyOfRange(data, offsets[i], offsets[i] + lengths[i]));
    return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
  }
}
