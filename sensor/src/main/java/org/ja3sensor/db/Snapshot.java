package org.ja3sensor.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One loaded, validated version of the database: immutable, shared by all pipeline threads, and
 * replaced as a whole on reload. Lookups are hash-map gets; a pair is a map of maps so that
 * looking it up allocates nothing. Disabled entries are kept in {@link #entries()} (for lookup and
 * statistics) but are not indexed.
 */
public final class Snapshot {
  private static final Entry[] NONE = new Entry[0];

  private final String version;
  private final Instant loadedAt;
  private final List<String> files;
  private final List<Entry> entries;
  private final List<Problem> warnings;

  private final Map<String, Entry[]> ja3;
  private final Map<String, Entry[]> ja3s;
  private final Map<String, Map<String, Entry[]>> pairs;
  private final Map<String, Entry[]> ja3n;
  private final Map<String, Map<String, Entry[]>> ja3nPairs;
  private final Map<String, Map<String, Entry[]>> ja4Pairs;
  /** JA4 entries by value: exact, or masked ({@link Ja4Pattern#mask}) for wildcard entries. */
  private final Map<String, Entry[]> ja4;
  /** Bit s set when some JA4 entry has shape s (bit 0: exact values). */
  private final int ja4Shapes;
  private final Map<String, Entry[]> ja4s;
  private final Map<String, Entry[]> sniExact;
  private final Map<String, Entry[]> sniSubdomains;
  private final Entry[][] policy;
  private final Map<String, Entry[]> certSha1;

  Snapshot(
      String version,
      Instant loadedAt,
      List<String> files,
      List<Entry> entries,
      List<Problem> warnings) {
    this.version = version;
    this.loadedAt = loadedAt;
    this.files = List.copyOf(files);
    this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
    this.warnings = List.copyOf(warnings);

    Map<String, List<Entry>> ja3L = new HashMap<>();
    Map<String, List<Entry>> ja3sL = new HashMap<>();
    Map<String, Map<String, List<Entry>>> pairL = new HashMap<>();
    Map<String, List<Entry>> ja3nL = new HashMap<>();
    Map<String, Map<String, List<Entry>>> ja3nPairL = new HashMap<>();
    Map<String, Map<String, List<Entry>>> ja4PairL = new HashMap<>();
    int shapes = 0;
    Map<String, List<Entry>> ja4L = new HashMap<>();
    Map<String, List<Entry>> ja4sL = new HashMap<>();
    Map<String, List<Entry>> exactL = new HashMap<>();
    Map<String, List<Entry>> subL = new HashMap<>();
    Map<String, List<Entry>> certL = new HashMap<>();
    List<List<Entry>> policyL = new ArrayList<>();
    for (int i = 0; i < PolicyFlag.values().length; i++) {
      policyL.add(new ArrayList<>());
    }
    for (Entry e : entries) {
      if (e.disposition() == Disposition.DISABLED) {
        continue;
      }
      for (String v : e.values()) {
        switch (e.type()) {
          case JA3:
            add(ja3L, v, e);
            break;
          case JA3S:
            add(ja3sL, v, e);
            break;
          case JA3_JA3S:
            for (String s : e.pairValues()) {
              add(pairL.computeIfAbsent(v, k -> new HashMap<>()), s, e);
            }
            break;
          case JA3N:
            add(ja3nL, v, e);
            break;
          case JA3N_JA3S:
            for (String s : e.pairValues()) {
              add(ja3nPairL.computeIfAbsent(v, k -> new HashMap<>()), s, e);
            }
            break;
          case JA4:
            add(ja4L, v, e);
            shapes |= 1 << Ja4Pattern.shape(v);
            break;
          case JA4_JA3S:
            for (String s : e.pairValues()) {
              add(ja4PairL.computeIfAbsent(v, k -> new HashMap<>()), s, e);
            }
            break;
          case JA4S:
            add(ja4sL, v, e);
            break;
          case SNI:
            if (v.startsWith("*.")) {
              add(subL, v.substring(2), e);
            } else {
              add(exactL, v, e);
            }
            break;
          case CERT_SHA1:
            add(certL, v, e);
            break;
          case POLICY:
            List<Entry> l = policyL.get(PolicyFlag.parse(v).ordinal());
            if (!containsSame(l, e)) {
              l.add(e);
            }
            break;
          default:
            throw new IllegalStateException("type " + e.type());
        }
      }
    }
    this.ja3 = freeze(ja3L);
    this.ja3s = freeze(ja3sL);
    Map<String, Map<String, Entry[]>> p = new HashMap<>();
    pairL.forEach((k, v) -> p.put(k, freeze(v)));
    this.pairs = p;
    this.ja3n = freeze(ja3nL);
    this.ja3nPairs = freezePairs(ja3nPairL);
    this.ja4Pairs = freezePairs(ja4PairL);
    this.ja4Shapes = shapes;
    this.ja4 = freeze(ja4L);
    this.ja4s = freeze(ja4sL);
    this.sniExact = freeze(exactL);
    this.sniSubdomains = freeze(subL);
    this.certSha1 = freeze(certL);
    this.policy = new Entry[policyL.size()][];
    for (int i = 0; i < policyL.size(); i++) {
      this.policy[i] = policyL.get(i).isEmpty() ? NONE : policyL.get(i).toArray(NONE);
    }
  }

  private static void add(Map<String, List<Entry>> m, String key, Entry e) {
    List<Entry> l = m.computeIfAbsent(key, k -> new ArrayList<>(2));
    if (!containsSame(l, e)) {
      l.add(e);
    }
  }

