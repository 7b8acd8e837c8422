package org.ja3sensor.source;

import java.io.IOException;

/** A producer of captured frames: a capture file, stdin, or a live interface. */
public interface PacketSource extends AutoCloseable {

  /**
   * Delivers every frame to {@code handler} until the input ends or {@link #stop()} is called.
   * Packet-level problems are counted (see {@link SourceStats}) and reading goes on; a problem that
   * makes the rest of the input unreadable throws {@link SourceException} naming the input and byte
   * offset, after every frame before it was delivered.
   */
  void run(PacketHandler handler) throws IOException;

  /** Asks {@link #run} to return as soon as possible; callable from any thread. */
  void stop();

  /** The name shown to users and written to events (file path, "-" for stdin, interface name). */
  String name();

  /** Counters of this source. */
  SourceStats stats();

  @Override
  void close() throws IOException;
}
