package org.ja3sensor.pipeline;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.core.MetricsSnapshot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.decode.PacketDecoder;
import org.ja3sensor.event.EmitterThread;
import org.ja3sensor.event.EventListener;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.source.FrameRest;
import org.ja3sensor.source.LiveSource;
import org.ja3sensor.source.PacketHandler;
import org.ja3sensor.source.PacketSource;

/**
 * Runs one or more packet sources through N {@link Pipeline}s in parallel: the live-capture
 * engine.
 *
 * <pre>
 *  capture thread per source ──decode, flow hash──► SegmentRing[source][worker] (bounded; wait, or drop, when full)
 *  worker thread per pipeline ◄── its rings, oldest record first; expire() on wall-clock ticks
 *  emitter thread ◄── bounded event queue ◄── every worker's events; calls the downstream listener
 *                     (the {@link EmitterThread} read uses too, in its tolerant form)
 * </pre>
 *
 * <p>The capture thread decodes each frame once (link, IP, TCP) with its own {@link
 * PacketDecoder}, because the flow hash needs the addresses and ports anyway; what crosses to the
 * worker is the decoded segment (about 70 bytes of header fields) plus the captured TCP payload,
 * not the whole frame, and frames that are not TCP never leave the capture thread. The worker
 * hands the segment to {@link Pipeline#onSegment}. Both directions of a flow hash to the same
 * worker ({@link Pipeline#flowHash}), so each flow is owned by exactly one pipeline.
 *
 * <p>Local pipelines ({@link #useLocalPipelines}): when the sources are the handles of one
 * interface in one {@code PACKET_FANOUT} group by flow hash, the kernel already gives both
 * directions of a flow to the same handle, so each capture thread runs a pipeline of its own and
 * hands it the segment directly, without the ring and the hop to a worker thread. Only tunnelled
 * segments still go through the rings to the workers, routed by the inner flow's hash: the kernel
 * hashes a tunnel by its outer headers, which can differ between the two directions. One source
 * alone can run every segment, tunnelled ones too, on its capture thread, with no worker at all
 * ({@link #useSingleLocalPipeline}): the set-up for a sensor allowed one processor.
 *
 * <p>Counters: each capture thread and each worker owns a {@link Counters}; {@link #totals()}
 * adds them up (approximate while running, exact after {@link #run} returned).
 *
 * <p>The downstream {@link EventListener} is only ever called from the emitter thread, one event
 * at a time, so it needs no synchronisation (it can serialise and publish to a sink as the {@code
 * read} command does).
 */
public final class ParallelRunner {

  /**
   * Threading and queueing parameters.
   *
   * @param workers number of worker threads (pipelines)
   * @param ringBytes bytes of queue between each capture thread and each worker
   * @param maxPayload largest TCP payload a queue record holds (the snap length)
   * @param expireIntervalMillis how often each worker calls {@link Pipeline#expire}
   * @param countLimit stop after this many captured frames (all sources together); 0 = no limit
   * @param eventQueue events waiting for the emitter
   * @param flushIntervalMillis the emitter calls the flush action at most this often, when it
   *     published something since the last flush
   * @param waitWhenFull a capture thread whose worker's queue is full waits for room (the frames
   *     meanwhile wait in the kernel's buffer, which drops, and counts, only when it is full too);
   *     false: the segment is dropped and counted at once ({@code queue_dropped})
   */
  public record Settings(
      int workers,
      int ringBytes,
      int maxPayload,
      long expireIntervalMillis,
      long countLimit,
      int eventQueue,
      long flushIntervalMillis,
      boolean waitWhenFull) {

    public static Settings defaults(int workers) {
      return new Settings(workers, 16 << 20, 65_535, 1000, 0, 16_384, 1000, true);
    }
  }

  /** Wall clock as epoch nanoseconds (capture timestamps use the same clock). */
  private static long wallNanos() {
    return System.currentTimeMillis() * 1_000_000L;
  }

  private final List<? extends PacketSource> sources;
  private final Settings settings;
  private final Consumer<String> warnings;
  private final EventListener downstream;
  private final Runnable flush;

