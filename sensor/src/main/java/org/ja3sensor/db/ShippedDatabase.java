package org.ja3sensor.db;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

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

  private static final String DIR = "fingerprints/";

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
        new FutureTask<>(() -> DatabaseHolder.of(load()));
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

  /**
   * Loads the shipped database. From the jar, its files are read with the JDK's own zip reader
   * (whose index of the jar the class loader has already built) rather than through a zip file
   * system on {@link #locate()}, which indexes the whole jar again: a large share of a short read's
   * start-up. Same files, order, names and content hash as {@code DatabaseLoader.load(locate())}.
   */
  public static Snapshot load() throws IOException, DatabaseException {
    URL url = ShippedDatabase.class.getClassLoader().getResource(MARKER);
    if (url == null || !"jar".equals(url.getProtocol())) {
      return DatabaseLoader.load(List.of(locate()));
    }
    String spec = url.getPath(); // file:/path/to/ja3sensor.jar!/fingerprints/README.md
    int bang = spec.indexOf("!/");
    Path jar;
    try {
      jar = Path.of(new URI(spec.substring(0, bang)));
    } catch (URISyntaxException | RuntimeException e) {
      return DatabaseLoader.load(List.of(locate()));
    }
    List<Map.Entry<String, Map.Entry<String, byte[]>>> files = new ArrayList<>();
    try (JarFile jf = new JarFile(jar.toFile(), false)) {
      List<JarEntry> csv = new ArrayList<>();
      for (JarEntry e : Collections.list(jf.entries())) {
        String n = e.getName();
        if (n.startsWith(DIR) && n.endsWith(".csv") && n.indexOf('/', DIR.length()) < 0
            && !n.startsWith(DIR + ".") && !e.isDirectory()) {
          csv.add(e);
        }
      }
      csv.sort(Comparator.comparing(JarEntry::getName));
      for (JarEntry e : csv) {
        String fileName = e.getName().substring(DIR.length());
        byte[] bytes;
        try (InputStream in = jf.getInputStream(e)) {
          bytes = in.readNBytes((int) DatabaseLoader.MAX_FILE_BYTES + 1);
        }
        files.add(Map.entry("shipped:/" + e.getName(), Map.entry(fileName, bytes)));
      }
    }
    return DatabaseLoader.loadContents(files);
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
