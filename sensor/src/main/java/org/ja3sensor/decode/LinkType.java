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

  /** True when {@link PacketDecoder} decodes frames of link type {@code linkType}. */
  public static boolean isDecoded(int linkType) {
    switch (linkType) {
      case NULL, ETHERNET, PPP, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2, RAW_ALT_12,
          RAW_ALT_14:
        return true;
      default:
        return false;
    }
  }

  /**
   * The number and, where known, the libpcap name of a link type, for messages: "1 (EN10MB)",
   * "147 (USER0)", "999".
   */
  public static String describe(int linkType) {
    String name =
        switch (linkType) {
          case NULL -> "NULL";
          case ETHERNET -> "EN10MB";
          case PPP -> "PPP";
          case RAW, RAW_ALT_12, RAW_ALT_14 -> "RAW";
          case LOOP -> "LOOP";
          case LINUX_SLL -> "LINUX_SLL";
          case IPV4 -> "IPV4";
          case IPV6 -> "IPV6";
          case LINUX_SLL2 -> "LINUX_SLL2";
          case 6 -> "IEEE802";
          case 50 -> "PPP_HDLC";
          case 104 -> "C_HDLC";
          case 105 -> "IEEE802_11";
          case 107 -> "FRELAY";
          case 119 -> "PRISM_HEADER";
          case 127 -> "IEEE802_11_RADIOTAP";
          case 163 -> "IEEE802_11_AVS";
          case 192 -> "PPI";
          case 195 -> "IEEE802_15_4";
          case 220 -> "USB_LINUX_MMAPPED";
          case 253 -> "NETLINK";
          default -> linkType >= 147 && linkType <= 162 ? "USER" + (linkType - 147) : null;
        };
    return name == null ? Integer.toString(linkType) : linkType + " (" + name + ")";
  }
}
