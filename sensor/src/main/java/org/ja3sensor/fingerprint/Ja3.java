package org.ja3sensor.fingerprint;

import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/** JA3 and JA3S as the salesforce/ja3 README defines them. Pure functions. */
public final class Ja3 {
  private Ja3() {}

  /** The JA3 string: version,ciphers,extensions,groups,point formats (GREASE removed). */
  public static String ja3String(ClientHello ch) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** The JA3S string: version,cipher,extensions. */
  public static String ja3sString(ServerHello sh) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Lower-case hex MD5 of the UTF-8/ASCII bytes of {@code s}. */
  public static String md5Hex(String s) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** True for the 16 GREASE values of RFC 8701 (0x0a0a, 0x1a1a, ..., 0xfafa). */
  public static boolean isGrease(int v) {
    return (v & 0x0f0f) == 0x0a0a && ((v >> 8) & 0xff) == (v & 0xff);
  }
}
