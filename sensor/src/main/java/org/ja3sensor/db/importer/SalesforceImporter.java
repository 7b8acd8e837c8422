package org.ja3sensor.db.importer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.CsvReader;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;

/**
 * salesforce/ja3 {@code lists/osx-nix-ja3.csv}: RFC 4180 rows {@code md5,"app,app,..."} after a
 * first record that is a multi-line quoted copyright notice (skipped). Benign application labels:
 * info entries, category application; labels naming several programs or "Used by many ..." are a
 * shared library configuration (category library) and get a lower confidence.
 */
final class SalesforceImporter {
  static final String SOURCE = "salesforce-ja3";
  static final String LICENCE = "BSD-3-Clause";
  static final int CONFIDENCE_ONE_APP = 50;
  static final int CONFIDENCE_SHARED = 30;

  private static final Pattern HEX32 = Pattern.compile("[0-9a-fA-F]{32}");

  private SalesforceImporter() {}

  static List<Entry> read(List<Path> inputs) throws IOException, ImportException {
    List<Entry> out = new ArrayList<>();
    for (Path p : inputs) {
      String name = p.toString();
      Set<String> seen = new HashSet<>();
      try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
        CsvReader csv = new CsvReader(r, false);
        CsvReader.Row row;
        boolean first = true;
        while ((row = csv.next()) != null) {
          List<String> f = row.fields();
          if (first && !HEX32.matcher(f.get(0).strip()).matches()) {
            first = false; // the copyright record
            continue;
          }
          first = false;
          if (f.size() != 2 || !HEX32.matcher(f.get(0).strip()).matches()) {
            throw new ImportException(name, row.line(), "expected md5,\"application list\", got "
                + f.size() + " field(s) starting \"" + f.get(0) + "\"");
          }
          String md5 = f.get(0).strip().toLowerCase(Locale.ROOT);
          if (!seen.add(md5)) {
            throw new ImportException(name, row.line(), "md5 " + md5 + " listed twice");
          }
          String apps = f.get(1).strip();
          boolean shared = apps.contains(",") || apps.toLowerCase(Locale.ROOT).contains("many");
          out.add(
              new EntryBuilder("salesforce:" + md5, EntryType.JA3, md5)
                  .label(apps)
                  .category(shared ? Category.LIBRARY : Category.APPLICATION)
                  .disposition(Disposition.INFO)
                  .confidence(shared ? CONFIDENCE_SHARED : CONFIDENCE_ONE_APP)
                  .source(SOURCE)
                  .licence(LICENCE)
                  .reference("https://github.com/salesforce/ja3/blob/master/lists/osx-nix-ja3.csv")
                  .notes(shared ? "macOS/Linux programs sharing one TLS configuration" : "macOS/Linux application")
                  .build());
        }
      } catch (CsvReader.CsvException e) {
        throw new ImportException(name, e.line, e.getMessage());
      }
    }
    return out;
  }
}
