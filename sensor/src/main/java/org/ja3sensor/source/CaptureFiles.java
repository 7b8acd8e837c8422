package org.ja3sensor.source;

import java.io.IOException;
import org.ja3sensor.pipeline.Counters;

/** Opens capture files (pcap, pcapng) by content; "-" is stdin. */
public final class CaptureFiles {
  private CaptureFiles() {}

  public static PacketSource open(String path, Counters counters) throws IOException {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
