package org.ja3sensor.source;

import java.io.IOException;

/** An input that cannot be read on: names the input and the byte offset where reading stopped. */
public final class SourceException extends IOException {
  private final String input;
  private final long offset;

  public SourceException(String input, long offset, String problem) {
    super(input + ": " + problem + " at byte offset " + offset);
    this.input = input;
    this.offset = offset;
  }

  public SourceException(String input, long offset, String problem, Throwable cause) {
    this(input, offset, problem);
    initCause(cause);
  }

  public String input() {
    return input;
  }

  public long offset() {
    return offset;
  }
}
