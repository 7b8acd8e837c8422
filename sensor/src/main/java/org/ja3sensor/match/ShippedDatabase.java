package org.ja3sensor.match;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Finds the database shipped with the sensor. The build copies the repository's
 * {@code fingerprints/} directory into the jar as the resource directory {@code fingerprints/};
 * that copy is the default everywhere the jar runs. When the classes are not in a jar with it
 * (an IDE), the repository's directory is used: {@code ${ja3sensor.repoRoot}/fingerprints} or
 * {@code ./fingerprints}.
 */
public final class ShippedDatabase {
  /** A file every copy of the database has. */
  static final String MARKER = "fingerprints/README.md";

  private ShippedDatabase() {}

  /** The database loading in the background since {@link #preload()}, or null. */
  private static volatile FutureTask<DatabaseHolder> preloaded;

  /**
   * Starts loading the shipped database on a background thread, so that it overlaps the command's
   * start-up (option parsing). Called by the program's main for the commands that match; the
   * first {@link #takePreloaded()} gets it.
   */
  public static synchronized void preload() {
    if (preloaded != null) {
      return;
    }
    FutureTask<DatabaseHolder> task =
        new FutureTask<>(() -> DatabaseHolder.load(List.of(locate())));
    preloaded = task;
    Thread t = new Thread(task, "ja3sensor-db-preload");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The preloaded shipped database, once: null if none was started or it failed (the caller then
   * loads it itself and reports the failure as usual).
   */
  public static DatabaseHolder takePreloaded() {
    FutureTask<DatabaseHolder> task;
    synchronized (ShippedDatabase.class) {
      task = preloaded;
      preloaded = null;
    }
    if (task == null) {
      return null;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      return null;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The shipped database directory. */
  public static Path locate() throws IOException {
    URL url = ShippedDatabase.class.getClassLoader().getResource(MARKER);
    if (url != null) {
      try {
        URI uri = url.toURI();
        if ("jar".equals(uri.getScheme())) {
          FileSystem fs;
          try {
            fs = FileSystems.newFileSystem(uri, Map.of());
          } catch (FileSystemAlreadyExistsException e) {
            fs = FileSystems.getFileSystem(uri);
          }
          return fs.getPath("/fingerprints");
        }
        return Path.of(uri).getParent();
      } catch (URISyntaxException | RuntimeException e) {
        throw new IOException("cannot open the shipped fingerprint database at " + url, e);
      }
    }
    String root = System.getProperty("ja3sensor.repoRoot");
    for (Path p : new Path[] {root != null ? Path.of(root, "fingerprints") : null,
        Path.of("fingerprints")}) {
      if (p != null && Files.isRegularFile(p.resolve("README.md"))) {
        return p;
      }
    }
    throw new IOException(
        "the shipped fingerprint database was not found (no resource " + MARKER
            + " and no ./fingerprints); give --db DIR or --no-db");
  }
}
