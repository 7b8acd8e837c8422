package org.ja3sensor.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.db.DatabaseException;
import org.ja3sensor.db.DatabaseHolder;
import org.ja3sensor.db.HomeNet;
import org.ja3sensor.db.ShippedDatabase;
import org.ja3sensor.db.Snapshot;
import org.ja3sensor.match.Matcher;
import picocli.CommandLine.Option;

/**
 * Fingerprint database options shared by {@code read}, {@code capture} and {@code db}: include
 * with {@code @Mixin DbOptions db;} and call {@link #openMatcher(boolean)}.
 */
public final class DbOptions {
  @Option(
      names = "--db",
      paramLabel = "DIR",
      description = {
        "Fingerprint database: a directory of *.csv files (or one file). Repeatable; entries of a"
            + " later file replace those with the same id. Default: the database shipped inside"
            + " ja3sensor (fingerprints/ in the source tree)."
      })
  List<Path> db = new ArrayList<>();

  @Option(
      names = "--db-extra",
      paramLabel = "DIR",
      description =
          "More database files read after --db (or after the shipped database): your own entries"
              + " and allow-lists. Repeatable.")
  List<Path> extra = new ArrayList<>();

  @Option(
      names = "--no-db",
      description = "Match against no database (TLS policy flags are still computed).")
  boolean noDb;

  @Option(
      names = "--min-alert-score",
      paramLabel = "N",
      defaultValue = "" + Matcher.DEFAULT_MIN_ALERT_SCORE,
      description =
          "Alert entries scoring below N after the conflict and staleness rules enrich the event"
              + " but do not make it an alert (default: ${DEFAULT-VALUE}).")
  int minAlertScore;

  @Option(
      names = "--home-net",
      paramLabel = "CIDRS",
      defaultValue = HomeNet.DEFAULT_TEXT,
      description =
          "Your own networks, comma-separated addresses or CIDR blocks: what $HOME_NET means in"
              + " database scopes ($EXTERNAL_NET is everything else). Default: Suricata's,"
              + " ${DEFAULT-VALUE}.")
  String homeNet;

  @Option(
      names = "--library-collisions",
      paramLabel = "POLICY",
      defaultValue = "demote",
      description =
          "A single-fingerprint alert entry on a ClientHello that is also a known library"
              + " default, with no pair or scope to corroborate it: demote (keep it in the event"
              + " with a low score, no alert) or alert (default: ${DEFAULT-VALUE}).")
  String libraryCollisions;

  @Option(
      names = "--db-reload-delay",
      paramLabel = "MS",
      defaultValue = "500",
      description =
          "Live capture: reload the database this many milliseconds after its files stop"
              + " changing (default: ${DEFAULT-VALUE}).")
  long reloadDelayMillis;

  /** Checks the options that do not need the database files (a bad combination). */
  public void validate() {
    if (noDb && (!db.isEmpty() || !extra.isEmpty())) {
      throw new IllegalArgumentException("--no-db cannot be combined with --db or --db-extra");
    }
    homeNet();
    libraryCollisions();
  }

  /** --home-net parsed; IllegalArgumentException naming the option when it is invalid. */
  public HomeNet homeNet() {
    try {
      return HomeNet.parse(homeNet);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--home-net: " + e.getMessage());
    }
  }

  /** --library-collisions parsed. */
  public Matcher.LibraryCollisions libraryCollisions() {
    try {
      return Matcher.LibraryCollisions.parse(libraryCollisions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--library-collisions: " + e.getMessage());
    }
  }

  /** A matcher over a given snapshot with these options (db lookup). */
  public Matcher matcher(Snapshot s) {
    return new Matcher(DatabaseHolder.of(s), minAlertScore, false, homeNet(),
        libraryCollisions());
  }

  /** The locations to load, in order; empty with --no-db. */
  public List<Path> locations() throws IOException {
    validate();
    if (noDb) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    if (db.isEmpty()) {
      out.add(ShippedDatabase.locate());
    } else {
      out.addAll(db);
    }
    out.addAll(extra);
    return out;
  }

  /** Loads the database (no watching). */
  public DatabaseHolder openHolder() throws IOException, DatabaseException {
    if (!noDb && db.isEmpty() && extra.isEmpty()) {
      DatabaseHolder h = ShippedDatabase.takePreloaded();
      if (h != null) {
        return h;
      }
    }
    List<Path> l = locations();
    return l.isEmpty() ? DatabaseHolder.of(Snapshot.empty()) : DatabaseHolder.load(l);
  }

  /**
   * A matcher over the loaded database; close it when done.
   *
   * @param live true for a long-running capture: the database then reloads when its files change
   *     and on SIGHUP. {@code read} passes false so that one run uses one version.
   */
  public Matcher openMatcher(boolean live) throws IOException, DatabaseException {
    validate();
    DatabaseHolder h = openHolder();
    if (live) {
      h.watch(Duration.ofMillis(reloadDelayMillis));
      h.installSighup();
    }
    return new Matcher(h, minAlertScore, true, homeNet(), libraryCollisions());
  }
}
