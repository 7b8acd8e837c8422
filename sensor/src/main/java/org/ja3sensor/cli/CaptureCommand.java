package org.ja3sensor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.ja3sensor.core.MetricsSnapshot;
import org.ja3sensor.db.DatabaseException;
import org.ja3sensor.db.Problem;
import org.ja3sensor.decode.LinkType;
import org.ja3sensor.event.StatsJson;
import org.ja3sensor.match.Matcher;
import org.ja3sensor.metrics.MetricsEndpoint;
import org.ja3sensor.pipeline.ParallelRunner;
import org.ja3sensor.pipeline.PipelineConfig;
import org.ja3sensor.sink.EventPublisher;
import org.ja3sensor.sink.EventSink;
import org.ja3sensor.sink.FileSink;
import org.ja3sensor.sink.SerializedSink;
import org.ja3sensor.source.LiveCaptureException;
import org.ja3sensor.source.LiveCaptureSource;
import org.ja3sensor.source.LiveSource;
import org.ja3sensor.source.PacketFanout;
import org.ja3sensor.source.RingCaptureSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ja3sensor capture -i IFACE}: fingerprint live traffic (a SPAN/TAP port) until stopped.
 *
 * <p>Same events as {@code read}, with {@code observer.name} and {@code
 * observer.ingress.interface.name} instead of {@code log.file.path}. SIGINT/SIGTERM stop the
 * capture, drain the queues, emit the pending events, flush the output, print the final counters
 * and exit 0. See docs/capture.md.
 */
@Command(
    name = "capture",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fingerprint the TLS handshakes seen on live interfaces (libpcap); one JSON event per line"
          + " on stdout, counters on stderr. Stops on SIGINT/SIGTERM, --duration or --count,"
          + " after draining the queues and emitting the pending events.",
      "",
      "Exit status: 0 stopped cleanly; 1 an interface cannot be captured (missing, down);"
          + " 2 bad usage (including a bad --bpf); 3 events could not be delivered;"
          + " 77 missing privileges (root, or CAP_NET_RAW and CAP_NET_ADMIN)."
    })
public final class CaptureCommand implements java.util.concurrent.Callable<Integer> {

  /**
   * Give up waiting for a clean shutdown after this long plus the output's close timeout (a stuck
   * output, a stuck libpcap).
   */
  private static final long SHUTDOWN_GRACE_MILLIS = 20_000;

  @Spec CommandSpec spec;

  @Option(
      names = {"-i", "--interface"},
      required = true,
      paramLabel = "IFACE",
      description = "Interface to capture on; repeat for several (any = all, Linux cooked).")
  List<String> interfaces;

  @Option(
      names = "--bpf",
      paramLabel = "EXPR",
      defaultValue = LiveCaptureSource.DEFAULT_BPF,
      description = "BPF filter expression (default: ${DEFAULT-VALUE}: TLS over TCP and QUIC over UDP);"
          + " empty for none.")
  String bpf;

  @Option(
      names = "--snaplen",
      paramLabel = "BYTES",
      defaultValue = "65535",
      description = "Bytes kept of each frame (default: ${DEFAULT-VALUE}).")
  int snaplen;

  @Option(
      names = "--buffer-size",
      paramLabel = "SIZE",
      defaultValue = "64m",
      converter = Units.SizeConverter.class,
      description = "Kernel capture buffer per interface (default: ${DEFAULT-VALUE}).")
  long bufferSize;