  private final Capture[] captures;
  private final Worker[] workers;
  private final String observerName;
  private final String[] interfaceNames;
  private final AtomicLong captured = new AtomicLong();

  /** The shared emitter ({@link EmitterThread#tolerant}); started by {@link #run}. */
  private volatile EmitterThread emitter;

  private volatile boolean stopRequested;
  private volatile boolean producersDone;
  // Written by worker threads (several): atomic.
  private final AtomicLong workerErrors = new AtomicLong();

  /**
   * @param sources packet sources, one capture thread each; the source at index i delivers
   *     frames with ifIndex i (it names interface {@code interfaceNames[i]} in events)
   * @param observerName sensor name written to events
   * @param config bounds of each pipeline (per worker: divide totals by the worker count first)
   * @param downstream receives every event, on the emitter thread only
   * @param flush called by the emitter after publishing (rate-limited) and at the end; may be null
   * @param warnings one-line messages about failures while running
   */
  public ParallelRunner(
      List<? extends PacketSource> sources,
      String observerName,
      PipelineConfig config,
      Settings settings,
      EventListener downstream,
      Runnable flush,
      Consumer<String> warnings) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("sources: expected at least one, got none");
    }
    if (settings.workers() < 0 || (settings.workers() == 0 && sources.size() != 1)) {
      throw new IllegalArgumentException(
          "workers: expected at least 1 (or 0 for one source with its own pipeline), got "
              + settings.workers());
    }
    this.sources = sources;
    this.settings = settings;
    this.downstream = downstream;
    this.flush = flush;
    this.warnings = warnings;

    this.observerName = observerName;
    this.interfaceNames = new String[sources.size()];
    for (int i = 0; i < interfaceNames.length; i++) {
      interfaceNames[i] = sources.get(i).name();
    }
    int nw = settings.workers();
    SegmentRing[][] rings = new SegmentRing[sources.size()][nw];
    for (int s = 0; s < rings.length; s++) {
      for (int w = 0; w < nw; w++) {
        rings[s][w] = new SegmentRing(settings.ringBytes(), settings.maxPayload());
      }
    }
    captures = new Capture[sources.size()];
    for (int s = 0; s < captures.length; s++) {
      captures[s] = new Capture(sources.get(s), rings[s]);
    }
    workers = new Worker[nw];
    for (int w = 0; w < nw; w++) {
      SegmentRing[] mine = new SegmentRing[sources.size()];
      for (int s = 0; s < mine.length; s++) {
        mine[s] = rings[s][w];
      }
      Counters c = new Counters();
      Pipeline p = new Pipeline(config, c, toEmitter);
      p.setContext(null, observerName, interfaceNames);
      workers[w] = new Worker(p, c, mine);
    }
  }

  /**
   * Gives each capture thread a pipeline of its own (bounds {@code config}) that takes the
   * segments it decodes directly, except tunnelled ones, which still go through the rings to the
   * workers (see the class comment). Only correct when the kernel gives every frame of a flow, in
   * both directions, to the same source: the handles of one interface in one PACKET_FANOUT group
   * by symmetric flow hash (with IPv4 defragmentation). Call before {@link #run}.
   */
  public void useLocalPipelines(PipelineConfig config) {
    useLocalPipelines(config, false);
  }

  /**
   * Gives the only source's capture thread a pipeline of its own that takes every segment it
   * decodes, tunnelled ones too, so that no segment crosses to a worker: one handle sees every
   * frame of every flow. Where a worker thread could not run beside the capture thread (one
   * processor, a container's CPU limit) this saves the copy into the queue and the worker's
   * wake-ups. With {@link Settings#workers()} 0 it is required. Call before {@link #run}.
   */
  public void useSingleLocalPipeline(PipelineConfig config) {
    if (captures.length != 1) {
      throw new IllegalStateException(
          "a single local pipeline needs one source, got " + captures.length);
    }
    useLocalPipelines(config, true);
  }

  private void useLocalPipelines(PipelineConfig config, boolean tunnelled) {
    for (Capture c : captures) {
      c.localTunnelled = tunnelled;
      Counters counters = new Counters();
      Pipeline p = new Pipeline(config, counters, toEmitter);
      p.setContext(null, observerName, interfaceNames);
      p.setDerive(Pipeline.Derive.CLIENT_FINGERPRINTS); // the rest on the emitter
      c.local = p;
      c.localCounters = counters;
    }
  }

  /** The pipeline of capture thread {@code i} ({@link #useLocalPipelines}), or null; for tests. */
  Pipeline localPipeline(int i) {
    return captures[i].local;
  }

  /**
   * Starts every thread and returns when the capture has been stopped ({@link #stop()}, the count
   * limit, or every source ended) and everything captured has gone through: rings drained, every
   * pipeline finished (pending client-only events emitted), every event handed downstream, the
   * flush action run. Sources are closed before it returns.
   */
  public Totals run() throws InterruptedException {
    if (workers.length == 0 && !captures[0].localTunnelled) {
      throw new IllegalStateException("no worker: call useSingleLocalPipeline first");
    }
    List<Thread> captureThreads = new ArrayList<>();
    List<Thread> workerThreads = new ArrayList<>();
    emitter =
        EmitterThread.tolerant(
            downstream,
            flush,
            settings.flushIntervalMillis() * 1_000_000L,
            warnings,
            settings.eventQueue());
    for (int i = 0; i < workers.length; i++) {
      workerThreads.add(start("ja3sensor-worker-" + i, workers[i]));
    }
    for (Capture c : captures) {
      captureThreads.add(start("ja3sensor-capture-" + c.source.name(), c));
    }
    Thread waker = null;
    if (captures[0].local != null) {
      waker = new Thread(this::wakeIdleCaptures, "ja3sensor-waker");
      waker.setDaemon(true);
      waker.start();
    }
    for (Thread t : captureThreads) {
      t.join();
    }
    if (waker != null) {
      waker.interrupt();
    }
    for (PacketSource s : sources) {
      try {
        s.close();
      } catch (IOException | RuntimeException e) {
        warnings.accept(s.name() + ": close failed: " + e.getMessage());
      }
    }
    producersDone = true;
    for (Thread t : workerThreads) {
      t.join();
    }
    try {
      emitter.close();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      warnings.accept("event output stopped: " + e);
    }
    return totals();
  }

  /**
   * Local pipelines evict idle flows on their capture thread, which on a silent interface sits in
   * libpcap's read: once an expiry is overdue, wake it ({@link LiveSource#wake}).
   */
  private void wakeIdleCaptures() {
    long interval = settings.expireIntervalMillis() * 1_000_000L;
    while (!stopRequested) {
      try {
        Thread.sleep(Math.max(10, settings.expireIntervalMillis() / 2));
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Capture c : captures) {
        if (now - c.nextExpire > interval / 2 && c.source instanceof LiveSource live) {
          live.wake();
        }
      }
    }
  }

  private static Thread start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.start();
    return t;
  }

  /** Stops capturing; {@link #run} then drains and returns. Any thread, idempotent, no blocking. */
  public void stop() {
    stopRequested = true;
    for (PacketSource s : sources) {
      s.stop();
    }
  }

  public boolean stopRequested() {
    return stopRequested;
  }

  // ------------------------------------------------------------------ capture side

  /** One capture thread: runs its source, decodes, routes each segment to its worker's ring. */
  private final class Capture implements Runnable, PacketHandler {
    final PacketSource source;
    final SegmentRing[] rings;
    final Counters counters = new Counters();
    final PacketDecoder decoder = new PacketDecoder(counters);
    final DecodedPacket packet = new DecodedPacket();
    /** The rest of the frame being handled, when the source copied only its start. */
    private FrameRest partial;
    final long limit = settings.countLimit();
    /**
     * Frames decoded as TCP segments, QUIC datagrams left out (counted here: the decoder's own
     * count is not split by stage).
     */
    long segments;
    /** This thread's own pipeline ({@link #useLocalPipelines}), or null: everything to rings. */
    Pipeline local;

    Counters localCounters;
    /** The local pipeline takes tunnelled segments too ({@link #useSingleLocalPipeline}). */
    boolean localTunnelled;
    /** When the local pipeline's next expiry is due (read by the waker thread). */
    volatile long nextExpire;
    private int sinceExpireCheck;

    Capture(PacketSource source, SegmentRing[] rings) {
      this.source = source;
      this.rings = rings;
    }

    @Override
    public void run() {
      nextExpire = System.nanoTime() + settings.expireIntervalMillis() * 1_000_000L;
      try {
        if (!stopRequested) {
          source.run(this);
        }
      } catch (IOException | RuntimeException e) {
        warnings.accept(source.name() + ": capture stopped: " + e.getMessage());
      } finally {
        if (local != null) {
          try {
            local.finish(); // pending client-only events, trigger input_end
          } catch (RuntimeException e) {
            workerError(e);
          }
        }
      }
    }

    @Override
    public void onIdle() {
      if (local != null) {
        expireLocal();
      }
    }

    /** Idle-flow eviction of the local pipeline, by wall clock, every expire interval. */
    private void expireLocal() {
      long now = System.nanoTime();
      if (now - nextExpire >= 0) {
        nextExpire = now + settings.expireIntervalMillis() * 1_000_000L;
        try {
          local.expire(wallNanos());
        } catch (RuntimeException e) {
          workerError(e);
        }
      }
    }

    /**
     * A frame whose payload is copied only when the pipeline reads it: a direction whose hello
     * was found reads a segment's start at most, and most frames of a busy link are such.
     */
    @Override
    public void onPartialPacket(int linkType, long tsNanos, byte[] buf, int off, int capLen,
        int origLen, int ifIndex, FrameRest rest) {
      partial = rest;
      try {
        onPacket(linkType, tsNanos, buf, off, capLen, origLen, ifIndex);
      } finally {
        partial = null;
        packet.rest = null;
      }
    }

    @Override
    public void onPacket(
        int linkType, long tsNanos, byte[] buf, int off, int capLen, int origLen, int ifIndex) {
      if (limit > 0) {
        long n = captured.incrementAndGet();
        if (n > limit) {
          stop();
          return;
        }
        if (n == limit) {
          stop(); // this frame is still processed
        }
      }
      counters.packets++;
      counters.bytes += capLen;
      if (!decoder.decode(linkType, tsNanos, buf, off, capLen, packet)) {
        return;
      }
      if (!packet.udp) {
        segments++; // QUIC datagrams are counted by the decoder (quicPackets)
      }
      packet.rest = partial; // the decoder read only the headers the source copied
      if (local != null && (packet.tunnelDepth == 0 || localTunnelled)) {
        try {
          local.onSegment(packet, tsNanos, ifIndex);
        } catch (RuntimeException e) {
          workerError(e);
        }
        if ((++sinceExpireCheck & 1023) == 0) {
          expireLocal();
        }
        return;
      }
      packet.completePayload(); // the worker gets a copy of the whole segment
      int w = rings.length == 1 ? 0 : Math.floorMod(Pipeline.flowHash(packet), rings.length);
      SegmentRing ring = rings[w];
      if (!settings.waitWhenFull()) {
        ring.offer(packet, tsNanos, ifIndex); // a refusal is counted by the ring
        return;
      }
      int idle = 0;
      while (!ring.tryOffer(packet, tsNanos, ifIndex)) {
        if (stopRequested) {
          ring.countDropped(); // stopping: the worker may already be draining its last records
          return;
        }
        idle = backOff(idle, false);
      }
      ring.countOffered();
    }
  }

  // ------------------------------------------------------------------ workers

  /** One worker: owns a pipeline and the rings from every capture thread to it. */
  private final class Worker implements Runnable {
    final Pipeline pipeline;
    final Counters counters;
    final SegmentRing[] rings;
    final DecodedPacket packet = new DecodedPacket();

    Worker(Pipeline pipeline, Counters counters, SegmentRing[] rings) {
      this.pipeline = pipeline;
      this.counters = counters;
      this.rings = rings;
    }

    @Override
    public void run() {
      long expireEvery = settings.expireIntervalMillis() * 1_000_000L;
      long nextExpire = System.nanoTime() + expireEvery;
      int idle = 0;
      while (true) {
        int n = drain(256);
        long now = System.nanoTime();
        if (now - nextExpire >= 0) {
          guarded(() -> pipeline.expire(wallNanos()));
          nextExpire = now + expireEvery;
        }
        if (n > 0) {
          idle = 0;
          continue;
        }
        if (producersDone && allEmpty()) {
          break;
        }
        idle = backOff(idle, true);
      }
      guarded(pipeline::finish);
    }

    /** Processes up to {@code max} records, oldest first across rings; returns how many. */
    private int drain(int max) {
      int done = 0;
      while (done < max) {
        SegmentRing r = next();
        if (r == null || !r.peek(packet)) {
          break;
        }
        try {
          pipeline.onSegment(packet, r.peekTimestamp(), r.peekIfIndex());
        } catch (RuntimeException e) {
          workerError(e);
        }
        r.advance();
        done++;
      }
      return done;
    }

    private SegmentRing next() {
      if (rings.length == 1) {
        return rings[0];
      }
      SegmentRing best = null;
      long bestTs = Long.MAX_VALUE;
      for (SegmentRing r : rings) {
        long ts = r.headTimestamp();
        if (ts < bestTs || (best == null && ts != Long.MAX_VALUE)) {
          best = r;
          bestTs = ts;
        }
      }
      return best;
    }

    private boolean allEmpty() {
      for (SegmentRing r : rings) {
        if (!r.isEmpty()) {
          return false;
        }
      }
      return true;
    }

    private void guarded(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException e) {
        workerError(e);
      }
    }
  }

  /** Idle rounds after which a worker parks {@link #WORKER_IDLE_PARK_NANOS} at a time. */
  static final int WORKER_DEEP_IDLE_ROUNDS = 70;

  /** A long-idle worker's pause. */
  static final long WORKER_IDLE_PARK_NANOS = 10_000_000L;

  /**
   * Spins briefly, then parks ({@link #pauseNanos}); returns the next idle count, which stops
   * growing once the pause does (it would otherwise wrap around after weeks of idleness and
   * start spinning again).
   */
  static int backOff(int idle, boolean worker) {
    long pause = pauseNanos(idle, worker);
    if (pause == 0) {
      Thread.onSpinWait();
    } else {
      LockSupport.parkNanos(pause);
    }
    return Math.min(idle + 1, WORKER_DEEP_IDLE_ROUNDS);
  }

  /**
   * The pause after {@code idle} rounds without work: none (a spin) for the first 50, then parks
   * growing from 50 µs to 1 ms. A capture thread waiting for room in a full queue stays at 1 ms.
   * A worker idle for {@link #WORKER_DEEP_IDLE_ROUNDS} rounds (about 16 ms) parks 10 ms at a time:
   * 1,000 wake-ups a second cost an idle worker about 3 % of a core on the test machines
   * (docs/performance.md, "An idle worker"), and a worker idle that long has nothing waiting for
   * it; the first records after such a pause wait at most 10 ms in its queue.
   */
  static long pauseNanos(int idle, boolean worker) {
    if (idle < 50) {
      return 0;
    }
    if (worker && idle >= WORKER_DEEP_IDLE_ROUNDS) {
      return WORKER_IDLE_PARK_NANOS;
    }
    return Math.min(1_000_000L, 50_000L << Math.min(idle - 50, 5));
  }

  private void workerError(RuntimeException e) {
    if (workerErrors.getAndIncrement() < 10) {
      warnings.accept("internal error in a worker (packet skipped): " + e);
    }
  }

  // ------------------------------------------------------------------ emitter

  /**
   * The pipelines' listener: the emitter's queue, whose free places pace the eviction of idle
   * flows, so that a burst of them (a second's new flows going idle together) does not hold a
   * capture thread or worker while the output catches up (flow.IdleExpiry).
   */
  private final EventListener toEmitter = new EventListener() {
    @Override
    public void onEvent(TlsEvent e) {
      emitter.onEvent(e);
    }

    @Override
    public int room() {
      return emitter.freePlaces();
    }
  };

  // ------------------------------------------------------------------ counters

  /** Everything the stats line shows, added up over threads. */
  public static final class Totals {
    /** Pipeline and decoder counters of every thread, added up. */
    public final Counters counters = new Counters();
    /** Frames decoded as TCP segments (before the queues). */
    public long tcpSegments;
    /** Frames the kernel dropped (libpcap ps_drop) and the interface dropped (ps_ifdrop). */
    public long kernelDropped;

    public long ifDropped;
    /** Segments dropped because a worker's queue was full. */
    public long queueDropped;
    /** Events handed to the output, and output failures. */
    public long eventsPublished;

    public long outputErrors;
    /** Events lost because the emitter had died; internal errors in workers. */
    public long eventsLost;

    public long workerErrors;

    /**
     * Drops by interface name (the handles of one interface's fanout group added up): kernel,
     * interface and queue drops, in that order; in the order the interfaces were given.
     */
    public final java.util.Map<String, long[]> dropsByInterface = new java.util.LinkedHashMap<>();

    /** Flows evicted, for idleness or because the table was full. */
    public long flowsEvicted() {
      return counters.flowsIdleEvicted + counters.get(Anomaly.FLOW_TABLE_FULL);
    }

    /** The counters as {@code key=value} pairs on one line; anomalies only when non-zero. */
    public String format() {
      return snapshot(System.currentTimeMillis() * 1_000_000L).format();
    }

    /** The counters as one snapshot (the stats line and the stats events render it). */
    public MetricsSnapshot snapshot(long wallNanos) {
      MetricsSnapshot.Builder b = MetricsSnapshot.builder(wallNanos)
          .add("packets", counters.packets)
          .add("bytes", counters.bytes)
          .add("kernel_dropped", kernelDropped)
          .add("if_dropped", ifDropped)
          .add("queue_dropped", queueDropped);
      for (java.util.Map.Entry<String, long[]> e : dropsByInterface.entrySet()) {
        String at = "interface." + e.getKey() + ".";
        b.add(at + "kernel_dropped", e.getValue()[0])
            .add(at + "if_dropped", e.getValue()[1])
            .add(at + "queue_dropped", e.getValue()[2]);
      }
      return b.add("tcp_packets", tcpSegments)
          .add("flows", counters.flows)
          .add("flows_active", counters.flowsActive)
          .add("flows_evicted", flowsEvicted())
          .add("flows_evicted_idle", counters.flowsIdleEvicted)
          .add("flows_evicted_full", counters.get(Anomaly.FLOW_TABLE_FULL))
          .add("client_hellos", counters.clientHellos)
          .add("server_hellos", counters.serverHellos)
          .add("events", eventsPublished)
          .addNonZero("output_errors", outputErrors)
          .addNonZero("events_lost", eventsLost)
          .addNonZero("internal_errors", workerErrors)
          .addAnomalies(counters)
          .build();
    }
  }

  /**
   * Current totals: approximate while running (plain reads of other threads' counters), exact
   * once {@link #run} has returned. Refreshes live sources' kernel counters.
   */
  public Totals totals() {
    Totals t = new Totals();
    for (Capture c : captures) {
      c.counters.addTo(t.counters);
      t.tcpSegments += c.segments;
      if (c.source instanceof LiveSource live) {
        live.refreshStats();
      }
      long[] mine = t.dropsByInterface.computeIfAbsent(c.source.name(), n -> new long[3]);
      mine[0] += c.source.stats().kernelDropped;
      mine[1] += c.source.stats().ifDropped;
      for (SegmentRing r : c.rings) {
        mine[2] += r.dropped();
      }
      if (c.localCounters != null) {
        c.localCounters.addTo(t.counters);
      }
    }
    for (long[] d : t.dropsByInterface.values()) {
      t.kernelDropped += d[0];
      t.ifDropped += d[1];
      t.queueDropped += d[2];
    }
    for (Worker w : workers) {
      w.counters.addTo(t.counters);
    }
    EmitterThread em = emitter;
    if (em != null) {
      t.eventsPublished = em.publishedEvents();
      t.outputErrors = em.outputErrors();
      t.eventsLost = em.droppedEvents();
    }
    t.workerErrors = workerErrors.get();
    return t;
  }
}
