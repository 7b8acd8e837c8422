package org.ja3sensor.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ja3sensor.event.EventJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to Kafka without blocking the caller and without losing or duplicating events
 * when the broker is slow or down.
 *
 * <h2>Tiers</h2>
 *
 * An accepted event is, in this order of age: in the producer (handed over, not yet
 * acknowledged), in the memory queue (waiting for the sender thread), or in the {@link Spool}.
 * The memory tiers together are bounded by {@code memoryMaxBytes}; when full, {@link #publish}
 * appends to the spool instead (a buffered file write on the caller's thread, never a wait for
 * the broker), and keeps doing so until the spool has been read back completely, so the order is
 * kept. The sender thread hands the queue to the producer first, then replays the spool, oldest
 * first, whenever less than three quarters of the memory bound is in use. Events beyond the spool
 * bound are dropped and counted as {@code failed}.
 *
 * <h2>Why nothing is sent twice</h2>
 *
 * <ul>
 *   <li>The producer is idempotent with {@code acks=all}: the broker drops a batch it already
 *       wrote when the producer retries it after a lost acknowledgement. One request in flight
 *       per partition keeps the order across retries and avoids a broker bug that loses a batch
 *       sent to a new partition (see {@link #producerProperties}).
 *   <li>{@code delivery.timeout.ms} is infinite: while the sensor runs, the producer never gives
 *       up on a record it accepted, so no record has the ambiguous "timed out, maybe written"
 *       outcome that would tempt a re-send. An outage of any length ends with the producer
 *       retrying its own batches, which the broker de-duplicates.
 *   <li>Only events the producer never saw go to the spool while running. A send that the
 *       producer refused synchronously (metadata or buffer wait timed out) was never appended and
 *       is retried by the sender, first in line.
 *   <li>At shutdown, what is still unacknowledged after {@code closeTimeout} is spooled ahead of
 *       the rest. This is the one window for a duplicate: a batch the broker wrote just before
 *       becoming unreachable, whose acknowledgement was lost, and the sensor stopped before the
 *       broker came back. The next run replays it with a new producer id, which the broker
 *       cannot match. docs/kafka.md describes how a consumer removes such a duplicate.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * {@link #publish}, {@link #flush} and {@link #close} are called from one thread; a sender thread
 * owned by this sink calls the producer (whose {@code send} may block on metadata); the
 * producer's I/O thread runs the callbacks. All shared state is guarded by {@link #lock}. The
 * JSON bytes of an event are copied once in {@code publish} and owned by the sink from then on.
 */
public final class KafkaSink implements EventSink {
  /** Record header carrying {@link EventJson#SCHEMA_VERSION}. */
  public static final String HEADER_SCHEMA_VERSION = "ja3sensor.schema_version";
  /** Record header carrying the sensor name. */
  public static final String HEADER_SENSOR_NAME = "ja3sensor.sensor_name";

  /** Producer settings the sink relies on for ordering and exactly-once delivery. */
  public static final Set<String> ENFORCED =
      Set.of(
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          ProducerConfig.ACKS_CONFIG,
          ProducerConfig.RETRIES_CONFIG,
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG);

  private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
  /** flush() gives up early when no acknowledgement arrived for this long. */
  private static final long STALL_NANOS = 2_000_000_000L;
  private static final long RESEND_BACKOFF_MS = 200;
  /** At JVM shutdown, how long close() still waits for the broker before spooling. */
  private static final long SHUTDOWN_GRACE_NANOS = 2_000_000_000L;
  /** How long the shutdown hook holds the JVM for close() to finish spooling. */
  private static final long SHUTDOWN_HOOK_WAIT_SECONDS = 20;

  private final KafkaSinkConfig config;
  private final Producer<byte[], byte[]> producer;
  private final Spool spool;
  private final List<Header> headers;
  private final Thread sender;

  private final Object lock = new Object();
  // --- guarded by lock ---
  private final ArrayDeque<QueuedEvent> queue = new ArrayDeque<>();
  /** Handed to the producer, oldest first; acknowledged ones are removed from the front. */
  private final ArrayDeque<QueuedEvent> handed = new ArrayDeque<>();
  /** Taken by the sender, not yet accepted by the producer. Older than the queue. */
  private QueuedEvent current;
  private long memoryBytes;
  /** New events go to the spool (set when memory is full, cleared when the spool is drained). */
  private boolean spooling;
  private boolean closed;
  /** Set by the shutdown hook: close() stops waiting for the broker soon. */
  private boolean hurry;
  private long hurryNanos;
  private boolean stopSender;
  private boolean waiting;
  private long lastProgressNanos = System.nanoTime();
  private long sent;
  private long replayed;
  private long spooled;
  private long failed;
  private long resent;
  private boolean spoolFullLogged;
  private boolean spoolErrorLogged;
  private final Set<Class<?>> loggedErrors = new java.util.HashSet<>();
  private final java.util.concurrent.CountDownLatch closeDone =
      new java.util.concurrent.CountDownLatch(1);
  private volatile IOException closeFailure;
  private final Thread shutdownHook = new Thread(this::onJvmShutdown, "ja3sensor-kafka-shutdown");
  // --- written by the sender thread only ---
  private Exception syncError;
  private volatile Metric retryMetric;
  private volatile long finalProducerRetries = -1;

  /**
   * Creates the producer and opens the spool (replaying what a previous run left there before
   * any new event).
   *
   * @throws IOException when the spool directory cannot be opened or is in use
   * @throws org.apache.kafka.common.KafkaException when the producer properties are invalid
   */
  public KafkaSink(KafkaSinkConfig config) throws IOException {
    this.config = config;
    this.spool =
        config.spoolDir() == null ? null : Spool.open(config.spoolDir(), config.spoolMaxBytes());
    try {
      this.producer = new KafkaProducer<>(producerProperties(config));
    } catch (RuntimeException e) {
      if (spool != null) {
        spool.close();
      }
      throw e;
    }
    this.headers =
        List.of(
            new RecordHeader(
                HEADER_SCHEMA_VERSION, EventJson.SCHEMA_VERSION.getBytes(StandardCharsets.UTF_8)),
            new RecordHeader(
                HEADER_SENSOR_NAME, config.sensorName().getBytes(StandardCharsets.UTF_8)));
    if (spool != null && !spool.isDrained()) {
      spooling = true;
      LOG.warn(
          "Kafka: {} events left in spool {} by a previous run; sending them before new events",
          spool.pendingEvents(),
          spool.dir());
    }
    this.sender = new Thread(this::runSender, "ja3sensor-kafka-sender");
    sender.setDaemon(true);
    sender.start();
    try {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // created while the JVM shuts down: nothing to protect
    }
  }

  /**
   * The producer properties: throughput defaults, then the user's properties, then the settings
   * this sink's delivery guarantees depend on ({@link #ENFORCED}).
   */
  public static Properties producerProperties(KafkaSinkConfig config) {
    Properties p = new Properties();
    // Defaults for throughput; each may be overridden by --kafka-config.
    // JSON events compress 4-6x; lz4 costs the least CPU per byte on a sensor that also parses
    // packets (zstd compresses a little better at several times the CPU).
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Wait up to 20 ms to fill a batch: fewer, larger requests and better compression; 20 ms of
    // latency is nothing for a SIEM.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    // 256 KiB batches (default 16 KiB): a few hundred events per request at high rates.
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    // The producer's own buffer must hold everything our memory bound admits (compressed, plus
    // one open batch per partition), so send() does not wait for buffer space in normal use.
    p.put(
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        Long.toString(config.memoryMaxBytes() + (32L << 20)));
    // Only the sender thread waits in send() (for metadata while the broker is unreachable);
    // a short wait keeps shutdown prompt. A refused send is retried by the sink.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "ja3sensor-" + config.sensorName());

    for (String k : config.producerProperties().stringPropertyNames()) {
      if (ENFORCED.contains(k)) {
        // Not a secret: these keys only take numbers, booleans and class names.
        LOG.warn(
            "Kafka: ignoring {}={} from the producer configuration: the sink needs its own value"
                + " (docs/kafka.md)",
            k,
            config.producerProperties().getProperty(k));
        continue;
      }
      p.put(k, config.producerProperties().getProperty(k));
    }

    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    // The broker de-duplicates producer retries (producer id + sequence number per partition),
    // so a retry after a lost acknowledgement never writes an event twice.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // An event counts as sent only once every in-sync replica has it: a leader failover cannot
    // lose an acknowledged event. Idempotence requires it.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // Retry for ever and never expire an accepted record: the sink bounds memory itself, and an
    // expired record would be ambiguous (maybe written) and could only be lost or duplicated.
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
    // One request in flight per partition. Idempotence would allow five, but brokers before
    // Kafka 4.5 accept a later batch first on a partition they have no producer state for yet (a
    // new or just created topic): the earlier batch, refused with NOT_LEADER_OR_FOLLOWER while
    // the partition was being created, then fails with OUT_OF_ORDER_SEQUENCE_NUMBER on every
    // retry for ever, and its events are lost (KAFKA-15591). With one in flight there is no
    // later batch to overtake it; large batches (batch.size, linger.ms) keep throughput.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  @Override
  public void publish(String json, String key, boolean alert) throws IOException {
    publish(json.getBytes(StandardCharsets.UTF_8), key, alert);
  }

  @Override
  public void publish(byte[] utf8Json, String key, boolean alert) throws IOException {
    QueuedEvent e = new QueuedEvent(alert, key, utf8Json);
    long n = e.memoryBytes();
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("Kafka sink is closed");
      }
      if (spooling && spool.isDrained()) {
        spooling = false; // everything older is in memory now: the queue keeps the order
      }
      if (!spooling && memoryBytes + n <= config.memoryMaxBytes()) {
        queue.addLast(e);
        memoryBytes += n;
        if (waiting) {
          lock.notifyAll();
        }
        return;
      }
      toSpool(e);
    }
  }

  /** Caller holds the lock. */
  private void toSpool(QueuedEvent e) {
    if (spool == null) {
      failed++;
      if (!spoolFullLogged) {
        spoolFullLogged = true;
        LOG.warn(
            "Kafka: {} bytes of events unacknowledged and no spool directory: dropping events",
            memoryBytes);
      }
      return;
    }
    if (!spooling) {
      spooling = true;
      spoolFullLogged = false;
      LOG.warn(
          "Kafka: {} bytes of events unacknowledged (broker slow or unreachable): spooling to {}",
          memoryBytes,
          spool.dir());
    }
    try {
      if (spool.append(e)) {
        spooled++;
      } else {
        failed++;
        if (!spoolFullLogged) {
          spoolFullLogged = true;
          LOG.warn(
              "Kafka: spool {} full ({} bytes, --spool-max-bytes {}): dropping events",
              spool.dir(),
              spool.bytesOnDisk(),
              spool.maxBytes());
        }
      }
    } catch (IOException ex) {
      failed++;
      if (!spoolErrorLogged) {
        spoolErrorLogged = true;
        LOG.error("Kafka: cannot write spool {}: {}: dropping events", spool.dir(), ex.toString());
      }
    }
  }

  // ---------------------------------------------------------------- sender thread

  private void runSender() {
    try {
      while (true) {
        QueuedEvent e;
        synchronized (lock) {
          e = nextToSend();
          if (e == null) {
            return;
          }
          handed.addLast(e);
        }
        boolean accepted = send(e);
        synchronized (lock) {
          if (accepted) {
            current = null;
            continue;
          }
          handed.removeLastOccurrence(e);
          Exception ex = syncError;
          if (ex instanceof ApiException && !(ex instanceof RetriableException)) {
            current = null;
            finish(e, ex); // permanent for this record (e.g. larger than max.request.size)
          } else {
            // Retriable (metadata or buffer wait timed out), or the producer is unusable: the
            // event stays first in line; if the producer never recovers, close() spools it.
            if (!(ex instanceof RetriableException) && loggedErrors.add(ex.getClass())) {
              LOG.error("Kafka: producer refused an event: {}", ex.toString());
            }
            resent++;
            lock.wait(RESEND_BACKOFF_MS);
          }
        }
      }
    } catch (InterruptedException e) {
      // close() interrupts the sender when the broker did not come back in time
    }
  }

  /** Caller holds the lock. Waits for the next event to hand over; null when stopping. */
  private QueuedEvent nextToSend() throws InterruptedException {
    while (true) {
      if (stopSender) {
        return null;
      }
      if (current != null) {
        return current;
      }
      if (!queue.isEmpty()) {
        current = queue.pollFirst();
        return current;
      }
      if (spool != null
          && !spool.isDrained()
          && memoryBytes < config.memoryMaxBytes() / 4 * 3) {
        QueuedEvent r = readSpool();
        if (r != null) {
          memoryBytes += r.memoryBytes();
          current = r;
          return r;
        }
      }
      if (spooling && spool.isDrained()) {
        spooling = false;
        LOG.warn("Kafka: spool read back completely; new events go straight to the producer");
      }
      waiting = true;
      try {
        lock.wait(100);
      } finally {
        waiting = false;
      }
    }
  }

  /** Caller holds the lock. */
  private QueuedEvent readSpool() {
    try {
      long corruptBefore = spool.corrupt();
      QueuedEvent r = spool.next();
      long corrupt = spool.corrupt() - corruptBefore;
      if (corrupt > 0) {
        failed += corrupt;
        LOG.warn("Kafka: skipped {} torn or corrupt lines in spool {}", corrupt, spool.dir());
      }
      return r;
    } catch (IOException ex) {
      if (!spoolErrorLogged) {
        spoolErrorLogged = true;
        LOG.error("Kafka: cannot read spool {}: {}", spool.dir(), ex.toString());
      }
      return null;
    }
  }

  /** Hands one event to the producer; false when the producer refused it without taking it. */
  private boolean send(QueuedEvent e) {
    String topic =
        e.alert && config.alertTopic() != null ? config.alertTopic() : config.topic();
    byte[] key = e.key == null ? null : e.key.getBytes(StandardCharsets.UTF_8);
    syncError = null;
    try {
      producer.send(new ProducerRecord<>(topic, null, null, key, e.json, headers), callback(e));
    } catch (org.apache.kafka.common.errors.InterruptException ex) {
      Thread.currentThread().interrupt();
      syncError = new org.apache.kafka.common.errors.TimeoutException("interrupted");
    } catch (RuntimeException ex) {
      syncError = ex;
    }
    if (retryMetric == null) {
      retryMetric = findMetric("record-retry-total");
    }
    return syncError == null;
  }

  private Callback callback(QueuedEvent e) {
    return (RecordMetadata md, Exception ex) -> {
      if (Thread.currentThread() == sender) {
        // Called from inside send(): the record was refused before it was appended.
        syncError = ex;
        return;
      }
      synchronized (lock) {
        finish(e, ex);
      }
    };
  }

  /** Caller holds the lock. Records the final outcome of a handed-over event. */
  private void finish(QueuedEvent e, Exception ex) {
    if (ex == null) {
      sent++;
      if (e.fromSpool) {
        replayed++;
      }
      lastProgressNanos = System.nanoTime();
    } else if (ex instanceof ApiException && !(ex instanceof RetriableException)) {
      failed++; // permanent: too large, not authorised, invalid topic ... a retry cannot help
      if (loggedErrors.add(ex.getClass())) {
        LOG.error("Kafka: event rejected for good: {}", ex.toString());
      }
    } else {
      // Producer closed forcefully at shutdown: close() spools what is still unacknowledged.
      return;
    }
    e.done = true;
    memoryBytes -= e.memoryBytes();
    while (!handed.isEmpty() && handed.peekFirst().done) {
      QueuedEvent first = handed.pollFirst();
      if (first.fromSpool) {
        try {
          spool.acked(first); // replay progress: a crash from now on does not resend it
        } catch (IOException ioe) {
          if (!spoolErrorLogged) {
            spoolErrorLogged = true;
            LOG.error("Kafka: cannot record replay progress in {}: {}", spool.dir(), ioe.toString());
          }
        }
      }
    }
    lock.notifyAll();
  }

  private Metric findMetric(String name) {
    for (Map.Entry<MetricName, ? extends Metric> m : producer.metrics().entrySet()) {
      if (m.getKey().name().equals(name) && m.getKey().group().equals("producer-metrics")) {
        return m.getValue();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- flush, close, counters

  /** Caller holds the lock. */
  private boolean allDelivered() {
    return queue.isEmpty()
        && current == null
        && handed.isEmpty()
        && (spool == null || spool.isDrained());
  }

  /**
   * Waits until every event (memory and spool) is acknowledged, at most {@code closeTimeout}, and
   * returns early when the broker made no progress for two seconds (events then stay in memory,
   * retried by the producer, or in the spool). Does not block for long while the broker is down.
   */
  @Override
  public void flush() throws IOException {
    synchronized (lock) {
      if (spool != null) {
        spool.flush();
      }
      long start = System.nanoTime();
      long deadline = start + config.closeTimeout().toNanos();
      while (!allDelivered()) {
        long now = System.nanoTime();
        if (now >= deadline
            || (now - start > STALL_NANOS && now - lastProgressNanos > STALL_NANOS)) {
          return;
        }
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Waits up to {@code closeTimeout} for everything to be delivered, then stops the producer and
   * writes whatever is left to the spool, ahead of the events already there. During JVM shutdown
   * (SIGTERM, Ctrl-C) the wait is cut to {@link #SHUTDOWN_GRACE_NANOS}, so everything is spooled
   * before the JVM exits. A second call waits for the first and reports the same outcome.
   *
   * @throws UndeliveredEventsException when events were lost or wait in the spool
   */
  @Override
  public void close() throws IOException {
    synchronized (lock) {
      if (closed) {
        awaitClosed();
        if (closeFailure != null) {
          throw closeFailure;
        }
        return;
      }
      closed = true;
    }
    try {
      closeOnce();
    } catch (IOException e) {
      closeFailure = e;
      throw e;
    } finally {
      closeDone.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook is running and waits for closeDone
      }
    }
  }

  private void awaitClosed() {
    try {
      closeDone.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shutdown hook: makes a running or coming close() spool at once, and waits for it. */
  private void onJvmShutdown() {
    synchronized (lock) {
      hurry = true;
      hurryNanos = System.nanoTime();
      lock.notifyAll();
    }
    try {
      closeDone.await(SHUTDOWN_HOOK_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeOnce() throws IOException {
    boolean delivered;
    synchronized (lock) {
      long deadline = System.nanoTime() + config.closeTimeout().toNanos();
      while (!(delivered = allDelivered())) {
        if (hurry) {
          deadline = Math.min(deadline, hurryNanos + SHUTDOWN_GRACE_NANOS);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          lock.wait(Math.max(1, Math.min(100, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      stopSender = true;
      lock.notifyAll();
    }
    if (!delivered) {
      sender.interrupt(); // it may be waiting in send() for metadata
    }
    try {
      sender.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Metric m = retryMetric != null ? retryMetric : findMetric("record-retry-total");
    long producerRetries = m == null ? 0 : ((Number) m.metricValue()).longValue();
    // Forced close (zero timeout) fails the unacknowledged batches; the callbacks have all run
    // when close returns, so what is not done below will never be acknowledged by this producer.
    producer.close(delivered ? Duration.ofSeconds(10) : Duration.ZERO);

    long pending = 0;
    synchronized (lock) {
      finalProducerRetries = producerRetries;
      List<QueuedEvent> left = new ArrayList<>(handed.size() + queue.size() + 1);
      for (QueuedEvent e : handed) {
        if (!e.done) {
          left.add(e);
        }
      }
      handed.clear();
      if (current != null) {
        left.add(current);
        current = null;
      }
      left.addAll(queue);
      queue.clear();
      memoryBytes = 0;
      if (spool != null) {
        int dropped;
        try {
          dropped = spool.closeWithHead(left);
        } catch (IOException e) {
          failed += left.size();
          throw new IOException(
              "Kafka: cannot write " + left.size() + " pending events to spool " + spool.dir(), e);
        }
        failed += dropped;
        spooled += left.size() - dropped;
        pending = spool.pendingEvents();
        if (!left.isEmpty()) {
          LOG.warn(
              "Kafka: shutdown: {} unacknowledged events written to spool {}{}",
              left.size() - dropped,
              spool.dir(),
              dropped > 0 ? ", " + dropped + " dropped (spool full)" : "");
        }
      } else {
        failed += left.size();
      }
      if (failed > 0 || pending > 0) {
        throw new UndeliveredEventsException(
            failed, pending, spool == null ? null : spool.dir());
      }
    }
  }

  /** Internal state, for diagnostics. */
  String debugState() {
    synchronized (lock) {
      QueuedEvent h = handed.peekFirst();
      return "queue=" + queue.size() + " handed=" + handed.size() + " firstHandedDone="
          + (h == null ? "-" : h.done) + " current=" + (current != null) + " memoryBytes="
          + memoryBytes + " spooling=" + spooling + " spoolPending="
          + (spool == null ? 0 : spool.pendingEvents()) + " " + counters0();
    }
  }

  private String counters0() {
    return "sent=" + sent + " replayed=" + replayed + " spooled=" + spooled + " failed=" + failed
        + " resent=" + resent;
  }

  /**
   * Delivery counters, for the stats output: {@code sent} (acknowledged by the broker, replayed
   * ones included), {@code retried} (record sends retried by the producer plus sends the sink
   * repeated after the producer refused them), {@code spooled} (written to the spool), {@code
   * replayed} (read back from the spool and acknowledged), {@code failed} (lost for good), and the
   * gauges {@code spool_pending} and {@code memory_bytes}.
   */
  @Override
  public Map<String, Long> counters() {
    long producerRetries;
    if (finalProducerRetries >= 0) {
      producerRetries = finalProducerRetries;
    } else {
      Metric m = retryMetric;
      producerRetries = m == null ? 0 : ((Number) m.metricValue()).longValue();
    }
    synchronized (lock) {
      Map<String, Long> c = new LinkedHashMap<>();
      c.put("sent", sent);
      c.put("retried", producerRetries + resent);
      c.put("spooled", spooled);
      c.put("replayed", replayed);
      c.put("failed", failed);
      c.put("spool_pending", spool == null ? 0 : spool.pendingEvents());
      c.put("spool_bytes", spool == null ? 0 : spool.bytesOnDisk());
      c.put("memory_bytes", memoryBytes);
      return c;
    }
  }
}