  @Option(
      names = "--promisc",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Promiscuous mode (default: on; --no-promisc to turn it off).")
  boolean promisc;

  @Option(
      names = "--reader",
      paramLabel = "auto|ring|direct|pcap4j",
      defaultValue = "auto",
      description =
          "How frames are read: auto (default: ring where it applies, on Linux for an Ethernet"
              + " or loopback interface other than any and a filter without vlan; direct"
              + " elsewhere), ring (the sensor's own AF_PACKET socket whose TPACKET_V3 ring of"
              + " --buffer-size is read in place, no native call per frame; libpcap only compiles"
              + " the filter), direct (one direct JNA call of libpcap's pcap_next_ex per frame"
              + " into a reused buffer; falls back to pcap4j with a warning where it cannot) or"
              + " pcap4j (its raw packet loop: about twice the CPU per frame)."
              + " See docs/capture.md.")
  String reader;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Worker threads (default: cores minus capture threads, at least 1).")
  Integer workers;

  @Option(
      names = "--capture-threads",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Capture threads per interface (default: ${DEFAULT-VALUE}): above 1, that many handles"
              + " join one Linux PACKET_FANOUT group and share the interface's packets; where"
              + " fanout is unavailable, one handle, with a warning.")
  int captureThreads;

  @Option(
      names = "--fanout-mode",
      paramLabel = "MODE",
      defaultValue = "hash",
      description =
          "How the kernel spreads packets over the capture threads: hash (default: flow hash,"
              + " both directions alike), cpu (receiving CPU) or qm (NIC receive queue). With cpu"
              + " and qm each segment goes to the worker that owns its flow, whichever thread read"
              + " it; with hash see --pipelines.")
  String fanoutMode;

  @Option(
      names = "--pipelines",
      paramLabel = "auto|local|workers",
      defaultValue = "auto",
      description =
          "Which threads run the pipelines (flows, reassembly, hellos, fingerprints): local lets"
              + " each capture thread run its own, where that is correct: several capture"
              + " threads on one interface with --fanout-mode hash (the kernel's flow hash already"
              + " gives each both directions of its flows; tunnelled packets still go to the"
              + " workers), or one capture thread on one interface (everything, with no worker"
              + " thread); workers hands every packet to the worker threads through their"
              + " queues (as always with cpu and qm modes and several interfaces). auto"
              + " (default): local with several capture threads; with one, local only when the"
              + " JVM has one processor (a container's CPU limit, where a worker could not run"
              + " beside the capture thread) and --workers is not given.")
  String pipelines;

  @Option(
      names = "--queue-size",
      paramLabel = "SIZE",
      defaultValue = "16m",
      converter = Units.SizeConverter.class,
      description =
          "Queue memory of each worker, shared among the interfaces (default: ${DEFAULT-VALUE});"
              + " what happens when it is full: --queue-full.")
  long queueSize;

  @Option(
      names = "--queue-full",
      paramLabel = "wait|drop",
      defaultValue = "wait",
      description =
          "When a worker's queue is full: wait (default) holds the capture thread until there is"
              + " room, so packets wait in the kernel buffer (--buffer-size) and are dropped there"
              + " (kernel_dropped) only when it is full too; drop drops them at once"
              + " (queue_dropped), so that one slow worker does not hold up the others' packets.")
  String queueFull;

  @Mixin PipelineOptions pipelineOptions = new PipelineOptions();

  @Option(
      names = "--stats-interval",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = Units.DurationConverter.class,
      description = "Print counters to stderr this often (default: ${DEFAULT-VALUE}; 0 = only at exit).")
  long statsIntervalNanos;

  @Option(
      names = "--stats-events",
      description = "Also write the periodic counters as events (event.kind metric, event.dataset"
          + " ja3sensor.stats) to the event output, every --stats-interval and at exit.")
  boolean statsEvents;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = Units.DurationConverter.class,
      description = "Stop after this long (e.g. 30s, 10m, 2h).")
  Long durationNanos;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Stop after this many captured packets (all interfaces).")
  Long count;

  /** Output (stdout or Kafka) and the sensor name (--sensor-name, default the host name). */
  @Mixin OutputOptions output = new OutputOptions();

  @Mixin FingerprintOptions fingerprints = new FingerprintOptions();

  /** The fingerprint database; reloaded when its files change and on SIGHUP. */
  @Mixin DbOptions db = new DbOptions();

  @Mixin ConfigOption configOption = new ConfigOption();

  @Mixin MetricsOption metrics = new MetricsOption();

  /** What the metrics endpoint renders, set as the capture starts (null before). */
  private volatile ParallelRunner liveRunner;

