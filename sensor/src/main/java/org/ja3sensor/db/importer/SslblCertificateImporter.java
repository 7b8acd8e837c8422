package org.ja3sensor.db.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.DbFormat;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;

/**
 * abuse.ch SSLBL {@code sslblacklist.csv}, the SSL Certificate Blacklist: a {@code #} banner
 * (with {@code # Last updated: ... UTC}), the column names as a comment {@code #
 * Listingdate,SHA1,Listingreason}, then unquoted rows {@code YYYY-MM-DD HH:MM:SS,sha1,reason}
 * (newest first). The header comment is required (without it the file is not this list); a {@code
 * # END (N) entries} trailer, if present, is checked against the rows.
 *
 * <p>Every row becomes a {@code cert-sha1} alert entry: category {@code c2} when the reason ends in
 * "C&amp;C" (SSLBL's wording for botnet C2 servers), else {@code malware}; confidence {@value
 * #CONFIDENCE} (a certificate SHA-1 names one certificate, where a JA3 is shared by every client
 * of a TLS library: higher than the JA3 list's 60); first_seen the listing date, last_seen the
 * list's "Last updated" time (the list vouches for the entry as of then). A SHA-1 listed twice is
 * a warning and the first (newest) row is kept.
 */
final class SslblCertificateImporter {
  static final int CONFIDENCE = 80;
  static final String SOURCE = "abuse.ch-sslbl";
  static final String LICENCE = "CC0-1.0";

  private static final Pattern HEADER =
      Pattern.compile("#\\s*Listingdate\\s*,\\s*SHA1\\s*,\\s*Listingreason\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern TIME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})");
  private static final Pattern END = Pattern.compile("#\\s*END\\s*\\((\\d+)\\)\\s*entries.*");
  private static final Pattern UPDATED =
      Pattern.compile("#\\s*Last updated:\\s*(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})\\s*UTC.*");

  private SslblCertificateImporter() {}

  static List<Entry> read(List<Path> inputs, List<String> warnings)
      throws IOException, ImportException {
    List<Entry> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Path p : inputs) {
      readFile(p, out, seen, warnings);
    }
    return out;
  }

  private static void readFile(Path p, List<Entry> out, Set<String> seen, List<String> warnings)
      throws IOException, ImportException {
    String name = p.toString();
    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
    String updated = "";
    boolean header = false;
    int declared = -1;
    int rows = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int n = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        if (HEADER.matcher(line).matches()) {
          header = true;
        }
        Matcher m = END.matcher(line);
        if (m.matches()) {
          declared = Integer.parseInt(m.group(1));
        }
        Matcher u = UPDATED.matcher(line);
        if (u.matches()) {
          updated = u.group(1).replace(' ', 'T') + "Z";
        }
        continue;
      }
      if (!header) {
        throw new ImportException(name, n, "a row before the \"# Listingdate,SHA1,Listingreason\""
            + " header; expected an SSLBL certificate list (sslblacklist.csv)");
      }
      String[] f = line.split(",", 3);
      if (f.length != 3) {
        throw new ImportException(name, n,
            f.length + " fields; expected Listingdate,SHA1,Listingreason");
      }
      String sha1 = DbFormat.hex40(f[1].strip());
      if (sha1 == null) {
        throw new ImportException(name, n, "SHA1 \"" + f[1] + "\"; expected 40 hex digits");
      }
      String listed = time(f[0], name, n);
      String reason = f[2].strip();
      if (reason.isEmpty()) {
        throw new ImportException(name, n, "Listingreason is empty; expected a malware family");
      }
      rows++;
      if (!seen.add(sha1)) {
        warnings.add(name + ":" + n + ": SHA1 " + sha1 + " listed again; the first row is kept");
        continue;
      }
      boolean c2 = reason.toUpperCase(Locale.ROOT).endsWith("C&C");
      out.add(
          new EntryBuilder("sslbl-cert:" + sha1, EntryType.CERT_SHA1, sha1)
              .label(reason)
              .category(c2 ? Category.C2 : Category.MALWARE)
              .disposition(Disposition.ALERT)
              .confidence(CONFIDENCE)
              .source(SOURCE)
              .licence(LICENCE)
              .firstSeen(listed)
              .lastSeen(updated)
              .reference("https://sslbl.abuse.ch/ssl-certificates/sha1/" + sha1 + "/")
              .notes(updated.isEmpty()
                  ? "SSLBL SSL Certificate Blacklist"
                  : "SSLBL SSL Certificate Blacklist, last updated " + updated)
              .build());
    }
    if (!header) {
      throw new ImportException(name, 0, "no \"# Listingdate,SHA1,Listingreason\" header; the"
          + " file is empty or not an SSLBL certificate list (sslblacklist.csv)");
    }
    if (declared >= 0 && declared != rows) {
      throw new ImportException(name, 0, rows + " rows but the trailer says " + declared);
    }
  }

  private static String time(String s, String file, int line) throws ImportException {
    Matcher m = TIME.matcher(s.strip());
    if (!m.matches()) {
      throw new ImportException(file, line,
          "Listingdate \"" + s + "\"; expected YYYY-MM-DD HH:MM:SS");
    }
    return m.group(1) + "T" + m.group(2) + "Z";
  }
}
