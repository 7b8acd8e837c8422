package org.ja3sensor.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.ja3sensor.decode.IpAddresses;

/**
 * Community ID flow hash, version 1 (https://github.com/corelight/community-id-spec): base64 of
 * SHA-1 over seed, ordered addresses, protocol, a zero pad byte and ordered ports, prefixed
 * "1:".
 */
public final class CommunityId {
  private CommunityId() {}

  /**
   * One digest and the arrays of one hash per thread: MessageDigest.getInstance costs more than
   * the hash itself, and an event's hash then allocates only its String.
   */
  private static final class Scratch {
    final MessageDigest sha1;
    final byte[] a = new byte[16];
    final byte[] b = new byte[16];
    final byte[] in = new byte[2 + 16 + 16 + 2 + 4];
    final byte[] digest = new byte[20];
    final byte[] base64 = new byte[28];
    final byte[] out = new byte[2 + 28];

    Scratch() {
      try {
        sha1 = MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 missing from the JDK", e);
      }
      out[0] = '1';
      out[1] = ':';
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** Protocol number of TCP. */
  public static final int TCP = 6;

  /** Protocol number of UDP. */
  public static final int UDP = 17;

  /**
   * @param srcIp 4 or 16 bytes
   * @param dstIp same length as srcIp
   */
  public static String v1(int seed, byte[] srcIp, int srcPort, byte[] dstIp, int dstPort, int proto) {
    return hash(SCRATCH.get(), seed, srcIp, srcPort, dstIp, dstPort, srcIp.length, proto);
  }

  /**
   * As {@link #v1(int, byte[], int, byte[], int, int)}, for addresses held as two longs each
   * (decode.IpAddresses: IPv4-mapped when {@code ipv4}, then their last 4 bytes are hashed).
   */
  public static String v1(int seed, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo,
      int dstPort, boolean ipv4, int proto) {
    Scratch s = SCRATCH.get();
    int n = IpAddresses.toBytes(srcHi, srcLo, ipv4, s.a);
    IpAddresses.toBytes(dstHi, dstLo, ipv4, s.b);
    return hash(s, seed, s.a, srcPort, s.b, dstPort, n, proto);
  }

  private static String hash(Scratch s, int seed, byte[] srcIp, int srcPort, byte[] dstIp,
      int dstPort, int n, int proto) {
    boolean swap = compare(srcIp, srcPort, dstIp, dstPort, n) > 0;
    byte[] a = swap ? dstIp : srcIp;
    byte[] b = swap ? srcIp : dstIp;
    int pa = swap ? dstPort : srcPort;
    int pb = swap ? srcPort : dstPort;
    // seed (2), both addresses, protocol, a zero pad byte, both ports: one update, not eleven.
    byte[] in = s.in;
    int i = 0;
    in[i++] = (byte) (seed >>> 8);
    in[i++] = (byte) seed;
    System.arraycopy(a, 0, in, i, n);
    i += n;
    System.arraycopy(b, 0, in, i, n);
    i += n;
    in[i++] = (byte) proto;
    in[i++] = 0;
    in[i++] = (byte) (pa >>> 8);
    in[i++] = (byte) pa;
    in[i++] = (byte) (pb >>> 8);
    in[i++] = (byte) pb;
    s.sha1.update(in, 0, i);
    try {
      s.sha1.digest(s.digest, 0, s.digest.length);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-1 into 20 bytes", e);
    }
    Base64.getEncoder().encode(s.digest, s.base64);
    System.arraycopy(s.base64, 0, s.out, 2, s.base64.length);
    return new String(s.out, 0, s.out.length, StandardCharsets.ISO_8859_1);
  }

  private static int compare(byte[] ipA, int portA, byte[] ipB, int portB, int n) {
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(ipA[i] & 0xff, ipB[i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(portA, portB);
  }
}
