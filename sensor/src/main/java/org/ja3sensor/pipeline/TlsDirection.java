package org.ja3sensor.pipeline;

import org.ja3sensor.core.Counters;
import org.ja3sensor.flow.Flow;
import org.ja3sensor.flow.StreamConsumer;
import org.ja3sensor.tls.RecordReader;

/**
 * The TLS consumer of one direction of a TCP connection: feeds the in-order bytes to a {@link
 * RecordReader} and, when the reader finds the direction's hello, hands it to the pipeline with
 * the flow, the side and the time of the segment that completed it. Owns the reader (and through
 * it the handshake accumulator).
 */
final class TlsDirection implements StreamConsumer {
  private final Pipeline pipeline;
  private final Flow<TlsSession> flow;
  private final int side;
  private final RecordReader reader;

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
    if (status == RecordReader.NEED_MORE) {
      return true;
    }
    if (status == RecordReader.DONE) {
      if (reader.clientHello() != null) {
        pipeline.onClientHello(flow, side, reader.clientHello(), tsNanos);
      } else if (reader.serverHello() != null) {
        pipeline.onServerHello(flow, side, reader.serverHello(), tsNanos);
      } else if (reader.sslv2ClientHello()) {
        pipeline.onSslv2ClientHello(flow, side, tsNanos);
      }
    }
    return false;
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
  }
}
