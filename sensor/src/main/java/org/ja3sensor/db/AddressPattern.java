package org.ja3sensor.db;

/**
 * One part of an entry's address scope ({@code scope_source_ip}, {@code scope_destination_ip}):
 * an address or CIDR block, {@code $HOME_NET} (the operator's networks, see {@link HomeNet}) or
 * {@code $EXTERNAL_NET} (every address outside them), each optionally negated with {@code !}.
 * Immutable.
 */
public final class AddressPattern {
  private final IpRange range;
  /** True: $HOME_NET; false with range null: $EXTERNAL_NET. */
  private final boolean home;
  private final boolean negated;

  private AddressPattern(IpRange range, boolean home, boolean negated) {
    this.range = range;
    this.home = home;
    this.negated = negated;
  }

  /**
   * Parses one part.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static AddressPattern parse(String s) {
    String v = s.trim();
    boolean neg = v.startsWith("!");
    if (neg) {
      v = v.substring(1).trim();
    }
    if (v.startsWith("$")) {
      switch (v) {
        case "$HOME_NET":
          return new AddressPattern(null, true, neg);
        case "$EXTERNAL_NET":
          return new AddressPattern(null, false, neg);
        default:
          throw new IllegalArgumentException("address \"" + s + "\": the only variables are"
              + " $HOME_NET and $EXTERNAL_NET");
      }
    }
    try {
      return new AddressPattern(IpRange.parse(v), false, neg);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("address \"" + s + "\": expected an IPv4 or IPv6 address"
          + " or CIDR block, $HOME_NET or $EXTERNAL_NET, optionally negated with !");
    }
  }

  public boolean negated() {
    return negated;
  }

  /** True for $HOME_NET / $EXTERNAL_NET: a direction, not a particular network. */
  public boolean isNetVariable() {
    return range == null;
  }

  /** Whether the part (ignoring its negation) covers an address. */
  boolean covers(String address, HomeNet homeNet) {
    if (range != null) {
      return range.contains(address);
    }
    if (IpRange.parseAddress(address) == null) {
      return false;
    }
    return homeNet.contains(address) == home;
  }

  @Override
  public String toString() {
    String v = range != null ? range.toString() : home ? "$HOME_NET" : "$EXTERNAL_NET";
    return negated ? "!" + v : v;
  }
}
