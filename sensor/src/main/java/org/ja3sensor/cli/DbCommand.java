package org.ja3sensor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ja3sensor.cert.ServerCertificates;
import org.ja3sensor.db.DatabaseException;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.DatabaseLoader;
import org.ja3sensor.db.DbFormat;
import org.ja3sensor.db.Ja4Pattern;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.Problem;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.db.importer.ImportException;
import org.ja3sensor.db.importer.ImportFormat;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.match.AlertVerdict;
import org.ja3sensor.match.DatabaseCheck;
import org.ja3sensor.match.Enrichment;
import org.ja3sensor.match.MatchResult;
import org.ja3sensor.match.Matcher;
import org.ja3sensor.tls.ClientHello;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code ja3sensor db ...}: inspect, validate and build the fingerprint database. */
@Command(
    name = "db",
    mixinStandardHelpOptions = true,
    description = "Validate, query and import the known-fingerprint database.",
    subcommands = {
      DbCommand.Check.class,
      DbCommand.Lookup.class,
      DbCommand.Stats.class,
      DbCommand.Import.class
    })
public final class DbCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Loads or prints every problem to stderr and returns null. */
  static Snapshot load(DbOptions db, PrintWriter err) throws IOException {
    try {
      List<Path> l = db.locations();
      return l.isEmpty() ? Snapshot.empty() : DatabaseLoader.load(l);
    } catch (DatabaseException e) {
      for (Problem p : e.problems()) {
        err.println("error: " + p);
      }
      return null;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage()); // a bad option (--home-net ...)
      return null;
    }
  }

  /** {@code db check}: validate, report duplicates and conflicts. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Validate the database files (errors name file and line; exit status 1) and report"
            + " overrides, duplicates, conflicting labels and library-default collisions."
      })
  static final class Check implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DbOptions db;

    @Option(names = "--strict", description = "Exit with status 1 on duplicates too.")
    boolean strict;

    @Option(names = "--quiet", description = "Print only errors and the summary line.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Snapshot s = load(db, err);
      if (s == null) {
        err.println("invalid: the database was not loaded");
        return 1;
      }
      List<DatabaseCheck.Finding> dups = DatabaseCheck.duplicates(s);
      List<DatabaseCheck.Finding> conflicts = DatabaseCheck.conflicts(s);
      List<DatabaseCheck.Finding> notices = DatabaseCheck.notices(s);
      List<DatabaseCheck.Finding> never = DatabaseCheck.neverMatching(s);
      List<DatabaseCheck.Finding> collisions = DatabaseCheck.libraryCollisions(s);
      if (!quiet) {
        for (Problem w : s.warnings()) {
          out.println("warning: " + w);
        }
        print(out, "duplicate", dups);
        print(out, "conflict", conflicts);
        print(out, "collision", collisions);
        print(out, "notice", notices);
        print(out, "unmatchable", never);
      }
      out.printf(
          "ok: version %s, %d entries from %d file(s); %d warning(s), %d duplicate(s),"
              + " %d conflict(s), %d library collision(s), %d notice(s), %d never matching%n",
          s.version(), s.entries().size(), s.files().size(), s.warnings().size(), dups.size(),
          conflicts.size(), collisions.size(), notices.size(), never.size());
      return strict && !dups.isEmpty() ? 1 : 0;
    }

    private static void print(PrintWriter out, String what, List<DatabaseCheck.Finding> fs) {
      for (DatabaseCheck.Finding f : fs) {
        out.println(what + ": " + f);
      }
    }
  }

  /** {@code db lookup VALUE}: what the database knows about a fingerprint or name. */
  @Command(
      name = "lookup",
      mixinStandardHelpOptions = true,
      description = {
        "Show every entry for a JA3, JA3N, JA3S, JA4, certificate SHA-1 or server name, and what"
            + " the matcher would decide for a handshake carrying only that value."
      })
  static final class Lookup implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DbOptions db;

    @Parameters(paramLabel = "VALUE",
        description = "JA3, JA3N or JA3S (MD5), JA4, certificate SHA-1 (40 hex digits, colons"
            + " allowed), or a server name")
    String value;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Snapshot s = load(db, spec.commandLine().getErr());
      if (s == null) {
        return 1;
      }
      List<Entry> found = s.find(value);
      out.printf("%s: %d entr%s in database version %s%n", value, found.size(),
          found.size() == 1 ? "y" : "ies", s.version());
      for (Entry e : found) {
        out.println();
        out.printf("  %s  (%s)%n", e.id(), e.origin());
        field(out, "type", e.type().label);
        field(out, "value", e.valueText());
        field(out, "pair_value", e.pairValueText());
        field(out, "label", e.label());
        field(out, "category", e.category().label());
        field(out, "disposition", e.disposition().label());
        field(out, "confidence", Integer.toString(e.confidence()));
        field(out, "source", e.source());
        field(out, "licence", e.licence());
        field(out, "first_seen", e.firstSeen());
        field(out, "last_seen", e.lastSeen());
        field(out, "reference", e.reference());
        field(out, "scope", e.scopeText());
        field(out, "notes", e.notes());
      }
      String v = value.trim().toLowerCase(java.util.Locale.ROOT);
      Matcher m;
      try {
        m = db.matcher(s);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 2;
      }
      if (v.matches("[0-9a-f]{32}")) {
        TlsEvent client = new TlsEvent();
        client.ja3Hash = v;
        simulate(out, "a client with this JA3", m, client);
        TlsEvent ja3n = new TlsEvent();
        ja3n.ja3nHash = v;
        simulate(out, "a client with this JA3N", m, ja3n);
        TlsEvent server = new TlsEvent();
        server.ja3sHash = v;
        simulate(out, "a server with this JA3S", m, server);
      } else if (Ja4Pattern.normalize(value, false) != null) {
        TlsEvent client = new TlsEvent();
        client.ja4 = Ja4Pattern.normalize(value, false);
        simulate(out, "a client with this JA4", m, client);
      } else if (v.replace(":", "").matches("[0-9a-f]{40}")) {
        TlsEvent server = new TlsEvent();
        server.serverCertificates = ServerCertificates.ofLeafSha1(v.replace(":", ""));
        simulate(out, "a server with this certificate", m, server);
      } else if (v.matches("[a-z0-9._-]+\\.[a-z0-9._-]+") && !v.contains("_")) {
        TlsEvent named = new TlsEvent();
        named.clientHello = new ClientHello(0x0303, new int[0], new int[0], new int[0],
            new int[0], new int[0], v, List.of(), new int[0], new int[0], true);
        simulate(out, "a client asking for this server name", m, named);
      }
      return 0;
    }

    private static void simulate(PrintWriter out, String what, Matcher m, TlsEvent e) {
      e.timestampNanos = System.currentTimeMillis() * 1_000_000L; // staleness as of today
      MatchResult r = m.match(e);
      out.println();
      if (r.enrichments.isEmpty()) {
        out.printf("For %s alone, today: no match.%n", what);
        return;
      }
      AlertVerdict v = r.verdict;
      if (v != null) {
        out.printf("For %s alone, today: ALERT, rule %s \"%s\", risk score %d, severity %d.%n", what,
            v.rule().entry().id(), v.rule().entry().label(), v.riskScore(), v.severity());
      } else {
        out.printf("For %s alone, today: no alert (enrichment only).%n", what);
      }
      for (Enrichment x : r.enrichments) {
        out.printf("  %-8s score %3d  %s%s%s%s  [%s]%n", x.entry().disposition().label(),
            x.score(), x.entry().label(),
            x.conflict() != null ? "  conflict: " + x.conflict() : "",
            x.stalePenalty() > 0 ? "  stale: -" + x.stalePenalty() : "",
            x.suppressedBy() != null ? "  suppressed by " + x.suppressedBy()
                : x.demoted() ? "  demoted: also library default " + x.collisionWith() : "",
            x.entry().id());
      }
    }

    private static void field(PrintWriter out, String name, String v) {
      if (v != null && !v.isEmpty()) {
        out.printf("    %-12s %s%n", name, v);
      }
    }
  }

  /** {@code db stats}: what the database holds. */
  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Count the database's entries by file, type, disposition, category and source.")
  static final class Stats implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin DbOptions db;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Snapshot s = load(db, spec.commandLine().getErr());
      if (s == null) {
        return 1;
      }
      out.printf("version %s, %d entries, loaded %s%n", s.version(), s.entries().size(),
          s.loadedAt());
      section(out, "file", Snapshot.count(s.entries(), Entry::file));
      section(out, "type", Snapshot.count(s.entries(), e -> e.type().label));
      section(out, "disposition", Snapshot.count(s.entries(), e -> e.disposition().label()));
      section(out, "category", Snapshot.count(s.entries(), e -> e.category().label()));
      section(out, "source", Snapshot.count(s.entries(), Entry::source));
      return 0;
    }

    private static void section(PrintWriter out, String title, Map<String, Integer> counts) {
      out.println("by " + title + ":");
      counts.forEach((k, v) -> out.printf("  %6d  %s%n", v, k));
    }
  }

  /** {@code db import}: convert an upstream list into database rows. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Convert upstream fingerprint lists into the database format (fingerprints/README.md);"
            + " writes CSV to stdout or --output."
      })
  static final class Import implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--format",
        required = true,
        paramLabel = "FORMAT",
        description = "sslbl, salesforce, et-rules, curl-impersonate or normalized")
    String format;

    @Option(
        names = "--only-source",
        paramLabel = "ID",
        description = "normalized: keep only rows of this source_id (repeatable)")
    List<String> onlySources = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here, not stdout")
    Path output;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Upstream files or directories")
    List<Path> inputs;

    @Override
    public Integer call() throws IOException {
      ImportFormat f;
      PrintWriter err = spec.commandLine().getErr();
      try {
        f = ImportFormat.parse(format);
      } catch (IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return 2;
      }
      List<String> warnings = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      List<Entry> entries;
      try {
        entries = f.read(inputs, onlySources, warnings, skipped);
      } catch (ImportException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
      for (String w : warnings) {
        err.println("warning: " + w);
      }
      for (String w : skipped) {
        err.println("not imported: " + w);
      }
      StringBuilder sb = new StringBuilder();
      sb.append("# Generated by: ja3sensor db import --format ").append(f.label);
      for (String o : onlySources) {
        sb.append(" --only-source ").append(o);
      }
      sb.append('\n');
      for (Path in : inputs) {
        sb.append("# Input: ").append(in.getFileName()).append(' ').append(digest(in)).append('\n');
      }
      java.util.Set<String> sources = new java.util.TreeSet<>();
      java.util.Set<String> licences = new java.util.TreeSet<>();
      for (Entry e : entries) {
        sources.add(e.source());
        if (!e.licence().isEmpty()) {
          licences.add(e.licence());
        }
      }
      sb.append("# Source: ").append(String.join(", ", sources)).append("; licence: ")
          .append(licences.isEmpty() ? "see licenses/README.md" : String.join(", ", licences))
          .append(" (texts in licenses/)\n");
      for (String w : skipped) {
        // Input paths are named by file name only, as in the Input lines above.
        sb.append("# Not imported: ").append(relative(w)).append('\n');
      }
      sb.append("# Do not edit: re-run the import (scripts/update-fingerprints.sh).\n");
      sb.append(DbFormat.headerLine()).append('\n');
      for (Entry e : entries) {
        sb.append(DbFormat.line(e)).append('\n');
      }
      if (output != null) {
        Path tmp = output.resolveSibling("." + output.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } else {
        PrintWriter out = spec.commandLine().getOut();
        out.print(sb);
        out.flush();
      }
      err.printf("%d entries from %s%s%n", entries.size(), f.label,
          skipped.isEmpty() ? "" : ", " + skipped.size() + " rule(s) not imported (listed above)");
      return 0;
    }

    /** A skipped-rule line with the input's directory left out ("file.rules:12: ..."). */
    private String relative(String line) {
      for (Path in : inputs) {
        String full = in.toString();
        if (line.startsWith(full) && in.getFileName() != null) {
          return in.getFileName() + line.substring(full.length());
        }
      }
      return line;
    }

    /** sha256 (first 16 hex digits) over a file, or over a directory's files in name order. */
    private static String digest(Path in) throws IOException {
      MessageDigest md;
      try {
        md = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      List<Path> files;
      if (Files.isDirectory(in)) {
        try (var s = Files.list(in)) {
          files = s.filter(Files::isRegularFile).sorted().toList();
        }
      } else {
        files = List.of(in);
      }
      for (Path p : files) {
        md.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        md.update(Files.readAllBytes(p));
      }
      return (files.size() == 1 ? "" : "(" + files.size() + " files) ") + "sha256:"
          + HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }
  }
}