  /** Identity, not equals: records compare every field, and two entries may be equal. */
  private static boolean containsSame(List<Entry> l, Entry e) {
    for (Entry x : l) {
      if (x == e) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Map<String, Entry[]>> freezePairs(
      Map<String, Map<String, List<Entry>>> m) {
    Map<String, Map<String, Entry[]>> p = new HashMap<>();
    m.forEach((k, v) -> p.put(k, freeze(v)));
    return p;
  }

  private static Map<String, Entry[]> freeze(Map<String, List<Entry>> m) {
    Map<String, Entry[]> out = new HashMap<>(Math.max(16, m.size() * 2));
    m.forEach((k, v) -> out.put(k, v.toArray(NONE)));
    return out;
  }

  /** An empty database (used by --no-db and before the first load). */
  public static Snapshot empty() {
    return new Snapshot("empty", Instant.EPOCH, List.of(), List.of(), List.of());
  }

  /** Content hash of the files (12 hex digits), identical for identical files. */
  public String version() {
    return version;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  /** The files loaded, in load order. */
  public List<String> files() {
    return files;
  }

  /** Every entry in force (after overrides), disabled ones included, in load order. */
  public List<Entry> entries() {
    return entries;
  }

  /** Warnings from loading: overrides, unknown columns. */
  public List<Problem> warnings() {
    return warnings;
  }

  public Entry[] ja3(String hash) {
    return get(ja3, hash);
  }

  public Entry[] ja3s(String hash) {
    return get(ja3s, hash);
  }

  public Entry[] pair(String ja3Hash, String ja3sHash) {
    if (ja3Hash == null || ja3sHash == null) {
      return NONE;
    }
    Map<String, Entry[]> m = pairs.get(ja3Hash);
    return m == null ? NONE : get(m, ja3sHash);
  }

  /** Whether any pair entry has this JA3 (lets a caller skip the JA3S side). */
  public boolean hasPairFor(String ja3Hash) {
    return ja3Hash != null && pairs.containsKey(ja3Hash);
  }

  public Entry[] ja3n(String hash) {
    return get(ja3n, hash);
  }

  /**
   * Pair entries of a type (ja3+ja3s, ja3n+ja3s, ja4+ja3s) for the client value and the JA3S.
   */
  public Entry[] pair(EntryType type, String client, String ja3sHash) {
    Map<String, Map<String, Entry[]>> m = pairsOf(type);
    if (client == null || ja3sHash == null || m.isEmpty()) {
      return NONE;
    }
    Map<String, Entry[]> byServer = m.get(client);
    return byServer == null ? NONE : get(byServer, ja3sHash);
  }

  private Map<String, Map<String, Entry[]>> pairsOf(EntryType type) {
    switch (type) {
      case JA3_JA3S:
        return pairs;
      case JA3N_JA3S:
        return ja3nPairs;
      case JA4_JA3S:
        return ja4Pairs;
      default:
        throw new IllegalArgumentException("type " + type.label + " is not a pair");
    }
  }

  /** JA4 entries under one key: an exact JA4, or a fingerprint masked for one shape. */
  public Entry[] ja4(String key) {
    return get(ja4, key);
  }

  /** The shapes of the JA4 entries (bit 0 exact, see {@link Ja4Pattern}). */
  public int ja4Shapes() {
    return ja4Shapes;
  }

  public Entry[] ja4s(String fp) {
    return get(ja4s, fp);
  }

  public Entry[] sniExact(String normalizedName) {
    return get(sniExact, normalizedName);
  }

  /** Entries for {@code *.domain}, keyed by domain. */
  public Entry[] sniSubdomainsOf(String domain) {
    return get(sniSubdomains, domain);
  }

  public boolean hasSniEntries() {
    return !sniExact.isEmpty() || !sniSubdomains.isEmpty();
  }

  /** Entries for a leaf certificate's SHA-1 (40 hex digits, lower case). */
  public Entry[] certSha1(String lowerHex) {
    return get(certSha1, lowerHex);
  }

  public boolean hasCertificateEntries() {
    return !certSha1.isEmpty();
  }

  public Entry[] policy(PolicyFlag flag) {
    return policy[flag.ordinal()];
  }

  private static Entry[] get(Map<String, Entry[]> m, String key) {
    if (key == null) {
      return NONE;
    }
    Entry[] e = m.get(key);
    return e == null ? NONE : e;
  }

  /**
   * Entries whose value or pair value equals {@code value} (any type), or whose JA4 pattern
   * matches it, for {@code db lookup}.
   */
  public List<Entry> find(String value) {
    List<Entry> out = new ArrayList<>();
    String v = value.trim();
    String lower = v.toLowerCase(java.util.Locale.ROOT);
    if (lower.length() == 59 && lower.indexOf(':') == 2) {
      lower = lower.replace(":", ""); // a certificate SHA-1 as openssl prints it (AB:CD:...)
    }
    for (Entry e : entries) {
      if (e.values().contains(v)
          || e.values().contains(lower)
          || e.pairValues().contains(lower)) {
        out.add(e);
      } else if (e.type() == EntryType.JA4 && Ja4Pattern.normalize(v, false) != null) {
        for (String p : e.values()) {
          int shape = Ja4Pattern.shape(p);
          if (shape != 0 && Ja4Pattern.mask(v, shape).equals(p)) {
            out.add(e);
            break;
          }
        }
      } else if (e.type() == EntryType.SNI) {
        String name = SniPattern.normalize(lower);
        for (String p : e.values()) {
          if (SniPattern.parse(p, false).matches(name)) {
            out.add(e);
            break;
          }
        }
      }
    }
    return out;
  }

  /** Entry counts by a key, for stats. */
  public static Map<String, Integer> count(List<Entry> entries, java.util.function.Function<Entry, String> key) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (Entry e : entries) {
      m.merge(key.apply(e), 1, Integer::sum);
    }
    return m;
  }
}
