package org.ja3sensor.db;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The database file format (documented in fingerprints/README.md): CSV, one header line naming
 * the columns (any order; only {@code type}, {@code value}, {@code label} and {@code disposition}
 * are required), {@code #} comment lines, UTF-8. This class turns one row into a validated {@link
 * Entry} and writes entries back in the canonical column order.
 */
public final class DbFormat {
  public static final List<String> COLUMNS =
      List.of(
          "id",
          "type",
          "value",
          "pair_value",
          "label",
          "category",
          "disposition",
          "confidence",
          "source",
          "licence",
          "first_seen",
          "last_seen",
          "reference",
          "scope_sni",
          "scope_destination_ip",
          "scope_source_ip",
          "scope_source_port",
          "scope_destination_port",
          "notes");

  private static final List<String> REQUIRED = List.of("type", "value", "label", "disposition");
  private static final Pattern JA4S =
      Pattern.compile("[tqd][0-9a-z]{2}[0-9]{2}[0-9a-zA-Z]{2}_[0-9a-f]{4}_[0-9a-f]{12}");
  private static final int MAX_ALTERNATIVES = 256;

  private DbFormat() {}

  /** Column positions of a file, from its header line. */
  public static final class Header {
    final Map<String, Integer> index;
    final int size;

    Header(Map<String, Integer> index, int size) {
      this.index = index;
      this.size = size;
    }

    String get(List<String> row, String column) {
      Integer i = index.get(column);
      return i == null || i >= row.size() ? "" : row.get(i).trim();
    }
  }

