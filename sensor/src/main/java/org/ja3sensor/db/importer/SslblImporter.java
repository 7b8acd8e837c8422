package org.ja3sensor.db.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;

/**
 * abuse.ch SSLBL {@code ja3_fingerprints.csv}: a {@code #} banner, unquoted rows {@code
 * ja3_md5,Firstseen,Lastseen,Listingreason} (UTC times), a trailer {@code # END (N) entries}
 * whose count is checked so that a truncated download is refused. Every row becomes an alert
 * entry with confidence {@value #CONFIDENCE} (the sources README's base score for SSLBL).
 */
final class SslblImporter {
  static final int CONFIDENCE = 60;
  static final String SOURCE = "abuse.ch-sslbl";
  static final String LICENCE = "CC0-1.0";

  private static final Pattern HEX32 = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern TIME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})");
  private static final Pattern END = Pattern.compile("#\\s*END\\s*\\((\\d+)\\)\\s*entries.*");
  private static final Pattern UPDATED = Pattern.compile("#\\s*Last updated:\\s*(.*?)\\s*#?\\s*");

  private SslblImporter() {}

  static List<Entry> read(List<Path> inputs) throws IOException, ImportException {
    List<Entry> out = new ArrayList<>();
    for (Path p : inputs) {
      readFile(p, out);
    }
    return out;
  }

  private static void readFile(Path p, List<Entry> out) throws IOException, ImportException {
    String name = p.toString();
    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
    String updated = "";
    int declared = -1;
    int rows = 0;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int n = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        Matcher m = END.matcher(line);
        if (m.matches()) {
          declared = Integer.parseInt(m.group(1));
        }
        Matcher u = UPDATED.matcher(line);
        if (u.matches()) {
          updated = u.group(1);
        }
        continue;
      }
      String[] f = line.split(",", 4);
      if (f.length != 4) {
        throw new ImportException(name, n, f.length + " fields; expected ja3_md5,Firstseen,Lastseen,Listingreason");
      }
      if (!HEX32.matcher(f[0]).matches()) {
        throw new ImportException(name, n, "ja3_md5 \"" + f[0] + "\"; expected 32 hex digits");
      }
      String md5 = f[0].toLowerCase(java.util.Locale.ROOT);
      if (!seen.add(md5)) {
        throw new ImportException(name, n, "ja3_md5 " + md5 + " listed twice");
      }
      String reason = f[3].strip();
      rows++;
      out.add(
          new EntryBuilder("sslbl:" + md5, EntryType.JA3, md5)
              .label(reason)
              .category(reason.equalsIgnoreCase("adware") ? Category.ADWARE : Category.MALWARE)
              .disposition(Disposition.ALERT)
              .confidence(CONFIDENCE)
              .source(SOURCE)
              .licence(LICENCE)
              .firstSeen(time(f[1], "Firstseen", name, n))
              .lastSeen(time(f[2], "Lastseen", name, n))
              .reference("https://sslbl.abuse.ch/ja3-fingerprints/" + md5 + "/")
              .notes(updated.isEmpty() ? "SSLBL JA3 blacklist" : "SSLBL JA3 blacklist, last updated " + updated)
              .build());
    }
    if (declared < 0) {
      throw new ImportException(name, 0, "no \"# END (N) entries\" trailer; the file is truncated or not an SSLBL JA3 list");
    }
    if (declared != rows) {
      throw new ImportException(name, 0, rows + " rows but the trailer says " + declared);
    }
  }

  private static String time(String s, String column, String file, int line) throws ImportException {
    Matcher m = TIME.matcher(s.strip());
    if (!m.matches()) {
      throw new ImportException(file, line, column + " \"" + s + "\"; expected YYYY-MM-DD HH:MM:SS");
    }
    return m.group(1) + "T" + m.group(2) + "Z";
  }
}
