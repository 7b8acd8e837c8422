package org.ja3sensor.match;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.db.Ja4Pattern;
import org.ja3sensor.db.Snapshot;

/**
 * What {@code ja3sensor db check} reports beyond validity: duplicates (the same source listing the
 * same key twice under different ids), conflicts (a malicious label and a benign label on one
 * fingerprint; alert labels that disagree across sources), notices (JA3S-only alerts) and entries
 * that can never match.
 */
public final class DatabaseCheck {
  /** One finding; {@code entries} are the entries involved. */
  public record Finding(String kind, String key, List<Entry> entries) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(kind).append(' ').append(key).append(':');
      for (Entry e : entries) {
        sb.append("\n    ")
            .append(e.disposition().label())
            .append(' ')
            .append(e.category().label())
            .append(" \"")
            .append(e.label())
            .append("\" [")
            .append(e.source())
            .append(", id ")
            .append(e.id())
            .append(", ")
            .append(e.origin())
            .append(']');
      }
      return sb.toString();
    }
  }

  private DatabaseCheck() {}

  /** Every enabled entry by key ("ja3 VALUE", "ja3+ja3s A+B", ...), in load order. */
  static Map<String, List<Entry>> byKey(Snapshot s) {
    Map<String, List<Entry>> m = new LinkedHashMap<>();
    for (Entry e : s.entries()) {
      if (e.disposition() == Disposition.DISABLED) {
        continue;
      }
      for (String v : e.values()) {
        if (e.type().isPair()) {
          for (String p : e.pairValues()) {
            m.computeIfAbsent(e.type().label + " " + v + "+" + p, k -> new ArrayList<>()).add(e);
          }
        } else {
          m.computeIfAbsent(e.type().label + " " + v, k -> new ArrayList<>()).add(e);
        }
      }
    }
    return m;
  }

  public static List<Finding> duplicates(Snapshot s) {
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, List<Entry>> k : byKey(s).entrySet()) {
      Map<String, List<Entry>> bySource = new LinkedHashMap<>();
      for (Entry e : k.getValue()) {
        if (!e.scoped()) {
          bySource.computeIfAbsent(e.source(), x -> new ArrayList<>()).add(e);
        }
      }
      for (List<Entry> same : bySource.values()) {
        if (same.size() > 1) {
          out.add(new Finding("duplicate", k.getKey(), same));
        }
      }
    }
    return out;
  }

  public static List<Finding> conflicts(Snapshot s) {
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, List<Entry>> k : byKey(s).entrySet()) {
      List<Entry> l = k.getValue();
      boolean malicious = false;
      boolean benign = false;
      List<String> alertLabels = new ArrayList<>();
      List<String> alertSources = new ArrayList<>();
      for (Entry e : l) {
        if (e.disposition() == Disposition.ALERT && !e.category().benign) {
          malicious = true;
          if (!alertLabels.contains(e.label())) {
            alertLabels.add(e.label());
          }
          if (!alertSources.contains(e.source())) {
            alertSources.add(e.source());
          }
        } else if (e.category().benign && e.category() != Category.LIBRARY
            && (e.disposition() == Disposition.INFO || e.disposition() == Disposition.ALLOW)) {
          benign = true;
        }
      }
      if (malicious && benign) {
        out.add(new Finding(Enrichment.MALICIOUS_VS_BENIGN, k.getKey(), l));
      } else if (alertSources.size() > 1 && disagree(alertLabels)) {
        out.add(new Finding("label-disagreement", k.getKey(), l));
      }
    }
    return out;
  }

  /**
   * Library-default collisions: a client fingerprint that is a known library default (category
   * library) and also the value of a single-fingerprint alert entry. Such an entry does not alert
   * at default settings unless its scope narrows it (server name, ports, networks): see {@link
   * Matcher.LibraryCollisions}. The finding says which of the alert entries are corroborated.
   */
  public static List<Finding> libraryCollisions(Snapshot s) {
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, List<Entry>> k : byKey(s).entrySet()) {
      List<Entry> l = k.getValue();
      boolean library = false;
      int uncorroborated = 0;
      int alerts = 0;
      for (Entry e : l) {
        if (e.category() == Category.LIBRARY && e.disposition() != Disposition.ALERT) {
          library = true;
        } else if (e.disposition() == Disposition.ALERT && !e.category().benign
            && Matcher.collides(e.type())) {
          alerts++;
          if (!e.narrowScope()) {
            uncorroborated++;
          }
        }
      }
      if (library && alerts > 0) {
        out.add(new Finding(LIBRARY_COLLISION + " (" + uncorroborated + " of " + alerts
            + " alert entr" + (alerts == 1 ? "y" : "ies")
            + " demoted: no server-name, port or network scope)", k.getKey(), l));
      }
    }
    return out;
  }

  /** The kind of a {@link #libraryCollisions} finding. */
  public static final String LIBRARY_COLLISION = "library-default";

  /** True when two labels name different things ("Dridex" and "Possible Dridex" agree). */
  static boolean disagree(List<String> labels) {
    for (int i = 0; i < labels.size(); i++) {
      for (int j = i + 1; j < labels.size(); j++) {
        String a = labels.get(i).toLowerCase(java.util.Locale.ROOT);
        String b = labels.get(j).toLowerCase(java.util.Locale.ROOT);
        if (!a.contains(b) && !b.contains(a)) {
          return true;
        }
      }
    }
    return false;
  }

  public static List<Finding> notices(Snapshot s) {
    List<Finding> out = new ArrayList<>();
    for (Entry e : s.entries()) {
      if (e.type() == EntryType.JA3S && e.disposition() == Disposition.ALERT) {
        out.add(new Finding("ja3s-only-alert (a JA3S alone says little; prefer a ja3+ja3s pair)",
            "ja3s " + e.valueText(), List.of(e)));
      }
    }
    return out;
  }

  /**
   * Enabled entries that can never match an event: JA4S entries (the sensor does not compute JA4S,
   * which is under the FoxIO License 1.1) and JA4 values no hello can produce (see {@link
   * Ja4Pattern#whyNeverMatches}).
   */
  public static List<Finding> neverMatching(Snapshot s) {
    List<Finding> out = new ArrayList<>();
    for (Entry e : s.entries()) {
      if (e.disposition() == Disposition.DISABLED) {
        continue;
      }
      if (e.type() == EntryType.JA4S) {
        out.add(new Finding("never-matches (the sensor does not compute JA4S: FoxIO License 1.1)",
            "ja4s " + e.valueText(), List.of(e)));
      } else if (e.type() == EntryType.JA4 || e.type() == EntryType.JA4_JA3S) {
        for (String v : e.values()) {
          String why = Ja4Pattern.whyNeverMatches(v);
          if (why != null) {
            out.add(new Finding("never-matches (" + why + ")", e.type().label + " " + v,
                List.of(e)));
          }
        }
      }
    }
    return out;
  }
}
