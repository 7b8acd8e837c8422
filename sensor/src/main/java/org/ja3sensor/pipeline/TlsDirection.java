package org.ja3sensor.pipeline;

import org.ja3sensor.core.Counters;
import org.ja3sensor.flow.Flow;
import org.ja3sensor.flow.StreamConsumer;
import org.ja3sensor.tls.RecordReader;

/**
 * The TLS consumer of one direction of a TCP connection: feeds the in-order bytes to a {@link
 * RecordReader} and, when the reader finds the direction's hello, hands it to the pipeline with
 * the flow, the side and the time of the segment that completed it; after a TLS 1.2-or-older
 * ServerHello, also the server's certificate chain when its reading ends. Owns the reader (and
 * through it the handshake accumulators).
 */
final class TlsDirection implements StreamConsumer {
  private final Pipeline pipeline;
  private final Flow<TlsSession> flow;
  private final int side;
  private final RecordReader reader;
  private boolean helloReported;
  private boolean certificatesReported;

  TlsDirection(
      Pipeline pipeline, Flow<TlsSession> flow, int side, Counters counters, PipelineConfig config) {
    this.pipeline = pipeline;
    this.flow = flow;
    this.side = side;
    this.reader =
        new RecordReader(counters, config.scanLimit(), config.maxHandshakeBytesPerFlow());
  }

  @Override
  public boolean onBytes(byte[] b, int off, int len, long tsNanos) {
    int status = reader.feed(b, off, len);
    if (!helloReported) {
      if (reader.clientHello() != null) {
        helloReported = true;
        pipeline.onClientHello(flow, side, reader.clientHello(), tsNanos);
      } else if (reader.serverHello() != null) {
        helloReported = true;
        // TLS 1.2 and older: the reader goes on to the Certificate message (and may have read it
        // already, from the same bytes): certificatesEnded() tells the pipeline.
        pipeline.onServerHello(flow, side, reader.serverHello(), tsNanos,
            reader.readsCertificate());
      } else if (status == RecordReader.DONE && reader.sslv2ClientHello()) {
        helloReported = true;
        pipeline.onSslv2ClientHello(flow, side, tsNanos);
      }
    }
    if (status == RecordReader.NEED_MORE) {
      return true;
    }
    certificatesEnded();
    return false;
  }

  /** The server's certificate reading ended (complete, none coming, or cut): tell the pipeline. */
  private void certificatesEnded() {
    if (reader.readsCertificate() && !certificatesReported) {
      certificatesReported = true;
      pipeline.onServerCertificates(flow, reader.serverCertificates());
    }
  }

  /** The record reader cannot resynchronise after a hole: the direction ends without a hello. */
  @Override
  public void onGap() {}

  @Override
  public int bufferedBytes() {
    return reader.bufferedBytes();
  }

  @Override
  public void release() {
    reader.release();
    certificatesEnded(); // the memory cap or a gap ended it: the waiting event goes out
  }
}
