package org.ja3sensor.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ja3sensor.core.Counters;
import org.ja3sensor.db.DatabaseException;
import org.ja3sensor.db.Problem;
import org.ja3sensor.decode.LinkType;
import org.ja3sensor.event.EmitterThread;
import org.ja3sensor.event.EventJson;
import org.ja3sensor.match.Matcher;
import org.ja3sensor.metrics.MetricsEndpoint;
import org.ja3sensor.pipeline.Pipeline;
import org.ja3sensor.pipeline.PipelineConfig;
import org.ja3sensor.report.ReportData;
import org.ja3sensor.report.ReportSink;
import org.ja3sensor.report.ReportWriter;
import org.ja3sensor.sink.EventPublisher;
import org.ja3sensor.sink.EventSink;
import org.ja3sensor.sink.FileSink;
import org.ja3sensor.sink.OutputClosedException;
import org.ja3sensor.source.CaptureFiles;
import org.ja3sensor.source.PacketSource;
import org.ja3sensor.source.SourceException;
import org.ja3sensor.source.SourceStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ja3sensor read FILE...}: fingerprint capture files. */
@Command(
    name = "read",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fingerprint the TLS handshakes in pcap/pcapng files.",
      "Writes one JSON event per handshake (ECS field names, one per line) to stdout and a summary"
          + " to stderr. Several files are read in order; flows continue into the next file when"
          + " it starts at or after the last packet of the one before (a rotated capture), else"
          + " the flows so far are finished first (another capture); - reads stdin.",
      "",
      "Exit status: 0 all read; 1 a file could not be read (the events found before the error are"
          + " still written); 2 bad usage; 3 events could not be delivered."
    })
