package org.ja3sensor.event;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Community ID flow hash, version 1 (https://github.com/corelight/community-id-spec): base64 of
 * SHA-1 over seed, ordered addresses, protocol, a zero pad byte and ordered ports, prefixed
 * "1:".
 */
public final class CommunityId {
  private CommunityId() {}

  /** One digest per thread: MessageDigest.getInstance costs more than the hash itself. */
  private static final ThreadLocal<MessageDigest> SHA1 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-1 missing from the JDK", e);
            }
          });

  /** Protocol number of TCP. */
  public static final int TCP = 6;

  /** Protocol number of UDP. */
  public static final int UDP = 17;

  /**
   * @param srcIp 4 or 16 bytes
   * @param dstIp same length as srcIp
   */
  public static String v1(int seed, byte[] srcIp, int srcPort, byte[] dstIp, int dstPort, int proto) {
    boolean swap = compare(srcIp, srcPort, dstIp, dstPort) > 0;
    byte[] a = swap ? dstIp : srcIp;
    byte[] b = swap ? srcIp : dstIp;
    int pa = swap ? dstPort : srcPort;
    int pb = swap ? srcPort : dstPort;
    // seed (2), both addresses, protocol, a zero pad byte, both ports: one update, not eleven.
    byte[] in = new byte[2 + a.length + b.length + 2 + 4];
    int i = 0;
    in[i++] = (byte) (seed >>> 8);
    in[i++] = (byte) seed;
    System.arraycopy(a, 0, in, i, a.length);
    i += a.length;
    System.arraycopy(b, 0, in, i, b.length);
    i += b.length;
    in[i++] = (byte) proto;
    in[i++] = 0;
    in[i++] = (byte) (pa >>> 8);
    in[i++] = (byte) pa;
    in[i++] = (byte) (pb >>> 8);
    in[i] = (byte) pb;
    MessageDigest sha1 = SHA1.get();
    return "1:" + Base64.getEncoder().encodeToString(sha1.digest(in));
  }

  private static int compare(byte[] ipA, int portA, byte[] ipB, int portB) {
    for (int i = 0; i < ipA.length; i++) {
      int c = Integer.compare(ipA[i] & 0xff, ipB[i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(portA, portB);
  }
}
