package org.ja3sensor.source;

import java.io.IOException;

/**
 * A live interface that cannot be opened or read, with the reason a user can act on. The message
 * is one line meant to be shown as is.
 */
public final class LiveCaptureException extends IOException {
  /** What went wrong, so that callers can choose an exit code or a hint. */
  public enum Reason {
    /** The interface does not exist. */
    NO_SUCH_DEVICE,
    /** The process may not open a packet socket (needs root or CAP_NET_RAW/CAP_NET_ADMIN). */
    PERMISSION_DENIED,
    /** libpcap rejected the BPF expression. */
    BAD_FILTER,
    /** The interface exists but is down or cannot capture. */
    DEVICE_UNUSABLE,
    /** Any other libpcap error. */
    OTHER
  }

  private final Reason reason;

  public LiveCaptureException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public LiveCaptureException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * The process may not capture on {@code device}: what it needs, and {@code detail} (the failed
   * call and its error) in parentheses.
   */
  static LiveCaptureException permissionDenied(String device, String detail, Throwable cause) {
    return new LiveCaptureException(Reason.PERMISSION_DENIED,
        "interface \"" + device + "\": permission denied: capturing needs root, or the"
            + " capabilities CAP_NET_RAW and CAP_NET_ADMIN (see docs/capture.md) (" + detail + ")",
        cause);
  }

  public Reason reason() {
    return reason;
  }
}
