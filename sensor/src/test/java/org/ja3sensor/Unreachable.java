package org.ja3sensor;

import java.lang.ref.WeakReference;

/** For tests that check an object is no longer held: collects until the references clear. */
public final class Unreachable {
  private Unreachable() {}

  /**
   * Asks for collections (up to 20, 10 ms apart) until every reference is cleared; the caller
   * then asserts that each is. A reference still set after that is an object something holds.
   */
  public static void collect(WeakReference<?>... refs) throws InterruptedException {
    for (int i = 0; i < 20 && anySet(refs); i++) {
      System.gc();
      Thread.sleep(10);
    }
  }

  private static boolean anySet(WeakReference<?>[] refs) {
    for (WeakReference<?> r : refs) {
      if (r.get() != null) {
        return true;
      }
    }
    return false;
  }
}
