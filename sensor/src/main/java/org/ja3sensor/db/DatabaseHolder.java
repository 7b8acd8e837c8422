package org.ja3sensor.db;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link Snapshot} and replaces it atomically on reload. Readers (pipeline
 * threads) do one volatile read per event and never wait: a reload parses and validates the new
 * files completely on its own thread, then swaps the reference. A load with any error is rejected
 * with log lines naming file and line, and the previous snapshot stays in force.
 *
 * <p>Reloads are triggered by {@link #reload()} (synchronous), by changes in the watched
 * directories ({@link #watch}, debounced so that a file written in several steps is read once
 * complete) and by SIGHUP ({@link #installSighup()}, where the JVM allows it).
 */
public final class DatabaseHolder implements AutoCloseable {
  /**
   * The logger, made on first use: starting slf4j (its date format pulls in the locale data) costs
   * a short read more than the database itself, and a read logs nothing here.
   */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(DatabaseHolder.class);
  }
  private static final List<DatabaseHolder> SIGHUP_TARGETS = new CopyOnWriteArrayList<>();
  private static volatile boolean sighupInstalled;

  /** Outcome of one reload. */
  public record ReloadResult(boolean changed, Snapshot snapshot, List<Problem> problems) {
    public boolean rejected() {
      return !problems.isEmpty();
    }
  }

  private final List<Path> locations;
  private volatile Snapshot current;
  private final Object reloadLock = new Object();
  private final List<Consumer<ReloadResult>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong rejections = new AtomicLong();

  private ScheduledExecutorService executor;
  private ScheduledFuture<?> pending;
  private WatchService watchService;
  private Thread watchThread;
  private Duration debounce = Duration.ofMillis(500);
  private volatile boolean closed;

  private DatabaseHolder(List<Path> locations, Snapshot initial) {
    this.locations = List.copyOf(locations);
    this.current = initial;
  }

  /** A holder of a fixed snapshot (tests, --no-db); reload keeps it. */
  public static DatabaseHolder of(Snapshot snapshot) {
    return new DatabaseHolder(List.of(), snapshot);
  }

  /** Loads the locations; fails when they do not load. */
  public static DatabaseHolder load(List<Path> locations) throws DatabaseException {
    // Warnings stay in the snapshot ('db check' lists them); nothing is logged here.
    return new DatabaseHolder(locations, DatabaseLoader.load(locations));
  }

  /** The snapshot in force. */
  public Snapshot current() {
    return current;
  }

  public List<Path> locations() {
    return locations;
  }

  /** Successful reloads that changed the snapshot. */
  public long reloadCount() {
    return reloads.get();
  }

  /** Reloads rejected because of errors. */
  public long rejectionCount() {
    return rejections.get();
  }

  /** Called after every reload attempt, on the reloading thread. */
  public void addListener(Consumer<ReloadResult> listener) {
    listeners.add(listener);
  }

  /**
   * Re-reads every location now. On success with different content the new snapshot replaces the
   * current one; on any error the current one stays and the problems are logged and returned.
   */
  public ReloadResult reload() {
    if (locations.isEmpty()) {
      return new ReloadResult(false, current, List.of());
    }
    ReloadResult r;
    synchronized (reloadLock) {
      Snapshot old = current;
      try {
        Snapshot s = DatabaseLoader.load(locations);
        if (s.version().equals(old.version())) {
          r = new ReloadResult(false, old, List.of());
        } else {
          current = s;
          reloads.incrementAndGet();
          Log.LOG.info(
              "fingerprint database reloaded: version {} ({} entries from {} files), was {}",
              s.version(), s.entries().size(), s.files().size(), old.version());
          r = new ReloadResult(true, s, List.of());
        }
      } catch (DatabaseException e) {
        rejections.incrementAndGet();
        List<Problem> ps = e.problems();
        Log.LOG.error(
            "fingerprint database reload rejected, version {} stays in force: {}",
            old.version(), ps.get(0));
        for (int i = 1; i < Math.min(ps.size(), 20); i++) {
          Log.LOG.error("fingerprint database reload rejected: {}", ps.get(i));
        }
        r = new ReloadResult(false, old, ps);
      } catch (RuntimeException e) {
        rejections.incrementAndGet();
        Log.LOG.error("fingerprint database reload failed, version {} stays in force", old.version(),
            e);
        r = new ReloadResult(false, old, List.of(new Problem("(reload)", 0, e.toString())));
      }
    }
    for (Consumer<ReloadResult> l : listeners) {
      l.accept(r);
    }
    return r;
  }

  /** Schedules a reload after the debounce delay; a later request postpones it. */
  public synchronized void requestReload() {
    schedule(debounce.toMillis());
  }

  private synchronized void schedule(long delayMillis) {
    if (closed) {
      return;
    }
    if (executor == null) {
      executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "ja3sensor-db-reload");
                t.setDaemon(true);
                return t;
              });
    }
    if (pending != null) {
      pending.cancel(false);
    }
    pending = executor.schedule(this::reload, delayMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Watches the database directories (and the directories of single files) for changes; each
   * change schedules a reload {@code debounce} after the last event. Locations inside the jar are
   * not watched (they cannot change).
   */
  public synchronized void watch(Duration debounce) throws IOException {
    if (watchService != null || locations.isEmpty()) {
      return;
    }
    this.debounce = debounce;
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path p : locations) {
      if (p.getFileSystem() != FileSystems.getDefault()) {
        continue;
      }
      Path dir = Files.isDirectory(p) ? p : p.toAbsolutePath().getParent();
      if (dir != null && Files.isDirectory(dir)) {
        dirs.add(dir);
      }
    }
    if (dirs.isEmpty()) {
      return;
    }
    WatchService ws = FileSystems.getDefault().newWatchService();
    for (Path d : dirs) {
      d.register(
          ws,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    }
    watchService = ws;
    watchThread = new Thread(() -> watchLoop(ws), "ja3sensor-db-watch");
    watchThread.setDaemon(true);
    watchThread.start();
    Log.LOG.debug("watching {} for fingerprint database changes", dirs);
  }

  private void watchLoop(WatchService ws) {
    try {
      while (!closed) {
        WatchKey key = ws.take();
        if (!key.pollEvents().isEmpty()) {
          requestReload();
        }
        key.reset();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    }
  }

  /**
   * Makes SIGHUP reload this holder's database. Returns false where the JVM does not allow a
   * handler (other operating systems, -Xrs); the database then reloads on file changes only.
   */
  public boolean installSighup() {
    if (!installSighupHandler()) {
      return false;
    }
    SIGHUP_TARGETS.add(this);
    return true;
  }

  private static synchronized boolean installSighupHandler() {
    if (sighupInstalled) {
      return true;
    }
    try {
      // sun.misc.Signal through reflection: it is unsupported API and may be missing.
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
      Object handler =
          Proxy.newProxyInstance(
              DatabaseHolder.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                switch (method.getName()) {
                  case "handle":
                    Log.LOG.info("SIGHUP: reloading the fingerprint database");
                    for (DatabaseHolder h : SIGHUP_TARGETS) {
                      h.schedule(0);
                    }
                    return null;
                  case "hashCode":
                    return System.identityHashCode(proxy);
                  case "equals":
                    return proxy == args[0];
                  default:
                    return "ja3sensor SIGHUP handler";
                }
              });
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      sighupInstalled = true;
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Log.LOG.warn("SIGHUP reload not available here ({}); the database reloads on file changes",
          e.getCause() != null ? e.getCause() : e);
      return false;
    }
  }

  /** Stops watching and reloading; the current snapshot stays readable. */
  @Override
  public void close() {
    ScheduledExecutorService ex;
    WatchService ws;
    synchronized (this) {
      closed = true;
      ex = executor;
      ws = watchService;
    }
    SIGHUP_TARGETS.remove(this);
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
    if (ex != null) {
      ex.shutdownNow();
    }
  }
}
