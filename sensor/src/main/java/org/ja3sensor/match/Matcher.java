package org.ja3sensor.match;

import java.util.Comparator;
import java.util.List;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.HomeNet;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.Ja4Pattern;
import org.ja3sensor.db.PolicyFlag;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.db.SniPattern;
import org.ja3sensor.event.TlsEvent;

/**
 * Matches events against the current database snapshot and decides alerts. Thread-safe and
 * lock-free: each call reads the holder's snapshot once and uses only that version, so a reload
 * never blocks or half-applies to an event. An event without any match costs a few hash lookups
 * (one per fingerprint kind; for JA4 one per wildcard shape the database uses) and the policy
 * scan, and allocates nothing but the masked JA4 keys when wildcard JA4 entries are loaded.
 *
 * <p>The decision, documented for users in docs/events.md ("Matching and alerts"):
 *
 * <ol>
 *   <li>Every enabled entry whose value matches (JA3, JA3N, JA4 exact or with {@code *} parts,
 *       JA3S, a JA3/JA3N/JA4 with a JA3S on the flow, server name exact or {@code *.domain},
 *       leaf certificate SHA-1, policy flag) and whose scope columns admit the handshake (server
 *       names, client and server addresses with {@code $HOME_NET}, ports) becomes an {@link
 *       Enrichment}. Its score starts at the entry's confidence.
 *   <li>Conflict: an alert entry whose category is not benign loses {@link #CONFLICT_PENALTY}
 *       points when an info or allow entry with a benign category other than library (browser,
 *       application, server) matched the same field.
 *   <li>Library collision: when a library entry matched the event's JA3, JA3N or JA4, a
 *       single-fingerprint alert entry that no pair or narrowing scope corroborates is demoted
 *       (score at most {@link #COLLISION_SCORE}, no alert) unless {@link LibraryCollisions#ALERT}.
 *   <li>Staleness: an alert entry whose last_seen lies more than a year before the event loses 5
 *       points per further year, at most {@link #MAX_STALE_PENALTY}.
 *   <li>Allow entries suppress alerts ({@link #suppresses}): a policy allow those of the same
 *       flag; an unscoped single allow those of its own type; a scoped single allow (fingerprint
 *       plus server name or address) those of every single fingerprint and the server name; a
 *       pair allow those of pairs too. A suppressed entry stays in the enrichment.
 *   <li>An alert entry that is not suppressed and scores at least the minimum makes the event an
 *       alert. The rule is the best of them: a pair before a single fingerprint before a policy
 *       flag, then the higher score.
 * </ol>
 */
public final class Matcher implements AutoCloseable {
  public static final int CONFLICT_PENALTY = 30;
  public static final int MAX_STALE_PENALTY = 20;
  /** Alert entries scoring below this after adjustments enrich but do not alert. */
  public static final int DEFAULT_MIN_ALERT_SCORE = 20;

  private static final long YEAR_SECONDS = 31_557_600L; // 365.25 days

  private static final Comparator<Enrichment> ORDER =
      Comparator.comparing((Enrichment x) -> !x.alerting)
          .thenComparing(Comparator.comparingInt(Enrichment::rank).reversed())
          .thenComparing(Comparator.comparingInt(Enrichment::score).reversed())
          .thenComparing(x -> x.entry().id());

  /**
   * What a single-fingerprint alert entry does when the ClientHello is also a known library
   * default (an entry of category library matched the event's JA3, JA3N or JA4) and nothing
   * corroborates it (a pair, or a scope naming server names, ports or networks).
   */
  public enum LibraryCollisions {
    /** Default: the entry stays in the event with a score of at most {@link #COLLISION_SCORE}. */
    DEMOTE,
    /** The collision is only noted; the entry alerts as its score allows. */
    ALERT;

    public static LibraryCollisions parse(String s) {
      for (LibraryCollisions v : values()) {
        if (v.name().equalsIgnoreCase(s.trim())) {
          return v;
        }
      }
      throw new IllegalArgumentException(
          "library collision policy \"" + s + "\": expected demote or alert");
    }
  }

  /** The score of a demoted library collision. */
  public static final int COLLISION_SCORE = 10;

  private final DatabaseHolder holder;
  private final int minAlertScore;
  private final boolean ownsHolder;
  private final HomeNet homeNet;
  private final LibraryCollisions libraryCollisions;

  public Matcher(DatabaseHolder holder) {
    this(holder, DEFAULT_MIN_ALERT_SCORE, false);
  }

