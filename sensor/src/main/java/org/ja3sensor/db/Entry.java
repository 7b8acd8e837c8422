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
 * @param scopeSni the entry only applies to handshakes whose server name matches one of these
 *     (empty: any)
 * @param scopeDestination ... whose server address lies in one of these (empty: any)
 * @param scopeSource ... whose client address lies in one of these (empty: any)
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
    List<IpRange> scopeDestination,
    List<IpRange> scopeSource,
    String notes,
    String file,
    int line) {

  public boolean scoped() {
    return !scopeSni.isEmpty() || !scopeDestination.isEmpty() || !scopeSource.isEmpty();
  }

  /**
   * Whether the scope columns admit a handshake.
   *
   * @param sni the normalized server name, or null
   */
  public boolean inScope(String sni, String destinationIp, String sourceIp) {
    if (!scopeSni.isEmpty()) {
      if (sni == null) {
        return false;
      }
      boolean any = false;
      for (SniPattern p : scopeSni) {
        if (p.matches(sni)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    return inAny(scopeDestination, destinationIp) && inAny(scopeSource, sourceIp);
  }

  private static boolean inAny(List<IpRange> ranges, String ip) {
    if (ranges.isEmpty()) {
      return true;
    }
    for (IpRange r : ranges) {
      if (r.contains(ip)) {
        return true;
      }
    }
    return false;
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
