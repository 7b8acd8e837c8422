package org.ja3sensor.source;

/**
 * The bytes of a frame that a source has not yet copied into the handler's buffer: see {@link
 * PacketHandler#onPartialPacket}.
 */
@FunctionalInterface
public interface FrameRest {
  /**
   * Copies the rest of the frame into the buffer the handler was given, at the offsets it would
   * have had in a whole frame. Only during the handler's call; a second call does nothing.
   */
  void copyRest();
}
