package org.ja3sensor.cli;

import java.io.FileDescriptor;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
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
import org.ja3sensor.match.Matcher;
import org.ja3sensor.pipeline.Pipeline;
import org.ja3sensor.pipeline.PipelineConfig;
import org.ja3sensor.sink.EventPublisher;
import org.ja3sensor.sink.EventSink;
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

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "pcap or pcapng files; - reads stdin.")
  List<String> files;

  @Mixin PipelineOptions pipelineOptions = new PipelineOptions();

  @Mixin OutputOptions output = new OutputOptions();

  @Mixin FingerprintOptions fingerprints = new FingerprintOptions();

  @Mixin DbOptions db = new DbOptions();

  @Option(
      names = "--progress",
      negatable = true,
      description = "Show progress on stderr (default: only when stderr is a terminal).")
  Boolean progress;

  @Option(names = {"-q", "--quiet"}, description = "No summary on stderr.")
  boolean quiet;

  private volatile PacketSource currentSource;
  private volatile boolean stopping;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
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
    Counters counters = new Counters();
    EventSink sink;
    try {
      // As the program, events go to file descriptor 1 as the UTF-8 bytes they are made in;
      // inside tests, to the command's Writer.
      sink = Main.standalone
          ? output.createSink(new FileOutputStream(FileDescriptor.out))
          : output.createSink(spec.commandLine().getOut());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (IOException e) {
      err.println("ja3sensor: " + e.getMessage());
      err.flush();
      return 2;
    }
    // The packets are read on this thread; the fingerprint database is loaded, and every event
    // derived, matched, serialised and written, on the emitter thread, in order. A database that
    // cannot be loaded stops the read before any event is written.
    Matcher[] matcher = new Matcher[1];
    EventPublisher[] publisher = new EventPublisher[1];
    EmitterThread emitter =
        new EmitterThread(
            () -> {
              matcher[0] = db.openMatcher(false);
              publisher[0] = new EventPublisher(sink, matcher[0])
                  .setJa4Original(fingerprints.ja4Original());
              return publisher[0];
            },
            this::stopReading,
            EmitterThread.DEFAULT_CAPACITY);
    Pipeline pipeline = new Pipeline(config, counters, emitter);
    pipeline.setDeferDerivedFields(true);

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
      for (String file : files) {
        if (stopping) {
          break;
        }
        readFiles++;
        try (PacketSource source = CaptureFiles.open(file, counters, LinkType::isDecoded,
            LinkType::describe, m -> err.println("ja3sensor: " + m))) {
          currentSource = source;
          if (stopping) {
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
        emitFailure = e;
      }
      if (matcher[0] != null) {
        matcher[0].close();
      }
      try {
        sink.close();
      } catch (IOException e) {
        err.println("ja3sensor: events could not be delivered: " + e.getMessage());
        deliveryFailed = true;
      }
      if (!quiet && emitFailure == null) {
        Summary.print(err, readFiles, failedFiles, counters, System.nanoTime() - start);
        printSinkCounters(err, sink);
      }
      err.flush();
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

  /** Ends the read early: the current file stops, no further file is opened. */
  private void stopReading() {
    stopping = true;
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
