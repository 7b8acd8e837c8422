package org.ja3sensor.sink;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.event.EventListener;

/**
 * Moves the per-event work off the packet thread: events go through a bounded queue to one thread
 * that derives their string fields ({@link TlsEvent#deriveFields()}), then hands them, in order, to
 * the downstream listener (matcher, JSON, sink). On a file read this lets the packet thread run
 * while the other core loads the fingerprint database, starts JSON and writes the events.
 *
 * <p>The downstream is made on the emitter thread by {@code setup}, before the first event is
 * taken: events queue up meanwhile (the queue is bounded: the packet thread waits when it is full).
 * If {@code setup} or the downstream throws, the thread stops; later events are dropped and
 * counted, the {@code onFailure} callback runs once (to stop the input), and {@link #close()}
 * rethrows the failure.
 */
public final class EmitterThread implements EventListener, AutoCloseable {
  /** Events in flight at most: a few MB at worst, and a long run of the packet thread. */
  public static final int DEFAULT_CAPACITY = 4096;

  private static final TlsEvent END = new TlsEvent();

  private final BlockingQueue<TlsEvent> queue;
  private final Thread thread;
  private final Callable<EventListener> setup;
  private final Runnable onFailure;
  private volatile Throwable failure;
  private volatile boolean finished;
  private long dropped;
  private boolean closed;

  /**
   * Starts the thread.
   *
   * @param setup makes the downstream listener; runs first, on the emitter thread
   * @param onFailure runs once on the emitter thread if setup or the downstream fails (may be null)
   */
  public EmitterThread(Callable<EventListener> setup, Runnable onFailure, int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.setup = setup;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, "ja3sensor-emitter");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      EventListener downstream = setup.call();
      TlsEvent e;
      while ((e = queue.take()) != END) {
        e.deriveFields();
        downstream.onEvent(e);
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
    dropped++;
  }

  /** The failure that stopped the emitter, or null. */
  public Throwable failure() {
    return failure;
  }

  /** Events not published because the emitter had stopped. */
  public long droppedEvents() {
    return dropped;
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
