package org.ja3sensor.db;

import java.util.List;

/**
 * One row of the fingerprint database, validated. Immutable and shared by every event that
 * matches it. The fields mirror the columns documented in fingerprints/README.md.
 *
 * @param id unique name; a later file's entry with the same id replaces this one
 * @param type what {@link #values} are matched against
 * @param values the fingerprint(s) or pattern(s); alternatives, any one matches (for a pair: the
 *     JA3 side)
 * @param pairValues for a pair: the JA3S alternatives; empty otherwise
 * @param label what the source calls it (a family, a program, a rule message)
 * @param category what kind of software it names
 * @param disposition what a match does
 * @param confidence 0 to 100: how far the source's label can be trusted for a handshake with this
 *     fingerprint
 * @param source short id of where the entry comes from (e.g. abuse.ch-sslbl, et-open, local)
 * @param licence SPDX id or short text of the licence the source's data is under
 * @param firstSeen ISO 8601 date or date-time, or empty
 * @param lastSeen ISO 8601 date or date-time, or empty
 * @param lastSeenEpochSecond {@code lastSeen} in seconds since the epoch, {@link Long#MIN_VALUE}
 *     when empty
 * @param reference URL or upstream id (e.g. sid:2028831), or empty
 * @param scopeSni the entry only applies to handshakes whose server name matches one of the
 *     patterns that are not negated (none: any name) and none of the negated ones; a handshake
 *     without a server name is outside any server-name scope
 * @param scopeDestination ... whose server address is covered likewise (addresses, CIDR blocks,
 *     {@code $HOME_NET}, {@code $EXTERNAL_NET}; empty: any)
 * @param scopeSource ... whose client address is covered likewise (empty: any)
 * @param scopeSourcePort ... whose client port the set admits
 * @param scopeDestinationPort ... whose server port the set admits
 * @param notes free text for the analyst
 * @param file the file the entry was read from
 * @param line the line it starts on
 */
public record Entry(
    String id,
    EntryType type,
    List<String> values,
    List<String> pairValues,
    String label,
    Category category,
    Disposition disposition,
    int confidence,
    String source,
    String licence,
    String firstSeen,
    String lastSeen,
    long lastSeenEpochSecond,
    String reference,
    List<SniPattern> scopeSni,
    List<AddressPattern> scopeDestination,
    List<AddressPattern> scopeSource,
    PortSet scopeSourcePort,
    PortSet scopeDestinationPort,
    String notes,
    String file,
    int line) {

  public boolean scoped() {
    return !scopeSni.isEmpty()
        || !scopeDestination.isEmpty()
        || !scopeSource.isEmpty()
        || !scopeSourcePort.isAny()
        || !scopeDestinationPort.isAny();
  }

  /**
   * Whether the scope columns admit a handshake.
   *
   * @param sni the normalized server name, or null
   * @param homeNet what $HOME_NET means
   */
  public boolean inScope(String sni, String serverIp, int serverPort, String clientIp,
      int clientPort, HomeNet homeNet) {
    if (!scopeSni.isEmpty()) {
      if (sni == null) {
        return false;
      }
      boolean positive = false;
      boolean any = false;
      for (SniPattern p : scopeSni) {
        if (p.negated) {
          if (p.matches(sni)) {
            return false;
          }
        } else {
          positive = true;
          any |= p.matches(sni);
        }
      }
      if (positive && !any) {
        return false;
      }
    }
    return scopeDestinationPort.admits(serverPort)
        && scopeSourcePort.admits(clientPort)
        && covered(scopeDestination, serverIp, homeNet)
        && covered(scopeSource, clientIp, homeNet);
  }

  private static boolean covered(List<AddressPattern> ps, String ip, HomeNet homeNet) {
    if (ps.isEmpty()) {
      return true;
    }
    if (ip == null) {
      return false;
    }
    boolean positive = false;
    boolean any = false;
    for (AddressPattern p : ps) {
      boolean c = p.covers(ip, homeNet);
      if (p.negated()) {
        if (c || IpRange.parseAddress(ip) == null) {
          return false;
        }
      } else {
        positive = true;
        any |= c;
      }
    }
    return !positive || any;
  }

  /**
   * Whether the scope narrows the entry to particular traffic beyond a direction: a server name
   * to match, ports or networks that admit (not only exclusions, not only $HOME_NET /
   * $EXTERNAL_NET). The matcher takes such a match as corroborated.
   */
  public boolean narrowScope() {
    for (SniPattern p : scopeSni) {
      if (!p.negated) {
        return true;
      }
    }
    if (scopeSourcePort.hasInclusions() || scopeDestinationPort.hasInclusions()) {
      return true;
    }
    for (AddressPattern p : scopeDestination) {
      if (!p.negated() && !p.isNetVariable()) {
        return true;
      }
    }
    for (AddressPattern p : scopeSource) {
      if (!p.negated() && !p.isNetVariable()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The scope in words for events and {@code db lookup}, e.g. {@code server port 465|993; client
   * $HOME_NET; server $EXTERNAL_NET}; empty when unscoped.
   */
  public String scopeText() {
    StringBuilder sb = new StringBuilder();
    part(sb, "server name", scopeSni);
    part(sb, "client", scopeSource);
    part(sb, "server", scopeDestination);
    if (!scopeSourcePort.isAny()) {
      sb.append(sb.length() == 0 ? "" : "; ").append("client port ").append(scopeSourcePort);
    }
    if (!scopeDestinationPort.isAny()) {
      sb.append(sb.length() == 0 ? "" : "; ").append("server port ").append(scopeDestinationPort);
    }
    return sb.toString();
  }

  private static void part(StringBuilder sb, String what, List<?> xs) {
    if (xs.isEmpty()) {
      return;
    }
    sb.append(sb.length() == 0 ? "" : "; ").append(what).append(' ');
    for (int i = 0; i < xs.size(); i++) {
      sb.append(i == 0 ? "" : "|").append(xs.get(i));
    }
  }

  /** file:line, for messages. */
  public String origin() {
    return file + ":" + line;
  }

  /** The value as written in the file: alternatives joined by |. */
  public String valueText() {
    return String.join("|", values);
  }

  public String pairValueText() {
    return String.join("|", pairValues);
  }
}
