package org.ja3sensor.db.importer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.CsvReader;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;

/**
 * The shared sources' {@code derived/indicators-normalized.csv} (columns {@code fp_type, value,
 * pair_value, label, category, disposition, source_id, source_ref, source_confidence, first_seen,
 * last_seen, notes}). Mapping: {@code ja3s} rows with a {@code pair_value} (the client JA3) and
 * {@code ja3+ja3s} rows become pairs; {@code alert}/{@code pair-alert} → alert, {@code
 * pair-prerequisite}/{@code context} → info, {@code disabled-by-source} → disabled; the
 * free-text confidence ("pair: medium; JA3 alone: low", "Low", ...) → a score by {@link
 * #score}; a pair whose confidence text says "context only" becomes info. The licence comes from
 * the source id ({@link #LICENCES}).
 */
final class NormalizedImporter {
  static final Map<String, String> LICENCES =
      Map.of(
          "abuse.ch-sslbl", "CC0-1.0",
          "salesforce-ja3", "BSD-3-Clause",
          "et-open", "BSD-3-Clause",
          "derived-curl-impersonate", "MIT",
          "netcap-dbs", "MIT",
          "derived-c2-reference",
              "facts from cited sources (BSD-3-Clause, CC0-1.0, published articles)");
  static final Map<String, Integer> SOURCE_DEFAULTS =
      Map.of(
          "abuse.ch-sslbl", 60,
          "salesforce-ja3", 50,
          "derived-curl-impersonate", 70,
          "netcap-dbs", 70);

