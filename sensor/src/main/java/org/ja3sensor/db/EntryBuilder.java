package org.ja3sensor.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds an {@link Entry} in code (importers, tests). Values are normalized like the loader's. */
public final class EntryBuilder {
  private String id;
  private final EntryType type;
  private final List<String> values = new ArrayList<>();
  private final List<String> pairValues = new ArrayList<>();
  private String label = "";
  private Category category = Category.UNKNOWN;
  private Disposition disposition = Disposition.INFO;
  private int confidence;
  private String source = "";
  private String licence = "";
  private String firstSeen = "";
  private String lastSeen = "";
  private String reference = "";
  private final List<SniPattern> scopeSni = new ArrayList<>();
  private final List<AddressPattern> scopeDestination = new ArrayList<>();
  private final List<AddressPattern> scopeSource = new ArrayList<>();
  private PortSet scopeSourcePort = PortSet.ANY;
  private PortSet scopeDestinationPort = PortSet.ANY;
  private String notes = "";
  private String file = "(built)";
  private int line;

  public EntryBuilder(String id, EntryType type, String... values) {
    this.id = id;
    this.type = type;
    for (String v : values) {
      value(v);
    }
  }

  /** Adds an alternative value; throws IllegalArgumentException when it is not valid. */
  public EntryBuilder value(String v) {
    String n = DbFormat.normalizeValue(type, v);
    if (n == null) {
      throw new IllegalArgumentException(
          "value \"" + v + "\" is not a valid " + type.label + " value");
    }
    if (!values.contains(n)) {
      values.add(n);
    }
    return this;
  }

  public EntryBuilder pair(String... ja3s) {
    for (String v : ja3s) {
      String n = DbFormat.normalizeValue(EntryType.JA3S, v);
      if (n == null) {
        throw new IllegalArgumentException("pair value \"" + v + "\" is not a JA3S hash");
      }
      if (!pairValues.contains(n)) {
        pairValues.add(n);
      }
    }
    return this;
  }

  public EntryBuilder id(String v) {
    id = v;
    return this;
  }

  public EntryBuilder label(String v) {
    label = v;
    return this;
  }

  public EntryBuilder category(Category v) {
    category = v;
    return this;
  }

  public EntryBuilder disposition(Disposition v) {
    disposition = v;
    return this;
  }

  public EntryBuilder confidence(int v) {
    confidence = v;
    return this;
  }

  public EntryBuilder source(String v) {
    source = v;
    return this;
  }

  public EntryBuilder licence(String v) {
    licence = v;
    return this;
  }

  /** ISO date or date-time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ), or empty. */
  public EntryBuilder firstSeen(String v) {
    firstSeen = v;
    return this;
  }

  public EntryBuilder lastSeen(String v) {
    lastSeen = v;
    return this;
  }

  public EntryBuilder reference(String v) {
    reference = v;
    return this;
  }

  /** A server-name scope pattern ({@link SniPattern#parseScope}). */
  public EntryBuilder scopeSni(String pattern) {
    scopeSni.add(SniPattern.parseScope(pattern));
    return this;
  }

  /** A server address scope part ({@link AddressPattern#parse}): CIDR, $HOME_NET, !... */
  public EntryBuilder scopeDestination(String cidr) {
    scopeDestination.add(AddressPattern.parse(cidr));
    return this;
  }

  /** A client address scope part ({@link AddressPattern#parse}). */
  public EntryBuilder scopeSource(String cidr) {
    scopeSource.add(AddressPattern.parse(cidr));
    return this;
  }

  /** The client ports ({@link PortSet#parse}, e.g. {@code 1024:}). */
  public EntryBuilder scopeSourcePort(String ports) {
    scopeSourcePort = PortSet.parse(ports);
    return this;
  }

  /** The server ports ({@link PortSet#parse}, e.g. {@code 465|993}). */
  public EntryBuilder scopeDestinationPort(String ports) {
    scopeDestinationPort = PortSet.parse(ports);
    return this;
  }

  public EntryBuilder notes(String v) {
    notes = v;
    return this;
  }

  public EntryBuilder origin(String f, int l) {
    file = f;
    line = l;
    return this;
  }

  public String id() {
    return id;
  }

  public Entry build() {
    if (values.isEmpty()) {
      throw new IllegalStateException("entry " + id + " has no value");
    }
    if (type.isPair() && pairValues.isEmpty()) {
      throw new IllegalStateException("pair entry " + id + " has no JA3S value");
    }
    long last = Long.MIN_VALUE;
    if (!lastSeen.isEmpty()) {
      last = DbFormat.epochSecond(lastSeen);
      if (last == Long.MIN_VALUE) {
        throw new IllegalStateException("entry " + id + ": last_seen \"" + lastSeen
            + "\" is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
      }
    }
    if (!firstSeen.isEmpty() && DbFormat.epochSecond(firstSeen) == Long.MIN_VALUE) {
      throw new IllegalStateException("entry " + id + ": first_seen \"" + firstSeen
          + "\" is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    }
    return new Entry(
        id,
        type,
        List.copyOf(values),
        List.copyOf(pairValues),
        label,
        category,
        disposition,
        confidence,
        source,
        licence,
        firstSeen,
        lastSeen,
        last,
        reference,
        List.copyOf(scopeSni),
        List.copyOf(scopeDestination),
        List.copyOf(scopeSource),
        scopeSourcePort,
        scopeDestinationPort,
        notes,
        file,
        line);
  }

  /** A snapshot of entries built in code (tests, benchmarks). */
  public static Snapshot snapshot(String version, List<Entry> entries) {
    return new Snapshot(version, Instant.now(), List.of("(built)"), entries, List.of());
  }
}
