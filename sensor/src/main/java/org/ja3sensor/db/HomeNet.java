package org.ja3sensor.db;

import java.util.ArrayList;
import java.util.List;

/**
 * The operator's own networks, Suricata's {@code HOME_NET}: what {@code $HOME_NET} means in an
 * entry's address scope ({@code $EXTERNAL_NET} is every address outside it, Suricata's default
 * {@code !$HOME_NET}). Set with {@code --home-net}; the default is Suricata's default, the RFC 1918
 * ranges. Immutable, shared by all matcher threads.
 */
public final class HomeNet {
  /** Suricata's default HOME_NET (suricata.yaml): the RFC 1918 private ranges. */
  public static final String DEFAULT_TEXT = "192.168.0.0/16,10.0.0.0/8,172.16.0.0/12";

  private static final HomeNet DEFAULT = parse(DEFAULT_TEXT);

  private final List<IpRange> ranges;

  private HomeNet(List<IpRange> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  public static HomeNet defaults() {
    return DEFAULT;
  }

  /**
   * Parses a comma-separated list of addresses and CIDR blocks, optionally in brackets as in
   * suricata.yaml ({@code [10.0.0.0/8,2001:db8::/32]}).
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  public static HomeNet parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    List<IpRange> out = new ArrayList<>();
    for (String p : t.split(",")) {
      if (p.isBlank()) {
        continue;
      }
      out.add(IpRange.parse(p.trim()));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "home net \"" + text + "\": expected addresses or CIDR blocks separated by commas, e.g. "
              + DEFAULT_TEXT);
    }
    return new HomeNet(out);
  }

  /** Whether an address literal lies in the home networks (false for anything unparsable). */
  public boolean contains(String address) {
    byte[] a = IpRange.parseAddress(address);
    if (a == null) {
      return false;
    }
    for (IpRange r : ranges) {
      if (r.contains(a)) {
        return true;
      }
    }
    return false;
  }

  public List<IpRange> ranges() {
    return ranges;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (IpRange r : ranges) {
      sb.append(sb.length() == 0 ? "" : ",").append(r);
    }
    return sb.toString();
  }
}
