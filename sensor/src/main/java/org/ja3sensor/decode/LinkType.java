package org.ja3sensor.decode;

/** libpcap LINKTYPE_* values understood by the decoder. */
public final class LinkType {
  public static final int NULL = 0; // BSD loopback, host byte order family
  public static final int ETHERNET = 1;
  public static final int PPP = 9;
  public static final int RAW = 101; // raw IPv4/IPv6
  public static final int LOOP = 108; // OpenBSD loopback, network byte order family
  public static final int LINUX_SLL = 113;
  public static final int IPV4 = 228;
  public static final int IPV6 = 229;
  public static final int LINUX_SLL2 = 276;
  /** DLT_RAW as some platforms number it in classic pcap files. */
  public static final int RAW_ALT_12 = 12;
  public static final int RAW_ALT_14 = 14;

  private LinkType() {}
}
