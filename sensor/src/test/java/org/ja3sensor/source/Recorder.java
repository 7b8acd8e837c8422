package org.ja3sensor.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A handler that copies every frame, after checking that the slice lies inside the buffer. */
final class Recorder implements PacketHandler {
  record Frame(int linkType, long tsNanos, byte[] data, int origLen, int ifIndex) {
    @Override
    public String toString() {
      return "Frame[link=" + linkType + " ts=" + tsNanos + " cap=" + data.length + " orig="
          + origLen + " if=" + ifIndex + "]";
    }
  }

  final List<Frame> frames = new ArrayList<>();

  @Override
  public void onPacket(
      int linkType, long tsNanos, byte[] buf, int off, int capLen, int origLen, int ifIndex) {
    if (off < 0 || capLen <= 0 || off + capLen > buf.length || capLen > origLen || ifIndex < 0) {
      throw new AssertionError(
          "bad slice off=" + off + " capLen=" + capLen + " buf=" + buf.length + " orig=" + origLen
              + " if=" + ifIndex);
    }
    frames.add(new Frame(linkType, tsNanos, Arrays.copyOfRange(buf, off, off + capLen), origLen, ifIndex));
  }

  Frame get(int i) {
    return frames.get(i);
  }

  int size() {
    return frames.size();
  }
}