  private volatile EventSink liveSink;
  private volatile Matcher liveMatcher;
  private volatile EventPublisher livePublisher;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PipelineConfig total = validate();
    MetricsEndpoint endpoint;
    try {
      endpoint = metrics.start(this::liveSnapshot); // before any interface is opened
    } catch (MetricsEndpoint.ListenException e) {
      err.println("ja3sensor: " + e.getMessage());
      err.flush();
      return 2;
    }
    try {
      return run(err, total);
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
    }
  }

  /** The complete snapshot of the capture so far (empty before it starts). */
  private MetricsSnapshot liveSnapshot() {
    ParallelRunner r = liveRunner;
    ParallelRunner.Totals t = r != null ? r.totals() : new ParallelRunner.Totals();
    return SensorSnapshots.complete(
        t.snapshot(System.currentTimeMillis() * 1_000_000L), t.counters, livePublisher, liveSink,
        liveMatcher);
  }

  private int run(PrintWriter err, PipelineConfig total) throws Exception {
    quietPcap4jLogging();
    Consumer<String> warn =
        m -> {
          synchronized (err) {
            err.println("ja3sensor: " + m);
            err.flush();
          }
        };

    Matcher matcher;
    try {
      matcher = db.openMatcher(true);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (DatabaseException e) {
      for (Problem p : e.problems()) {
        warn.accept("fingerprint database: " + p);
      }
      return 2;
    }
    liveMatcher = matcher;
    try {
      return capture(err, total, warn, matcher);
    } finally {
      matcher.close();
    }
  }

  private int capture(PrintWriter err, PipelineConfig total, Consumer<String> warn, Matcher matcher)
      throws InterruptedException {
    LiveCaptureSource.Settings settings =
        new LiveCaptureSource.Settings(
            snaplen, (int) bufferSize, promisc, bpf, 100, !reader.equals("pcap4j"));
    List<LiveSource> sources = new ArrayList<>();
    try {
      for (int i = 0; i < interfaces.size(); i++) {
        LiveSource s = newSource(interfaces.get(i), i, settings, warn);
        s.open(); // missing interface, privileges, bad filter: reported here, before any thread
        sources.add(s);
      }
      if (captureThreads > 1) {
        sources.addAll(fanoutHandles(sources, settings, warn, localPipelinesWanted()));
      }
    } catch (LiveCaptureException e) {
      closeAll(sources);
      warn.accept(e.getMessage());
      return exitCode(e.reason());
    }

    // Local pipelines need every frame of a flow on one handle: one interface whose handles all
    // joined one flow-hash group (fanoutHandles added the others only if the first joined), or
    // one interface with one handle.
    boolean local = localPipelinesWanted() && sources.size() == captureThreads;
    boolean single = !local && singleLocalWanted(sources.size());
    int nWorkers = single ? 0 : workers != null ? workers : defaultWorkers(sources.size());
    int nPipelines = nWorkers + (local || single ? sources.size() : 0);
    EventSink opened;
    output.warnTo(warn);
    try {
      // flushed once a second and when the input goes idle (below)
      opened = output.createCommandSink(spec.commandLine().getOut(), true);
    } catch (IllegalArgumentException e) {
      closeAll(sources);
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (IOException e) {
      closeAll(sources);
      warn.accept(e.getMessage());
      return 2;
    }
    if (opened instanceof FileSink file) {
      Signals.onHup(file::reopen); // after the database's SIGHUP reload, which it chains to
    }
    // With stats events the stats timer writes to the sink too.
    EventSink sink = statsEvents ? new SerializedSink(opened) : opened;
    EventPublisher publisher = new EventPublisher(sink, matcher)
        .setJa4Original(fingerprints.ja4Original())
        .certificateChain(output.certificateChain);
    // stdout is flushed once a second so that events show up promptly; the Kafka producer
    // delivers on its own, and its flush() waits for acknowledgements (up to seconds while the
    // broker is down), which must not hold up the emitter: it is flushed by close() at the end.
    Runnable flush =
        output.output() != OutputOptions.Kind.KAFKA
            ? () -> {
              try {
                sink.flush();
              } catch (IOException ex) {
                throw new UncheckedIOException(ex);
              }
            }
            : null;
    ParallelRunner.Settings rs =
        new ParallelRunner.Settings(
            nWorkers,
            (int) Math.min(1L << 30, queueSize / sources.size()),
            snaplen,
            1000,
            count != null ? count : 0,
            16_384,
            1000,
            queueFull.equals("wait"));
    String observer = output.sensorName();
    ParallelRunner runner =
        new ParallelRunner(
            sources, observer, perWorker(total, nPipelines), rs, publisher, flush, warn);
    if (local) {
      runner.useLocalPipelines(perWorker(total, nPipelines));
    } else if (single) {
      runner.useSingleLocalPipeline(perWorker(total, nPipelines));
    }
    liveSink = sink;
    livePublisher = publisher;
    liveRunner = runner;

    for (LiveSource s : sources.subList(0, interfaces.size())) {
      warn.accept(
          "capturing on "
              + s.name()
              + " (link type "
              + linkTypeName(s.linkType())
              + ", snaplen "
              + snaplen
              + ", buffer "
              + (bufferSize >> 20)
              + " MiB, "
              + (promisc ? "promiscuous" : "not promiscuous")
              + ", "
              + (s.nanosecondTimestamps() ? "nanosecond" : "microsecond")
              + " timestamps, filter \""
              + bpf
              + "\", reader "
              + readerFor(s.name())
              + (reader.equals("auto") ? " (auto)" : "")
              + ")");
    }
    for (LiveSource s : sources.subList(0, interfaces.size())) {
      if (!LinkType.isDecoded(s.linkType())) {
        warn.accept("interface \"" + s.name() + "\": link type " + LinkType.describe(s.linkType())
            + " is not decoded: its packets are skipped (counted as linktype_unsupported)");
      }
    }
    if (local) {
      warn.accept(sources.size() + " capture threads, each with its own pipeline (tunnelled"
          + " packets go to the workers)");
    } else if (single) {
      warn.accept("one capture thread running the pipeline itself ("
          + (pipelines.equals("local") ? "--pipelines local"
              : "auto: the JVM has one processor")
          + "; no worker queue, so --queue-size and --queue-full do not apply)");
    }
    warn.accept(nWorkers + " worker(s), sensor name \"" + observer + "\"");

    CountDownLatch finished = new CountDownLatch(1);
    // Draining takes well under a second; closing a Kafka output may wait for the broker.
    long graceMillis = SHUTDOWN_GRACE_MILLIS + output.closeTimeoutSeconds * 1000L;
    installSignalHandling(runner, finished, err, graceMillis);

    AtomicBoolean done = new AtomicBoolean();
    Thread timer = null;
    if (durationNanos != null || statsIntervalNanos > 0) {
      EventSink statsTo = sink;
      timer = new Thread(() -> timerLoop(runner, done, warn, statsTo), "ja3sensor-timer");
      timer.setDaemon(true);
      timer.start();
    }

    ParallelRunner.Totals totals;
    MetricsSnapshot last; // the final line and the last stats event
    boolean deliveryFailed = false;
    try {
      totals = runner.run();
      last = full(totals, sink);
      if (statsEvents) {
        publishStats(last, sink, warn);
      }
    } finally {
      done.set(true);
      try {
        sink.close();
      } catch (IOException e) {
        warn.accept("events could not be delivered: " + e.getMessage());
        deliveryFailed = true;
      }
    }
    if (timer != null) {
      timer.interrupt();
    }
    warn.accept("final " + last.format());
    int code = 0;
    if (publisher.failure() != null) {
      warn.accept(
          publisher.failedEvents()
              + " events could not be delivered: "
              + publisher.failure().getMessage());
      code = 3;
    } else if (deliveryFailed) {
      code = 3;
    }
    finished.countDown();
    return code;
  }

  /** Exit status for a capture that cannot start: see the command description. */
  static int exitCode(LiveCaptureException.Reason r) {
    return switch (r) {
      case BAD_FILTER -> 2;
      case PERMISSION_DENIED -> 77; // EX_NOPERM
      default -> 1;
    };
  }

  /**
   * For each interface (source i has ifIndex i), {@code --capture-threads - 1} more handles in
   * one PACKET_FANOUT group with the first; listed after the first handles, so that a source's
   * position still names its interface for the first ones. Where the first handle cannot join,
   * the interface keeps one handle and a warning says why.
   */
  private List<LiveSource> fanoutHandles(
      List<LiveSource> firsts, LiveCaptureSource.Settings settings, Consumer<String> warn,
      boolean defrag)
      throws LiveCaptureException {
    PacketFanout.Mode mode = PacketFanout.Mode.parse(fanoutMode);
    List<LiveSource> extra = new ArrayList<>();
    try {
      for (int i = 0; i < firsts.size(); i++) {
        String name = interfaces.get(i);
        int group;
        try {
          group = firsts.get(i).joinFanout(-1, mode, defrag);
        } catch (UnsupportedOperationException e) {
          warn.accept("interface \"" + name + "\": PACKET_FANOUT unavailable (" + e.getMessage()
              + "): one capture thread");
          continue;
        }
        for (int k = 1; k < captureThreads; k++) {
          LiveSource s = newSource(name, i, settings, warn);
          s.open();
          extra.add(s);
          s.joinFanout(group, mode, defrag);
        }
        warn.accept("interface \"" + name + "\": " + captureThreads
            + " capture threads in PACKET_FANOUT group " + group + " (mode " + mode.label() + ")");
      }
    } catch (UnsupportedOperationException e) {
      closeAll(extra);
      throw new LiveCaptureException(LiveCaptureException.Reason.OTHER,
          "PACKET_FANOUT: a further handle could not join the group: " + e.getMessage(), e);
    } catch (LiveCaptureException e) {
      closeAll(extra);
      throw e;
    }
    return extra;
  }

  /**
   * True when each capture thread should run its own pipeline: several handles of one interface
   * in a flow-hash fanout group (which then also reassembles IPv4 fragments before hashing, so
   * that a fragmented segment lands where the rest of its flow does).
   */
  private boolean localPipelinesWanted() {
    return captureThreads > 1
        && interfaces.size() == 1
        && !pipelines.equals("workers")
        && PacketFanout.Mode.parse(fanoutMode) == PacketFanout.Mode.HASH;
  }

  /**
   * True when the one capture thread of one interface should run the only pipeline: asked for
   * ({@code --pipelines local}), or by default where a worker thread could not run beside it (the
   * JVM has one processor: a one-core machine or a container's CPU limit), unless {@code
   * --workers} asks for workers. A worker on the same processor only adds the copy into its queue
   * and its wake-ups (docs/performance.md, "One processor: no worker").
   */
  private boolean singleLocalWanted(int handles) {
    if (handles != 1 || interfaces.size() != 1) {
      return false;
    }
    return pipelines.equals("local")
        || (pipelines.equals("auto") && workers == null
            && Runtime.getRuntime().availableProcessors() == 1);
  }

  /** A source of the chosen --reader for interface {@code name}, number {@code i}. */
  private LiveSource newSource(
      String name, int i, LiveCaptureSource.Settings settings, Consumer<String> warn) {
    return readerFor(name).equals("ring")
        ? new RingCaptureSource(name, i, settings, warn)
        : new LiveCaptureSource(name, i, settings, warn);
  }

  /** The reader for interface {@code name}: --reader, or for auto the one {@link #ringApplies}. */
  private String readerFor(String name) {
    if (!reader.equals("auto")) {
      return reader;
    }
    return ringApplies(name, bpf, System.getProperty("os.name", ""),
        java.nio.file.Path.of("/sys/class/net")) ? "ring" : "direct";
  }

  private static final java.util.regex.Pattern VLAN_WORD =
      java.util.regex.Pattern.compile("(?i)\\bvlan\\b");

  /**
   * Whether {@code --reader auto} reads interface {@code name} with the ring: on Linux, for an
   * interface the ring reads ({@link RingCaptureSource#readsInterface}: Ethernet or loopback, as
   * the sysfs directory {@code sysNet} gives its type), not {@code any} (no AF_PACKET ring for
   * it), and with a filter that does not name {@code vlan} (the ring's filter sees the frame with
   * its outer tag already taken out by the kernel, libpcap's does not). Anything else, or a type
   * that cannot be read: the direct reader.
   */
  static boolean ringApplies(String name, String bpf, String os, java.nio.file.Path sysNet) {
    if (!os.startsWith("Linux") || name.equals("any")) {
      return false;
    }
    if (bpf != null && VLAN_WORD.matcher(bpf).find()) {
      return false;
    }
    return RingCaptureSource.readsInterface(sysNet, name);
  }

  private static void closeAll(List<LiveSource> sources) {
    for (LiveSource s : sources) {
      s.close();
    }
  }

  /**
   * SIGINT/SIGTERM stop the capture; the main thread then drains and returns 0. A second signal
   * exits at once. A watchdog ends the process if draining hangs.
   */
  private static void installSignalHandling(
      ParallelRunner runner, CountDownLatch finished, PrintWriter err, long graceMillis) {
    AtomicInteger signals = new AtomicInteger();
    Runnable onSignal =
        () -> {
          if (signals.incrementAndGet() > 1) {
            err.println("ja3sensor: second signal, exiting without draining");
            err.flush();
            Runtime.getRuntime().halt(130);
          }
          runner.stop();
          startWatchdog(finished, err, graceMillis);
        };
    if (!Signals.trap(onSignal)) {
      // No signal API: a shutdown hook stops, waits for the drain, then ends the JVM with 0
      // (returning from a hook would exit with the signal's status).
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    runner.stop();
                    try {
                      if (finished.await(graceMillis, TimeUnit.MILLISECONDS)) {
                        Runtime.getRuntime().halt(0);
                      }
                    } catch (InterruptedException ie) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "ja3sensor-shutdown"));
    }
  }

  /** Prints periodic counters and stops the runner when --duration has passed. */
  private void timerLoop(
      ParallelRunner runner, AtomicBoolean done, Consumer<String> out, EventSink sink) {
    long start = System.nanoTime();
    long nextStats = statsIntervalNanos > 0 ? start + statsIntervalNanos : Long.MAX_VALUE;
    long end = durationNanos != null ? start + durationNanos : Long.MAX_VALUE;
    while (!done.get()) {
      long now = System.nanoTime();
      if (now - end >= 0 && !runner.stopRequested()) {
        runner.stop();
        end = Long.MAX_VALUE;
      }
      if (now - nextStats >= 0) {
        MetricsSnapshot snap = full(runner.totals(), sink);
        out.accept("stats " + snap.format());
        if (statsEvents) {
          publishStats(snap, sink, out);
        }
        nextStats += statsIntervalNanos;
      }
      long wait = Math.min(nextStats, end) - now;
      try {
        TimeUnit.NANOSECONDS.sleep(Math.max(1_000_000L, Math.min(wait, 200_000_000L)));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * The one snapshot the stats line, the final line, the stats events and the metrics endpoint
   * render: the runner's totals plus the alerts, QUIC, output ({@code output.*}) and database
   * counters.
   */
  private MetricsSnapshot full(ParallelRunner.Totals t, EventSink sink) {
    return SensorSnapshots.complete(t.snapshot(System.currentTimeMillis() * 1_000_000L),
        t.counters, livePublisher, sink, liveMatcher);
  }

  /** One stats event of {@code full}. */
  private void publishStats(MetricsSnapshot full, EventSink sink, Consumer<String> out) {
    try {
      sink.publish(
          StatsJson.toJsonUtf8(full, output.sensorName(), String.join(",", interfaces)),
          null,
          false);
    } catch (IOException | RuntimeException e) {
      out.accept("stats event not written: " + e.getMessage());
    }
  }

  private static void startWatchdog(CountDownLatch finished, PrintWriter err, long graceMillis) {
    Thread t =
        new Thread(
            () -> {
              try {
                if (!finished.await(graceMillis, TimeUnit.MILLISECONDS)) {
                  err.println(
                      "ja3sensor: shutdown did not finish within " + graceMillis / 1000
                          + " s; exiting");
                  err.flush();
                  Runtime.getRuntime().halt(3);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "ja3sensor-watchdog");
    t.setDaemon(true);
    t.start();
  }



  /** Checks the options; returns the flow-table bounds for the whole sensor. */
  private PipelineConfig validate() {
    PipelineConfig total;
    try {
      total = pipelineOptions.toConfig();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!List.of("auto", "ring", "direct", "pcap4j").contains(reader)) {
      throw new ParameterException(
          spec.commandLine(), "--reader must be auto, ring, direct or pcap4j, got " + reader);
    }
    if (reader.equals("ring") && !System.getProperty("os.name", "").startsWith("Linux")) {
      throw new ParameterException(spec.commandLine(),
          "--reader ring is Linux only (AF_PACKET sockets); use --reader direct");
    }
    if (snaplen < 64 || snaplen > 262_144) {
      throw new ParameterException(
          spec.commandLine(), "--snaplen must be 64 to 262144, got " + snaplen);
    }
    if (bufferSize < (1 << 20) || bufferSize > Integer.MAX_VALUE) {
      throw new ParameterException(
          spec.commandLine(), "--buffer-size must be 1m to 2047m, got " + bufferSize + " bytes");
    }
    if (workers != null && (workers < 1 || workers > 256)) {
      throw new ParameterException(
          spec.commandLine(), "--workers must be 1 to 256, got " + workers);
    }
    if (captureThreads < 1 || captureThreads > 64) {
      throw new ParameterException(
          spec.commandLine(), "--capture-threads must be 1 to 64, got " + captureThreads);
    }
    if (!queueFull.equals("wait") && !queueFull.equals("drop")) {
      throw new ParameterException(spec.commandLine(),
          "--queue-full must be wait or drop, got " + queueFull);
    }
    if (!pipelines.equals("auto") && !pipelines.equals("local")
        && !pipelines.equals("workers")) {
      throw new ParameterException(spec.commandLine(),
          "--pipelines must be auto, local or workers, got " + pipelines);
    }
    if (pipelines.equals("local") && captureThreads == 1 && interfaces.size() == 1
        && workers != null) {
      throw new ParameterException(spec.commandLine(), "--workers does not apply with"
          + " --pipelines local and one capture thread: the capture thread runs the pipeline");
    }
    try {
      PacketFanout.Mode.parse(fanoutMode);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    if (count != null && count < 1) {
      throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
    }
    if (durationNanos != null && durationNanos <= 0) {
      throw new ParameterException(spec.commandLine(), "--duration must be more than 0");
    }
    if (queueSize < (1 << 20) || queueSize > (1L << 30) * interfaces.size()) {
      throw new ParameterException(
          spec.commandLine(),
          "--queue-size must be 1m to 1g per interface, got " + queueSize + " bytes");
    }
    return total;
  }

  /**
   * The flow-table bounds are totals for the sensor; each worker's pipeline gets its share
   * (flows and reassembly memory divided by the number of workers, rounded up).
   */
  static PipelineConfig perWorker(PipelineConfig total, int nWorkers) {
    return new PipelineConfig(
        Math.max(1, (total.maxFlows() + nWorkers - 1) / nWorkers),
        total.idleTimeoutNanos(),
        total.maxHandshakeBytesPerFlow(),
        Math.max(
            total.maxHandshakeBytesPerFlow(), (total.reassemblyMemcap() + nWorkers - 1) / nWorkers),
        total.scanLimit(),
        total.maxOutOfOrderSegments(),
        total.udpIdleTimeoutNanos());
  }

  static int defaultWorkers(int captureThreads) {
    return Math.max(1, Runtime.getRuntime().availableProcessors() - captureThreads);
  }

  private static String linkTypeName(int lt) {
    return switch (lt) {
      case LinkType.ETHERNET -> "ethernet";
      case LinkType.LINUX_SLL -> "linux-sll";
      case LinkType.LINUX_SLL2 -> "linux-sll2";
      case LinkType.RAW, LinkType.RAW_ALT_12, LinkType.RAW_ALT_14 -> "raw-ip";
      case LinkType.NULL -> "null";
      default -> Integer.toString(lt);
    };
  }

  /** pcap4j logs each loop start and break at INFO; keep its logger to warnings. */
  private static void quietPcap4jLogging() {
    if (System.getProperty("org.slf4j.simpleLogger.log.org.pcap4j") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.pcap4j", "warn");
    }
  }
}
