package org.ja3sensor.tls;

import org.ja3sensor.pipeline.Counters;

/**
 * Finds and parses the hello of one direction of a TCP stream. It is fed the stream's bytes in
 * order, in chunks of any size (one TCP segment's payload, or less), and keeps only what the
 * handshake needs: a few bytes of record header and the handshake message being assembled, up
 * to a cap. Handshake messages spanning several records and records spanning several chunks are
 * both handled. TLS is recognised by content, at the start of the stream or after a plaintext
 * prefix (STARTTLS, HTTP CONNECT, SOCKS), within a scan limit.
 *
 * <p>Buffer ownership: the chunk passed to {@link #feed} is only read during the call.
 */
public final class TlsStreamParser {

  /** Receives what the parser finds. */
  public interface Listener {
    void onClientHello(ClientHello hello);

    void onServerHello(ServerHello hello);

    /** An SSLv2-format ClientHello: no JA3 is defined for it. */
    void onSslv2ClientHello();
  }

  /** More bytes are needed. */
  public static final int NEED_MORE = 0;
  /** The hello of this direction was found (or the handshake ended): feed nothing more. */
  public static final int DONE = 1;
  /** No TLS handshake within the scan limit, or the stream broke: feed nothing more. */
  public static final int GAVE_UP = 2;

  public TlsStreamParser(Counters counters, int scanLimit, int maxHandshakeBytes) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Feeds the next in-order bytes of this direction.
   *
   * @return {@link #NEED_MORE}, {@link #DONE} or {@link #GAVE_UP}
   */
  public int feed(byte[] b, int off, int len, Listener listener) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Bytes this parser holds right now (its accumulator), for the reassembly memory cap. */
  public int bufferedBytes() {
    return 0;
  }

  /** Drops all buffers; the parser then answers GAVE_UP. */
  public void release() {}
}