  /**
   * Reads a header line.
   *
   * @param problems receives errors (a missing required column, a repeated column) and warnings
   *     (unknown columns, ignored)
   * @return the header, or null when it is unusable
   */
  public static Header header(
      List<String> fields, String file, int line, List<Problem> problems, List<Problem> warnings) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.get(i).trim().toLowerCase(Locale.ROOT);
      if (index.put(name, i) != null) {
        problems.add(new Problem(file, line, "header: column \"" + name + "\" appears twice"));
        return null;
      }
      if (!COLUMNS.contains(name)) {
        warnings.add(
            new Problem(file, line, "header: unknown column \"" + name + "\" is ignored"));
      }
    }
    List<String> missing = new ArrayList<>();
    for (String r : REQUIRED) {
      if (!index.containsKey(r)) {
        missing.add(r);
      }
    }
    if (!missing.isEmpty()) {
      problems.add(
          new Problem(
              file,
              line,
              "header: missing column(s) "
                  + String.join(", ", missing)
                  + "; the first line must name the columns, e.g. "
                  + String.join(",", COLUMNS)));
      return null;
    }
    return new Header(index, fields.size());
  }

  /**
   * Validates one row.
   *
   * @param defaultId the id when the row has none (file name and line)
   * @param defaultSource the source when the row has none (the file name without extension)
   * @param problems receives one problem per invalid column
   * @return the entry, or null when the row is invalid
   */
  public static Entry parse(
      Header h,
      List<String> row,
      String file,
      int line,
      String defaultId,
      String defaultSource,
      List<Problem> problems) {
    int before = problems.size();
    if (row.size() != h.size) {
      problems.add(
          new Problem(
              file,
              line,
              "row has "
                  + row.size()
                  + " fields, the header has "
                  + h.size
                  + " (a truncated line, or a comma in an unquoted field?)"));
      return null;
    }
    String id = h.get(row, "id");
    if (id.isEmpty()) {
      id = defaultId;
    }
    String typeText = h.get(row, "type");
    EntryType type = EntryType.parse(typeText);
    if (type == null) {
      problems.add(bad(file, line, "type", typeText, names(EntryType.values())));
    }
    String label = h.get(row, "label");
    if (label.isEmpty()) {
      problems.add(new Problem(file, line, "column \"label\": empty; expected a name"));
    }
    String catText = h.get(row, "category");
    Category category = catText.isEmpty() ? Category.UNKNOWN : Category.parse(catText);
    if (category == null) {
      problems.add(bad(file, line, "category", catText, names(Category.values())));
    }
    String dispText = h.get(row, "disposition");
    Disposition disposition = Disposition.parse(dispText);
    if (disposition == null) {
      problems.add(bad(file, line, "disposition", dispText, names(Disposition.values())));
    }
    int confidence = 0;
    String confText = h.get(row, "confidence");
    if (confText.isEmpty()) {
      if (disposition == Disposition.ALERT) {
        problems.add(
            new Problem(
                file, line, "column \"confidence\": empty; an alert entry needs 0 to 100"));
      }
    } else {
      try {
        confidence = Integer.parseInt(confText);
      } catch (NumberFormatException e) {
        confidence = -1;
      }
      if (confidence < 0 || confidence > 100) {
        problems.add(bad(file, line, "confidence", confText, "an integer from 0 to 100"));
      }
    }
    List<String> values = List.of();
    List<String> pairValues = List.of();
    if (type != null) {
      values = values(type, h.get(row, "value"), "value", file, line, problems);
      String pv = h.get(row, "pair_value");
      if (type.isPair()) {
        pairValues = values(EntryType.JA3S, pv, "pair_value", file, line, problems);
      } else if (!pv.isEmpty()) {
        problems.add(
            new Problem(
                file,
                line,
                "column \"pair_value\": \"" + pv + "\" given for type " + type.label
                    + "; only pair entries (ja3+ja3s, ja3n+ja3s, ja4+ja3s) have a pair value"));
      }
    }
    String firstSeen = date(h.get(row, "first_seen"), "first_seen", file, line, problems);
    String lastSeen = date(h.get(row, "last_seen"), "last_seen", file, line, problems);
    long lastSeenEpoch =
        lastSeen != null && !lastSeen.isEmpty() ? epochSecond(lastSeen) : Long.MIN_VALUE;
    List<SniPattern> scopeSni = new ArrayList<>();
    for (String p : split(h.get(row, "scope_sni"))) {
      try {
        scopeSni.add(SniPattern.parseScope(p));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(file, line, "column \"scope_sni\": " + e.getMessage()));
      }
    }
    List<AddressPattern> scopeDst = ranges(h.get(row, "scope_destination_ip"),
        "scope_destination_ip", file, line, problems);
    List<AddressPattern> scopeSrc =
        ranges(h.get(row, "scope_source_ip"), "scope_source_ip", file, line, problems);
    PortSet srcPort = ports(h.get(row, "scope_source_port"), "scope_source_port", file, line,
        problems);
    PortSet dstPort = ports(h.get(row, "scope_destination_port"), "scope_destination_port", file,
        line, problems);
    if (problems.size() > before) {
      return null;
    }
    String source = h.get(row, "source");
    return new Entry(
        id,
        type,
        values,
        pairValues,
        label,
        category,
        disposition,
        confidence,
        source.isEmpty() ? defaultSource : source,
        h.get(row, "licence"),
        firstSeen,
        lastSeen,
        lastSeenEpoch,
        h.get(row, "reference"),
        List.copyOf(scopeSni),
        scopeDst,
        scopeSrc,
        srcPort,
        dstPort,
        h.get(row, "notes"),
        file,
        line);
  }

  private static List<String> values(
      EntryType type, String text, String column, String file, int line, List<Problem> problems) {
    List<String> parts = split(text);
    if (parts.isEmpty()) {
      problems.add(new Problem(file, line, "column \"" + column + "\": empty; expected "
          + expected(type)));
      return List.of();
    }
    if (parts.size() > MAX_ALTERNATIVES) {
      problems.add(new Problem(file, line, "column \"" + column + "\": " + parts.size()
          + " alternatives, at most " + MAX_ALTERNATIVES));
      return List.of();
    }
    List<String> out = new ArrayList<>(parts.size());
    for (String p : parts) {
      String v = normalizeValue(type, p);
      if (v == null) {
        problems.add(bad(file, line, column, p, expected(type)));
      } else {
        out.add(v);
      }
    }
    return List.copyOf(out);
  }

  /** The canonical form of a value of this type, or null when it is not one. */
  public static String normalizeValue(EntryType type, String raw) {
    String p = raw.trim();
    switch (type) {
      case JA3:
      case JA3S:
      case JA3_JA3S:
      case JA3N:
      case JA3N_JA3S:
        return hex32(p);
      case JA4:
        return Ja4Pattern.normalize(p, true);
      case JA4_JA3S:
        return Ja4Pattern.normalize(p, false);
      case JA4S:
        return JA4S.matcher(p).matches() ? p : null;
      case SNI:
        try {
          return SniPattern.parse(p, false).toString();
        } catch (IllegalArgumentException e) {
          return null;
        }
      case POLICY:
        PolicyFlag f = PolicyFlag.parse(p);
        return f == null ? null : f.label;
      case CERT_SHA1:
        return hex40(p);
      default:
        return null;
    }
  }

  /** A 40-hex-digit SHA-1 in lower case, or null. */
  public static String hex40(String s) {
    if (s.length() != 40) {
      return null;
    }
    for (int i = 0; i < 40; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return null;
      }
    }
    return s.toLowerCase(Locale.ROOT);
  }

  /** A 32-hex-digit MD5 in lower case, or null (no regex: this runs for every row at load). */
  public static String hex32(String s) {
    if (s.length() != 32) {
      return null;
    }
    boolean lower = true;
    for (int i = 0; i < 32; i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'F') {
        lower = false;
      } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return null;
      }
    }
    return lower ? s : s.toLowerCase(Locale.ROOT);
  }

  private static String expected(EntryType type) {
    switch (type) {
      case JA3:
      case JA3S:
      case JA3_JA3S:
      case JA3N:
      case JA3N_JA3S:
        return "an MD5 hash (32 hex digits), alternatives separated by |";
      case JA4:
        return "a JA4 fingerprint like t13d1516h2_8daaf6152771_02713d6af862, or with * for one or"
            + " two parts (t13d1516h2_8daaf6152771_*)";
      case JA4_JA3S:
        return "a JA4 fingerprint like t13d1516h2_8daaf6152771_02713d6af862 (no * in pairs)";
      case JA4S:
        return "a JA4S fingerprint like t130200_1301_234ea6891581";
      case SNI:
        return "a host name or *.domain";
      case CERT_SHA1:
        return "a certificate SHA-1 (40 hex digits), alternatives separated by |";
      default:
        return "one of " + names(PolicyFlag.values());
    }
  }

  private static PortSet ports(
      String text, String column, String file, int line, List<Problem> problems) {
    try {
      return PortSet.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(file, line, "column \"" + column + "\": " + e.getMessage()));
      return PortSet.ANY;
    }
  }

  private static List<AddressPattern> ranges(
      String text, String column, String file, int line, List<Problem> problems) {
    List<String> parts = split(text);
    if (parts.isEmpty()) {
      return List.of();
    }
    List<AddressPattern> out = new ArrayList<>();
    for (String p : parts) {
      try {
        out.add(AddressPattern.parse(p));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(file, line, "column \"" + column + "\": " + e.getMessage()));
      }
    }
    return List.copyOf(out);
  }

  private static String date(
      String text, String column, String file, int line, List<Problem> problems) {
    if (text.isEmpty()) {
      return "";
    }
    if (epochSecond(text) == Long.MIN_VALUE) {
      problems.add(bad(file, line, column, text, "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"));
      return null;
    }
    return text;
  }

  /**
   * Seconds since the epoch of {@code YYYY-MM-DD} (midnight UTC) or {@code YYYY-MM-DDTHH:MM:SSZ},
   * or {@link Long#MIN_VALUE} when the text is neither (parsed by hand: java.time's formatters
   * cost more to start than the whole database takes to read).
   */
  public static long epochSecond(String s) {
    int n = s.length();
    if (n != 10 && n != 20) {
      return Long.MIN_VALUE;
    }
    if (s.charAt(4) != '-' || s.charAt(7) != '-') {
      return Long.MIN_VALUE;
    }
    int y = digits(s, 0, 4);
    int mo = digits(s, 5, 2);
    int d = digits(s, 8, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) {
      return Long.MIN_VALUE;
    }
    long day;
    try {
      day = LocalDate.of(y, mo, d).toEpochDay();
    } catch (java.time.DateTimeException e) {
      return Long.MIN_VALUE;
    }
    if (n == 10) {
      return day * 86400;
    }
    if (s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
      return Long.MIN_VALUE;
    }
    int h = digits(s, 11, 2);
    int mi = digits(s, 14, 2);
    int sec = digits(s, 17, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) {
      return Long.MIN_VALUE;
    }
    return day * 86400 + h * 3600 + mi * 60 + sec;
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Splits a column on | into trimmed, non-empty parts. */
  public static List<String> split(String text) {
    if (text == null || text.isBlank()) {
      return Collections.emptyList();
    }
    List<String> out = new ArrayList<>();
    for (String p : text.split("\\|")) {
      String t = p.trim();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static Problem bad(String file, int line, String column, String seen, String expected) {
    return new Problem(
        file, line, "column \"" + column + "\": \"" + seen + "\"; expected " + expected);
  }

  private static String names(Enum<?>[] values) {
    StringBuilder sb = new StringBuilder();
    for (Enum<?> v : values) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      if (v instanceof EntryType t) {
        sb.append(t.label);
      } else if (v instanceof PolicyFlag f) {
        sb.append(f.label);
      } else {
        sb.append(v.name().toLowerCase(Locale.ROOT));
      }
    }
    return sb.toString();
  }

  /** The header line of the canonical format. */
  public static String headerLine() {
    return String.join(",", COLUMNS);
  }

  /** One entry as a CSV line in canonical column order (no line break). */
  public static String line(Entry e) {
    List<String> f = new ArrayList<>(COLUMNS.size());
    f.add(e.id());
    f.add(e.type().label);
    f.add(e.valueText());
    f.add(e.pairValueText());
    f.add(e.label());
    f.add(e.category().label());
    f.add(e.disposition().label());
    f.add(Integer.toString(e.confidence()));
    f.add(e.source());
    f.add(e.licence());
    f.add(e.firstSeen());
    f.add(e.lastSeen());
    f.add(e.reference());
    f.add(join(e.scopeSni()));
    f.add(join(e.scopeDestination()));
    f.add(join(e.scopeSource()));
    f.add(e.scopeSourcePort().toString());
    f.add(e.scopeDestinationPort().toString());
    f.add(e.notes());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < f.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(CsvReader.quote(f.get(i)));
    }
    return sb.toString();
  }

  private static String join(List<?> xs) {
    StringBuilder sb = new StringBuilder();
    for (Object x : xs) {
      if (sb.length() > 0) {
        sb.append('|');
      }
      sb.append(x);
    }
    return sb.toString();
  }
}
