package org.ja3sensor.fingerprint;

/**
 * The hex digests of the fingerprint strings a thread hashed lately: most handshakes of a network
 * repeat a fingerprint seen moments before, and a lookup (the string's hash code and one compare)
 * costs far less than MD5 or SHA-256 (in C1-compiled code, which the launcher's {@code read} runs).
 *
 * <p>Direct-mapped, fixed size ({@link #SLOTS} slots; a new string takes its slot), strings longer
 * than {@link #MAX_KEY_CHARS} are never kept: at most about {@code SLOTS * (MAX_KEY_CHARS + 64)}
 * bytes per memo and thread, whatever the traffic. One per thread and digest ({@code ThreadLocal}
 * in {@link Ja3} and {@link Ja4}), so no locking; the functions stay pure: a hit returns the value
 * the digest would give.
 */
final class DigestMemo {
  static final int SLOTS = 512;
  static final int MAX_KEY_CHARS = 512;

  private final String[] keys = new String[SLOTS];
  private final String[] values = new String[SLOTS];

  /** The digest remembered for {@code text}, or null. */
  String get(String text) {
    int i = text.hashCode() & (SLOTS - 1);
    String k = keys[i];
    return k != null && k.equals(text) ? values[i] : null;
  }

  /** Remembers {@code digest} for {@code text} (unless the text is too long to keep). */
  void put(String text, String digest) {
    if (text.length() <= MAX_KEY_CHARS) {
      int i = text.hashCode() & (SLOTS - 1);
      keys[i] = text;
      values[i] = digest;
    }
  }
}