public final class ReadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "FILE", description = "pcap or pcapng files; - reads stdin.")
  List<String> files;

  @Option(
      names = "--follow",
      paramLabel = "DIR",
      description = "Instead of FILEs: read the captures a rotating writer (tcpdump -G/-C) leaves"
          + " in DIR, oldest first, each once it is complete (a newer file exists, or it has not"
          + " changed for --follow-settle), and wait for more until SIGINT/SIGTERM. Flows"
          + " continue from one file to the next. Finished files are recorded in a state file,"
          + " so a restart goes on where the last run stopped.")
  java.nio.file.Path followDir;

  @Option(
      names = "--follow-state",
      paramLabel = "FILE",
      description = "The state file of --follow (default: DIR/.ja3sensor-follow.json).")
  java.nio.file.Path followState;

  @Option(
      names = "--follow-reset",
      description = "Start --follow afresh: forget which files were read (they are read again).")
  boolean followReset;

  @Option(
      names = "--follow-settle",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "With --follow, the newest file counts as complete once it has not changed"
          + " for this long (default: ${DEFAULT-VALUE}).")
  long followSettleSeconds = 60;

  @Option(
      names = "--follow-delete",
      description = "With --follow, delete each file once it is read.")
  boolean followDelete;

  @Option(
      names = "--follow-move-to",
      paramLabel = "DIR",
      description = "With --follow, move each file into DIR once it is read.")
  java.nio.file.Path followMoveTo;

  /** The directory followed, or null. */
  private volatile FollowDirectory follow;

  @Mixin PipelineOptions pipelineOptions = new PipelineOptions();

  @Mixin OutputOptions output = new OutputOptions();

  @Mixin FingerprintOptions fingerprints = new FingerprintOptions();

  @Mixin DbOptions db = new DbOptions();

  @Mixin ConfigOption configOption = new ConfigOption();

  @Mixin MetricsOption metrics = new MetricsOption();

  @Option(
      names = "--progress",
      negatable = true,
      description = "Show progress on stderr (default: only when stderr is a terminal).")
  Boolean progress;

  @Option(names = {"-q", "--quiet"}, description = "No summary on stderr.")
  boolean quiet;

  @Option(
      names = "--report",
      paramLabel = "FILE.html",
      description = "Also write an HTML report of the capture to this file: one self-contained"
          + " page (fingerprints, alerts, timeline, counters), viewable offline.")
  Path report;

  private volatile PacketSource currentSource;
  private volatile boolean stopping;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (followDir == null && (files == null || files.isEmpty())) {
      throw new ParameterException(spec.commandLine(), "Missing required parameter: 'FILE'"
          + " (or --follow DIR)");
    }
    if (followDir != null && files != null && !files.isEmpty()) {
      throw new ParameterException(spec.commandLine(),
          "--follow DIR reads the files of DIR: give no FILE with it");
    }
    if (followDir == null && (followState != null || followReset || followDelete
        || followMoveTo != null)) {
      throw new ParameterException(spec.commandLine(), "--follow-* options need --follow DIR");
    }
    if (followDelete && followMoveTo != null) {
      throw new ParameterException(spec.commandLine(),
          "--follow-delete and --follow-move-to exclude each other");
    }
    if (followDir != null) {
      try {
        follow = FollowDirectory.open(followDir, followState, followReset,
            followDelete ? FollowDirectory.Done.DELETE
                : followMoveTo != null ? FollowDirectory.Done.MOVE : FollowDirectory.Done.KEEP,
            followMoveTo, followSettleSeconds, 250, msg -> {
              err.println("ja3sensor: " + msg);
              err.flush();
            });
      } catch (FollowDirectory.FollowException e) {
        err.println("ja3sensor: " + e.getMessage());
        err.flush();
        return 2;
      }
    }
    PipelineConfig config;
    try {
      config = pipelineOptions.toConfig();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      db.validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (report != null) {
      String bad = checkWritable(report);
      if (bad != null) {
        err.println("ja3sensor: --report " + report + ": " + bad);
        err.flush();
        return 2;
      }
    }
    if (Main.standalone && follow == null) {
      // QUIC-heavy input reads faster with C2 than with the launcher's C1 (JitChoice).
      Integer status = JitChoice.maybeRelaunch(files, quiet, err);
      if (status != null) {
        return status;
      }
    }
    Counters counters = new Counters();
    EventSink[] openedSink = new EventSink[1];
    Matcher[] matcher = new Matcher[1];
    EventPublisher[] publisher = new EventPublisher[1];
    MetricsEndpoint endpoint;
    try {
      endpoint = metrics.start(() -> SensorSnapshots.complete(
          SensorSnapshots.ofRead(counters), counters, publisher[0], openedSink[0], matcher[0]));
    } catch (MetricsEndpoint.ListenException e) {
      err.println("ja3sensor: " + e.getMessage());
      err.flush();
      return 2;
    }
    EventSink opened;
    output.warnTo(m -> {
      synchronized (err) {
        err.println("ja3sensor: " + m);
        err.flush();
      }
    });
    try {
      opened = output.createCommandSink(spec.commandLine().getOut(), false);
    } catch (IllegalArgumentException e) {
      closeQuietly(endpoint);
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (IOException e) {
      closeQuietly(endpoint);
      err.println("ja3sensor: " + e.getMessage());
      err.flush();
      return 2;
    }
    openedSink[0] = opened;
    if (opened instanceof FileSink file && Main.standalone) {
      Signals.onHup(file::reopen); // logrotate's convention
    }
    ReportData reportData = report != null ? new ReportData() : null;
    EventSink sink = reportData != null ? new ReportSink(opened, reportData) : opened;
    // The packets are read on this thread; the fingerprint database is loaded, and every event
    // derived, matched, serialised and written, on the emitter thread, in order. A database that
    // cannot be loaded stops the read before any event is written.
    EmitterThread emitter =
        new EmitterThread(
            () -> {
              matcher[0] = db.openMatcher(false);
              publisher[0] = new EventPublisher(sink, matcher[0])
                  .setJa4Original(fingerprints.ja4Original())
                  .certificateChain(output.certificateChain);
              return publisher[0];
            },
            this::stopReading,
            EmitterThread.DEFAULT_CAPACITY);
    Pipeline pipeline = new Pipeline(config, counters, emitter);
    pipeline.setContext(null, output.sensorName(), null); // each file's path: startFile below
    pipeline.setDerive(Pipeline.Derive.NONE);

    // SIGINT/SIGTERM: stop reading, emit the pending events, flush, summary, exit 0. A second
    // signal exits at once. Where signals cannot be trapped (or inside tests), a shutdown hook
    // does the same, with the signal's exit status.
    CountDownLatch done = new CountDownLatch(1);
    Runnable stop = this::stopReading;
    AtomicInteger signals = new AtomicInteger();
    boolean trapped = Main.standalone && Signals.trap(() -> {
      if (signals.incrementAndGet() > 1) {
        Runtime.getRuntime().halt(130);
      }
      stop.run();
    });
    Thread hook = new Thread(() -> {
      stop.run();
      try {
        done.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ja3sensor-shutdown");
    boolean hookInstalled = !trapped && installHook(hook);

    long start = System.nanoTime();
    Throwable emitFailure = null;
    int failedFiles = 0;
    int readFiles = 0;
    boolean deliveryFailed = false;
    Progress progressLine = null;
    try {
      boolean showProgress = progress != null ? progress : Terminal.stderrIsTerminal();
      java.util.Iterator<String> inputs = follow == null ? files.iterator() : followed();
      while (inputs.hasNext()) {
        String file = inputs.next();
        if (stopping) {
          break;
        }
        readFiles++;
        try (PacketSource source = CaptureFiles.open(file, counters, LinkType::isDecoded,
            LinkType::describe, m -> err.println("ja3sensor: " + m))) {
          currentSource = source;
          if (stopping && follow == null) {
            source.stop(); // a signal came while the file was being opened
          }
          pipeline.startFile(file);
          if (showProgress) {
            progressLine = new Progress(err, file, source.stats(), counters);
            progressLine.start();
          }
          source.run(pipeline);
        } catch (SourceException e) {
          failedFiles++;
          err.println("ja3sensor: " + e.getMessage());
        } catch (NoSuchFileException | FileNotFoundException e) {
          failedFiles++;
          err.println("ja3sensor: " + file + ": no such file");
        } catch (AccessDeniedException e) {
          failedFiles++;
          err.println("ja3sensor: " + file + ": permission denied");
        } catch (IOException e) {
          failedFiles++;
          err.println("ja3sensor: " + file + ": " + e.getMessage());
        } finally {
          currentSource = null;
          if (follow != null) {
            // Read, or failed (its error is reported; it would fail again): either way finished.
            try {
              follow.finished(java.nio.file.Path.of(file));
            } catch (IOException e) {
              err.println("ja3sensor: --follow: " + file + ": " + e.getMessage());
            }
          }
          if (progressLine != null) {
            progressLine.finish();
            progressLine = null;
          }
        }
      }
      pipeline.finish();
    } finally {
      try {
        emitter.close();
      } catch (Exception e) {
        // The reader of stdout went away (| head): the read stopped there; not an error.
        emitFailure = OutputClosedException.isCause(e) ? null : e;
      }
      if (matcher[0] != null) {
        matcher[0].close();
      }
      try {
        sink.close();
      } catch (OutputClosedException e) {
        // the reader of stdout went away: what it did not take is not lost, it was not wanted
      } catch (IOException e) {
        err.println("ja3sensor: events could not be delivered: " + e.getMessage());
        deliveryFailed = true;
      }
      if (!quiet && emitFailure == null) {
        Summary.print(err, readFiles, failedFiles, counters,
            publisher[0] != null ? publisher[0].alertCounts() : new long[3],
            System.nanoTime() - start);
        printSinkCounters(err, sink);
      }
      err.flush();
      closeQuietly(endpoint);
      done.countDown();
      if (hookInstalled && !stopping) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
          // already shutting down
        }
      }
    }
    if (emitFailure != null) {
      return emitterFailed(emitFailure, err);
    }
    if (reportData != null) {
      try {
        Files.writeString(report, ReportWriter.render(reportData, new ReportWriter.Run(
            files, counters, System.nanoTime() - start,
            EventJson.timestamp(System.currentTimeMillis() * 1_000_000L))));
      } catch (IOException e) {
        err.println("ja3sensor: --report " + report + ": cannot write (" + e.getMessage() + ")");
        err.flush();
        return 1;
      }
    }
    if (failedFiles > 0) {
      return 1;
    }
    if (publisher[0].failure() != null) {
      err.println("ja3sensor: " + publisher[0].failedEvents() + " events could not be delivered: "
          + publisher[0].failure().getMessage());
      return 3;
    }
    if (deliveryFailed) {
      return 3;
    }
    return 0;
  }

  /**
   * The complete files of the followed directory, as they come; ends when the read is stopped.
   * A file that fails to read is recorded as finished too (its error was reported): it would
   * fail again.
   */
  private java.util.Iterator<String> followed() {
    return new java.util.Iterator<>() {
      private String next;

      @Override
      public boolean hasNext() {
        if (next == null && !stopping) {
          try {
            java.nio.file.Path p = follow.next();
            next = p == null ? null : p.toString();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        return next != null;
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        String n = next;
        next = null;
        return n;
      }
    };
  }

  /**
   * Whether the report file can be written, before anything is read: null if so, else why not
   * (one phrase). Creates the file (empty) when it does not exist.
   */
  static String checkWritable(Path f) {
    if (Files.isDirectory(f)) {
      return "is a directory, expected a file";
    }
    try (var out = Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      return null;
    } catch (NoSuchFileException e) {
      return "no such directory";
    } catch (AccessDeniedException e) {
      return "permission denied";
    } catch (IOException e) {
      return "cannot write (" + e.getMessage() + ")";
    }
  }

  /** Ends the read early: the current file stops, no further file is opened. */
  private void stopReading() {
    stopping = true;
    FollowDirectory f = follow;
    if (f != null) {
      // Between files only: the file being read is read to its end and recorded, so that a
      // restart neither reads part of it again nor skips its rest.
      f.stop();
      return;
    }
    PacketSource s = currentSource;
    if (s != null) {
      s.stop();
    }
  }

  /**
   * The emitter stopped before the end: the database could not be loaded (exit 2, as for any bad
   * option) or the downstream failed unexpectedly (rethrown: exit 70 with its message).
   */
  private int emitterFailed(Throwable t, PrintWriter err) throws Exception {
    if (t instanceof DatabaseException e) {
      for (Problem p : e.problems()) {
        err.println("ja3sensor: fingerprint database: " + p);
      }
      err.flush();
      return 2;
    }
    if (t instanceof IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (t instanceof Exception e) {
      throw e;
    }
    throw (Error) t;
  }

  /** The sink's delivery counters (Kafka: sent, retried, spooled, replayed, failed), if any. */
  private static void printSinkCounters(PrintWriter err, EventSink sink) {
    java.util.Map<String, Long> c = sink.counters();
    if (c.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder("  output    ");
    c.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v).append(','));
    sb.setLength(sb.length() - 1);
    err.println(sb);
    err.flush();
  }

  private static void closeQuietly(MetricsEndpoint endpoint) {
    if (endpoint != null) {
      endpoint.close();
    }
  }

  private static boolean installHook(Thread hook) {
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return true;
    } catch (IllegalStateException | SecurityException e) {
      return false;
    }
  }

  /** A progress line on stderr, refreshed twice a second. */
  private static final class Progress extends Thread {
    private final PrintWriter err;
    private final String file;
    private final SourceStats stats;
    private final Counters counters;
    private volatile boolean running = true;

    Progress(PrintWriter err, String file, SourceStats stats, Counters counters) {
      super("ja3sensor-progress");
      setDaemon(true);
      this.err = err;
      this.file = file;
      this.stats = stats;
      this.counters = counters;
    }

    @Override
    public void run() {
      while (running) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
        if (!running) {
          return;
        }
        long off = stats.inputOffset;
        long size = stats.inputSize;
        String pct = size > 0 ? String.format(Locale.ROOT, "%5.1f%% ", 100.0 * off / size) : "";
        synchronized (err) {
          err.printf(Locale.ROOT, "\r%s: %s%.1f MB, %d packets, %d events ", file, pct, off / 1e6,
              counters.packets, counters.events);
          err.flush();
        }
      }
    }

    void finish() {
      running = false;
      interrupt();
      try {
        join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (err) {
        err.print("\r\033[K");
        err.flush();
      }
    }
  }
}
