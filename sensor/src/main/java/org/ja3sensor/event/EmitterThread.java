package org.ja3sensor.event;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The emitter, shared by {@code read} and {@code capture}: moves the per-event work off the packet
 * threads. Events go through a bounded queue (any number of producer threads) to one thread that
 * derives their string fields ({@link TlsEvent#deriveFields()}), then hands them, in order, to the
 * downstream listener (match, JSON, sink: {@code sink.EventPublisher}). On a file read this lets
 * the packet thread run while the other core loads the fingerprint database, starts JSON and
 * writes the events.
 *
 * <p>The downstream is made on the emitter thread by {@code setup}, before the first event is
 * taken: events queue up meanwhile (the queue is bounded: producers wait when it is full). What a
 * downstream failure does depends on how the emitter was made:
 *
 * <ul>
 *   <li>{@link #EmitterThread(Callable, Runnable, int)} ({@code read}): if {@code setup} or the
 *       downstream throws, the thread stops; later events are dropped and counted, the {@code
 *       onFailure} callback runs once (to stop the input), and {@link #close()} rethrows it.
 *   <li>{@link #tolerant} ({@code capture}): a downstream {@code RuntimeException} is counted
 *       ({@link #outputErrors()}), the first ten are reported to the warnings, and the next event
 *       is taken; a flush action runs at most once per interval after something was published,
 *       and once at the end.
 * </ul>
 */
public final class EmitterThread implements EventListener, AutoCloseable {
  /** Events in flight at most: a few MB at worst, and a long run of the packet thread. */
  public static final int DEFAULT_CAPACITY = 4096;

  private static final TlsEvent END = new TlsEvent();
  private static final long POLL_MILLIS = 50;

  private final BlockingQueue<TlsEvent> queue;
  private final Thread thread;
  private final Callable<EventListener> setup;
  private final Runnable onFailure;
  /** Null: stop at the first failure. Else: warn and go on. */
  private final Consumer<String> warnings;
  private final Runnable flush;
  private final long flushIntervalNanos;

  private volatile Throwable failure;
  private volatile boolean finished;
  private final AtomicLong dropped = new AtomicLong();
  // Written by the emitter thread only.
  private volatile long published;
  private volatile long outputErrors;
  private boolean closed;

  /**
   * Starts an emitter that stops at the first failure.
   *
   * @param setup makes the downstream listener; runs first, on the emitter thread
   * @param onFailure runs once on the emitter thread if setup or the downstream fails (may be null)
   */
  public EmitterThread(Callable<EventListener> setup, Runnable onFailure, int capacity) {
    this(setup, onFailure, null, null, 0, capacity);
  }

  /**
   * Starts an emitter that survives downstream failures (a live capture goes on).
   *
   * @param downstream receives every event, on the emitter thread only
   * @param flush run after publishing, at most once per {@code flushIntervalNanos}, and at the end;
   *     may be null
   * @param warnings one-line messages about output failures
   */
  public static EmitterThread tolerant(
      EventListener downstream,
      Runnable flush,
      long flushIntervalNanos,
      Consumer<String> warnings,
      int capacity) {
    return new EmitterThread(
        () -> downstream, null, warnings, flush, flushIntervalNanos, capacity);
  }

  private EmitterThread(
      Callable<EventListener> setup,
      Runnable onFailure,
      Consumer<String> warnings,
      Runnable flush,
      long flushIntervalNanos,
      int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.setup = setup;
    this.onFailure = onFailure;
    this.warnings = warnings;
    this.flush = flush;
    this.flushIntervalNanos = flushIntervalNanos;
    this.thread = new Thread(this::run, "ja3sensor-emitter");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * No event for this long means the input is idle (a live pipe between packets): the downstream
   * is told ({@link EventListener#idle()}), so that buffered events reach a reader now rather than
   * at the end.
   */
  static final long IDLE_MILLIS = 200;

  /**
   * After an event, the queue found empty is looked at again after a nap of this long, up to
   * {@link #NAPS} times, before the thread waits on it (docs/performance.md, "QUIC").
   */
  static final long NAP_NANOS = 1_000_000;

  static final int NAPS = 20;

  private void run() {
    try {
      EventListener downstream = setup.call();
      long lastFlush = System.nanoTime();
      boolean dirty = false;
      boolean sinceIdle = false; // events handed downstream since it was last told of idleness
      int naps = NAPS; // as if idle: the first event is waited for on the queue
      while (true) {
        TlsEvent e = queue.poll();
        if (e == null && naps < NAPS) {
          // Events were flowing: nap, rather than wait on the queue. A thread waiting on the
          // queue must be woken by each event's producer (a futex call on each side, per event);
          // a napping one is not, and takes what came in the meantime in one go.
          naps++;
          LockSupport.parkNanos(NAP_NANOS);
          continue;
        }
        if (e == null) {
          e = queue.poll(flush == null ? IDLE_MILLIS : POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (e != null) {
          naps = 0;
        }
        if (e == END) {
          break;
        }
        if (e == null && sinceIdle) {
          // The input is idle: events waiting in an output buffer reach their reader now.
          sinceIdle = false;
          if (warnings == null) {
            downstream.idle();
          } else {
            try {
              downstream.idle();
            } catch (RuntimeException ex) {
              warn("event output failed: " + ex.getMessage());
            }
          }
        }
        if (e != null) {
          sinceIdle = true;
          e.deriveFields();
          if (warnings == null) {
            downstream.onEvent(e);
            published++;
          } else {
            try {
              downstream.onEvent(e);
              published++;
              dirty = true;
            } catch (RuntimeException ex) {
              warn("event output failed: " + ex.getMessage());
            }
          }
        }
        if (dirty && flush != null && System.nanoTime() - lastFlush >= flushIntervalNanos) {
          runFlush();
          dirty = false;
          lastFlush = System.nanoTime();
        }
      }
      if (flush != null) {
        runFlush();
      }
    } catch (Throwable t) {
      failure = t;
      if (onFailure != null) {
        try {
          onFailure.run();
        } catch (RuntimeException ignored) {
          // the failure itself is what gets reported
        }
      }
    } finally {
      finished = true;
      queue.clear(); // wakes a producer waiting on a full queue
    }
  }

  private void runFlush() {
    try {
      flush.run();
    } catch (RuntimeException ex) {
      warn("event output flush failed: " + ex.getMessage());
    }
  }

  private void warn(String message) {
    if (outputErrors++ < 10) {
      warnings.accept(message);
    }
  }

  /** Queues the event; waits while the queue is full. Dropped (and counted) after a failure. */
  @Override
  public void onEvent(TlsEvent event) {
    try {
      while (!finished) {
        if (queue.offer(event, 100, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    dropped.incrementAndGet();
  }

  /**
   * Events the queue takes now without waiting. Not {@link EventListener#room}: a caller that
   * wants its idle flows paced by it says so ({@code capture} does; {@code read} waits instead,
   * so that its output does not depend on how fast the output goes).
   */
  public int freePlaces() {
    return queue.remainingCapacity();
  }

  /** The failure that stopped the emitter, or null. */
  public Throwable failure() {
    return failure;
  }

  /** Events not published because the emitter had stopped. */
  public long droppedEvents() {
    return dropped.get();
  }

  /** Events handed to the downstream without failure. */
  public long publishedEvents() {
    return published;
  }

  /** Downstream and flush failures survived ({@link #tolerant} emitters). */
  public long outputErrors() {
    return outputErrors;
  }

  /**
   * Publishes every queued event, then stops the thread.
   *
   * @throws Exception what stopped the emitter early (setup or downstream failure), if anything
   */
  @Override
  public void close() throws Exception {
    if (!closed) {
      closed = true;
      boolean interrupted = false;
      while (!finished) {
        try {
          if (queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException ie) {
          interrupted = true;
        }
      }
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException ie) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    Throwable t = failure;
    if (t instanceof Exception ex) {
      throw ex;
    }
    if (t instanceof Error err) {
      throw err;
    }
  }
}