  private static final List<String> COLUMNS =
      List.of("fp_type", "value", "pair_value", "label", "category", "disposition", "source_id",
          "source_ref", "source_confidence", "first_seen", "last_seen", "notes");
  private static final Pattern SPACE_TIME =
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})");

  private NormalizedImporter() {}

  static List<Entry> read(List<Path> inputs, List<String> onlySources)
      throws IOException, ImportException {
    // Rows with the same source, key and disposition are merged into one entry (labels joined).
    Map<String, List<Map<String, String>>> groups = new LinkedHashMap<>();
    Map<String, String> where = new HashMap<>();
    for (Path p : inputs) {
      String name = p.toString();
      try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
        CsvReader csv = new CsvReader(r, false);
        CsvReader.Row header = csv.next();
        if (header == null || !header.fields().equals(COLUMNS)) {
          throw new ImportException(name, 1, "header " + (header == null ? "missing"
              : header.fields()) + "; expected " + String.join(",", COLUMNS));
        }
        CsvReader.Row row;
        while ((row = csv.next()) != null) {
          Map<String, String> f = new HashMap<>();
          if (row.fields().size() != COLUMNS.size()) {
            throw new ImportException(name, row.line(), row.fields().size() + " fields; expected "
                + COLUMNS.size());
          }
          for (int i = 0; i < COLUMNS.size(); i++) {
            f.put(COLUMNS.get(i), row.fields().get(i).strip());
          }
          if (!onlySources.isEmpty() && !onlySources.contains(f.get("source_id"))) {
            continue;
          }
          String key = String.join("|", f.get("source_id"), f.get("fp_type"), f.get("value"),
              f.get("pair_value"), f.get("disposition"), f.get("category"));
          groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
          where.putIfAbsent(key, name + ":" + row.line());
        }
      } catch (CsvReader.CsvException e) {
        throw new ImportException(name, e.line, e.getMessage());
      }
    }
    List<Entry> out = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    for (Map.Entry<String, List<Map<String, String>>> g : groups.entrySet()) {
      try {
        out.add(convert(g.getValue(), ids));
      } catch (IllegalArgumentException e) {
        String w = where.get(g.getKey());
        int colon = w.lastIndexOf(':');
        throw new ImportException(w.substring(0, colon), Integer.parseInt(w.substring(colon + 1)),
            e.getMessage());
      }
    }
    return out;
  }

  /** The distinct non-empty values of a column over a group, joined by "; ". */
  private static String joined(List<Map<String, String>> rows, String column) {
    List<String> seen = new ArrayList<>();
    for (Map<String, String> r : rows) {
      String v = r.get(column);
      if (!v.isEmpty() && !seen.contains(v)) {
        seen.add(v);
      }
    }
    return String.join("; ", seen);
  }

  private static Entry convert(List<Map<String, String>> rows, Map<String, Integer> ids) {
    Map<String, String> f = rows.get(0);
    String fp = f.get("fp_type").toLowerCase(Locale.ROOT);
    String value = f.get("value");
    String pairValue = f.get("pair_value");
    EntryType type;
    String ja3Side = value;
    String ja3sSide = "";
    switch (fp) {
      case "ja3":
        type = EntryType.JA3;
        break;
      case "ja4":
        type = EntryType.JA4;
        break;
      case "ja3s":
        if (pairValue.isEmpty()) {
          type = EntryType.JA3S;
        } else {
          type = EntryType.JA3_JA3S;
          ja3Side = pairValue;
          ja3sSide = value;
        }
        break;
      case "ja3+ja3s":
        type = EntryType.JA3_JA3S;
        ja3sSide = pairValue;
        break;
      default:
        throw new IllegalArgumentException(
            "fp_type \"" + fp + "\"; expected ja3, ja3s, ja4 or ja3+ja3s");
    }
    String source = f.get("source_id");
    String confText = f.get("source_confidence");
    Disposition d = disposition(f.get("disposition"));
    if (type.isPair()
        && d == Disposition.ALERT
        && confText.toLowerCase(Locale.ROOT).contains("context only")) {
      d = Disposition.INFO;
    }
    String ref = f.get("source_ref");
    String base =
        ref.matches("[a-z0-9][a-z0-9-]*")
            ? source + ":" + ref
            : source + ":" + type.label + ":" + ja3Side + (type.isPair() ? "+" + ja3sSide : "");
    int n = ids.merge(base, 1, Integer::sum);
    String id = n == 1 ? base : base + "~" + n;
    EntryBuilder b = new EntryBuilder(id, type);
    for (String v : ja3Side.split("\\|")) {
      b.value(v);
    }
    if (type.isPair()) {
      for (String v : ja3sSide.split("\\|")) {
        b.pair(v);
      }
    }
    return b.label(joined(rows, "label"))
        .category(category(f.get("category")))
        .disposition(d)
        .confidence(score(confText, type.isPair(), SOURCE_DEFAULTS.getOrDefault(source, 50)))
        .source(source)
        .licence(LICENCES.getOrDefault(source, ""))
        .firstSeen(date(minOrMax(rows, "first_seen", true)))
        .lastSeen(date(minOrMax(rows, "last_seen", false)))
        .reference(ref)
        .notes(joined(rows, "notes"))
        .build();
  }

  private static String minOrMax(List<Map<String, String>> rows, String column, boolean min) {
    String best = "";
    for (Map<String, String> r : rows) {
      String v = r.get(column);
      if (!v.isEmpty() && (best.isEmpty() || (min ? v.compareTo(best) < 0 : v.compareTo(best) > 0))) {
        best = v;
      }
    }
    return best;
  }

  static Disposition disposition(String s) {
    switch (s) {
      case "alert":
      case "pair-alert":
        return Disposition.ALERT;
      case "pair-prerequisite":
      case "context":
        return Disposition.INFO;
      case "disabled-by-source":
        return Disposition.DISABLED;
      default:
        throw new IllegalArgumentException("disposition \"" + s
            + "\"; expected alert, pair-alert, pair-prerequisite, context or disabled-by-source");
    }
  }

  static Category category(String s) {
    switch (s) {
      case "malware":
        return Category.MALWARE;
      case "c2/malware":
      case "c2-framework":
        return Category.C2;
      case "adware":
        return Category.ADWARE;
      case "tool":
        return Category.TOOL;
      case "application":
        return Category.APPLICATION;
      case "browser":
        return Category.BROWSER;
      case "server-response":
        return Category.SERVER;
      case "unknown":
      case "":
        return Category.UNKNOWN;
      default:
        throw new IllegalArgumentException("category \"" + s + "\" has no mapping");
    }
  }

  /**
   * Score for a free-text confidence. For a pair the "pair:" part counts (low 55, low-medium 65,
   * medium 75, high 85: the sources README gives curated pairs 75); otherwise the text as a whole
   * (low 40, low-medium 50, medium 60, high 70; info/context 0). Empty text: the source default.
   */
  static int score(String text, boolean pair, int sourceDefault) {
    String t = text.toLowerCase(Locale.ROOT).strip();
    if (t.isEmpty()) {
      return sourceDefault;
    }
    if (pair) {
      Matcher m = Pattern.compile("pair:\\s*([a-z-]+)").matcher(t);
      if (m.find()) {
        t = m.group(1);
      }
    } else if (t.contains(";")) {
      t = t.substring(0, t.indexOf(';'));
    }
    int[] scale = pair ? new int[] {55, 65, 75, 85} : new int[] {40, 50, 60, 70};
    if (t.startsWith("low-medium")) {
      return scale[1];
    }
    if (t.startsWith("low")) {
      return scale[0];
    }
    if (t.startsWith("medium")) {
      return scale[2];
    }
    if (t.startsWith("high")) {
      return scale[3];
    }
    return 0; // info, context only
  }

  private static String date(String s) {
    if (s.isEmpty()) {
      return "";
    }
    Matcher m = SPACE_TIME.matcher(s);
    if (m.matches()) {
      return m.group(1) + "T" + m.group(2) + "Z";
    }
    if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
      return s;
    }
    throw new IllegalArgumentException("date \"" + s + "\"; expected YYYY-MM-DD[ HH:MM:SS]");
  }
}