  /**
   * @param ownsHolder whether {@link #close()} closes the holder (stops its file watching)
   */
  public Matcher(DatabaseHolder holder, int minAlertScore, boolean ownsHolder) {
    this(holder, minAlertScore, ownsHolder, HomeNet.defaults(), LibraryCollisions.DEMOTE);
  }

  /**
   * @param homeNet what {@code $HOME_NET} in entry scopes means
   * @param libraryCollisions what an uncorroborated alert on a library default does
   */
  public Matcher(DatabaseHolder holder, int minAlertScore, boolean ownsHolder, HomeNet homeNet,
      LibraryCollisions libraryCollisions) {
    this.holder = holder;
    this.minAlertScore = minAlertScore;
    this.ownsHolder = ownsHolder;
    this.homeNet = homeNet;
    this.libraryCollisions = libraryCollisions;
  }

  public int minAlertScore() {
    return minAlertScore;
  }

  public DatabaseHolder holder() {
    return holder;
  }

  /**
   * What the current snapshot says of the event: policy flags, enrichments, alert and verdict.
   * The event is only read.
   */
  public MatchResult match(TlsEvent e) {
    return match(e, holder.current());
  }

  /** As {@link #match(TlsEvent)} with a given snapshot. */
  public MatchResult match(TlsEvent e, Snapshot s) {
    MatchResult r = new MatchResult();
    int flags = TlsPolicy.flags(e);
    r.policyFlags = flags;

    String sni = null;
    if (e.clientHello != null && e.clientHello.serverName() != null) {
      sni = SniPattern.normalize(e.clientHello.serverName());
    }
    List<Enrichment> out = r.enrichments;
    if (e.ja3Hash != null) {
      collect(out, s.ja3(e.ja3Hash), e.ja3Hash, sni, e);
    }
    if (e.ja3sHash != null) {
      collect(out, s.ja3s(e.ja3sHash), e.ja3sHash, sni, e);
      if (s.hasPairFor(e.ja3Hash)) {
        Entry[] p = s.pair(e.ja3Hash, e.ja3sHash);
        if (p.length > 0) {
          collect(out, p, e.ja3Hash + "+" + e.ja3sHash, sni, e);
        }
      }
    }
    if (e.ja3nHash != null) {
      collect(out, s.ja3n(e.ja3nHash), e.ja3nHash, sni, e);
    }
    if (e.ja4 != null) {
      // One lookup per shape in use: the exact value, and the masked forms of wildcard entries.
      for (int shapes = s.ja4Shapes(); shapes != 0; shapes &= shapes - 1) {
        String key = Ja4Pattern.mask(e.ja4, Integer.numberOfTrailingZeros(shapes));
        collect(out, s.ja4(key), e.ja4, sni, e);
      }
    }
    if (e.ja3sHash != null) {
      pair(out, s, EntryType.JA3N_JA3S, e.ja3nHash, sni, e);
      pair(out, s, EntryType.JA4_JA3S, e.ja4, sni, e);
    }
    if (sni != null && s.hasSniEntries()) {
      collect(out, s.sniExact(sni), sni, sni, e);
      for (int dot = sni.indexOf('.'); dot >= 0; dot = sni.indexOf('.', dot + 1)) {
        Entry[] w = s.sniSubdomainsOf(sni.substring(dot + 1));
        if (w.length > 0) {
          collect(out, w, sni, sni, e);
        }
      }
    }
    if (e.serverCertificates != null && s.hasCertificateEntries()
        && e.serverCertificates.leaf() != null) {
      String sha1 = e.serverCertificates.leaf().sha1(); // upper case, as the event writes it
      collect(out, s.certSha1(sha1.toLowerCase(java.util.Locale.ROOT)), sha1, sni, e);
    }
    for (int f = flags; f != 0; f &= f - 1) {
      PolicyFlag flag = PolicyFlag.of(Integer.numberOfTrailingZeros(f));
      collect(out, s.policy(flag), flag.label, sni, e);
    }
    if (out.isEmpty()) {
      return r;
    }
    decide(out, e.timestampNanos / 1_000_000_000L);
    out.sort(ORDER);
    Enrichment rule = out.get(0);
    if (rule.alerting) {
      r.alert = true;
      r.verdict = new AlertVerdict(rule, rule.score, severity(rule), s.version());
    }
    return r;
  }

  private void pair(List<Enrichment> out, Snapshot s, EntryType type, String client,
      String sni, TlsEvent e) {
    Entry[] p = s.pair(type, client, e.ja3sHash);
    if (p.length > 0) {
      collect(out, p, client + "+" + e.ja3sHash, sni, e);
    }
  }

  private void collect(List<Enrichment> out, Entry[] entries, String atomic, String sni,
      TlsEvent e) {
    for (Entry entry : entries) {
      if (entry.scoped() && !entry.inScope(sni, e.serverIp, e.serverPort, e.clientIp,
          e.clientPort, homeNet)) {
        continue;
      }
      boolean dup = false;
      for (Enrichment x : out) {
        if (x.entry() == entry) {
          dup = true;
          break;
        }
      }
      if (!dup) {
        out.add(new Enrichment(entry, atomic));
      }
    }
  }

  private void decide(List<Enrichment> list, long eventSecond) {
    Enrichment library = null;
    for (Enrichment x : list) {
      if (x.entry().category() == Category.LIBRARY && isClient(x.entry().type())
          && x.entry().disposition() != Disposition.ALERT) {
        library = x;
        break;
      }
    }
    for (Enrichment a : list) {
      Entry ae = a.entry();
      if (ae.disposition() != Disposition.ALERT) {
        continue;
      }
      a.corroborated = ae.type().isPair() || ae.type() == EntryType.CERT_SHA1
          || ae.narrowScope();
      boolean collision = library != null && !ae.category().benign && collides(ae.type());
      if (collision) {
        a.collisionWith = library.entry().id();
      }
      if (!ae.category().benign) {
        for (Enrichment b : list) {
          Entry be = b.entry();
          if (be.type() == ae.type()
              && be.category().benign
              && be.category() != Category.LIBRARY
              && (be.disposition() == Disposition.INFO || be.disposition() == Disposition.ALLOW)) {
            a.conflict = Enrichment.MALICIOUS_VS_BENIGN;
            a.score -= CONFLICT_PENALTY;
            break;
          }
        }
      }
      if (ae.lastSeenEpochSecond() != Long.MIN_VALUE && eventSecond > ae.lastSeenEpochSecond()) {
        long years = (eventSecond - ae.lastSeenEpochSecond()) / YEAR_SECONDS;
        if (years >= 2) {
          a.stalePenalty = (int) Math.min(MAX_STALE_PENALTY, 5 * (years - 1));
          a.score -= a.stalePenalty;
        }
      }
      a.score = Math.max(0, Math.min(100, a.score));
      boolean demoted = collision && !a.corroborated
          && libraryCollisions == LibraryCollisions.DEMOTE;
      if (demoted) {
        a.score = Math.min(a.score, COLLISION_SCORE);
        a.demoted = true;
      }
      for (Enrichment w : list) {
        if (w.entry().disposition() == Disposition.ALLOW && suppresses(w, a)) {
          a.suppressedBy = w.entry().id();
          break;
        }
      }
      a.alerting = !demoted && a.suppressedBy == null && a.score >= minAlertScore;
    }
  }

  /**
   * A type whose alert entries the library collision rule applies to: a single TLS fingerprint
   * (a certificate, a server name or a policy flag says more than the library's defaults).
   */
  public static boolean collides(EntryType t) {
    return t == EntryType.JA3 || t == EntryType.JA3N || t == EntryType.JA4 || t == EntryType.JA3S;
  }

  /** A client fingerprint type: what a library default entry describes. */
  private static boolean isClient(EntryType t) {
    return t == EntryType.JA3 || t == EntryType.JA3N || t == EntryType.JA4;
  }

  /**
   * Whether a matched allow entry suppresses a matched alert entry: a policy allow, alerts of the
   * same flag; a pair allow, pair and single-fingerprint alerts; a scoped single allow (it
   * describes the whole handshake: this fingerprint to this name or address), single-fingerprint
   * alerts of any type; an unscoped single allow (this fingerprint is benign or too common),
   * alerts of its own type.
   */
  static boolean suppresses(Enrichment allow, Enrichment alert) {
    EntryType w = allow.entry().type();
    EntryType a = alert.entry().type();
    if (w == EntryType.POLICY) {
      return a == EntryType.POLICY && allow.atomic().equals(alert.atomic());
    }
    if (w.isPair()) {
      return a != EntryType.POLICY;
    }
    if (allow.entry().scoped()) {
      return a.isSingleFingerprint();
    }
    return a == w;
  }

  /** ECS event.severity of an alert: 73 high, 47 medium, 21 low; tools and policy at most 47. */
  static int severity(Enrichment rule) {
    int s = rule.score >= 75 ? 73 : rule.score >= 50 ? 47 : 21;
    switch (rule.entry().category()) {
      case TOOL:
      case ADWARE:
      case POLICY:
      case UNKNOWN:
        return Math.min(s, 47);
      default:
        return s;
    }
  }

  @Override
  public void close() {
    if (ownsHolder) {
      holder.close();
    }
  }
}
