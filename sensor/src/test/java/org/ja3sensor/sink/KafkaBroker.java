package org.ja3sensor.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) in a child JVM,
 * for tests, benchmarks and trying the sensor by hand. The child runs {@link KafkaBrokerMain}
 * with the current JVM's class path (which must hold kafka_2.13, as the test class path does),
 * listens on 127.0.0.1 only and dies when this JVM does (its stdin is a pipe from us).
 *
 * <p>{@link #stop()}/{@link #kill()} and {@link #start()} again keep the same ports and data
 * directory, so clients reconnect to the same address and find their topics and producer state.
 * Not thread-safe.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final boolean deleteDirOnClose;
  private final int port;
  private final int controllerPort;
  private final List<String> jvmOptions;
  private Process process;

  private KafkaBroker(
      Path dir, boolean deleteDirOnClose, int port, int controllerPort, List<String> jvmOptions) {
    this.dir = dir;
    this.deleteDirOnClose = deleteDirOnClose;
    this.port = port;
    this.controllerPort = controllerPort;
    this.jvmOptions = jvmOptions;
  }

  /** Starts a broker on free ports in a fresh temporary directory (deleted by {@link #close}). */
  public static KafkaBroker startTemporary() throws IOException {
    return startTemporary(testJvmOptions());
  }

  /** Same, with the JVM options of the broker process. */
  public static KafkaBroker startTemporary(List<String> jvmOptions) throws IOException {
    Path dir = Files.createTempDirectory("ja3sensor-kafka-");
    KafkaBroker b = new KafkaBroker(dir, true, freePort(), freePort(), jvmOptions);
    b.start();
    return b;
  }

  /** A broker kept in {@code dir} on a fixed port (the developer broker); not started. */
  public static KafkaBroker persistent(Path dir, int port, int controllerPort) {
    return new KafkaBroker(dir, false, port, controllerPort, fullJvmOptions());
  }

  /** Options for a broker that should run at full speed (developer broker, benchmark). */
  public static List<String> fullJvmOptions() {
    return List.of(
        "-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
  }

  /** Small heap, serial GC, C1 only: starts fastest on a shared 2-core machine. */
  private static List<String> testJvmOptions() {
    return List.of(
        "-Xms64m",
        "-Xmx256m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dir;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the broker (formatting its storage the first time) and waits until it answers. */
  public void start() throws IOException {
    if (isRunning()) {
      return;
    }
    Path config = writeConfig();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(KafkaBrokerMain.class.getName());
    cmd.add("--exit-on-stdin-eof");
    cmd.add(config.toString());
    Path log = dir.resolve("broker.log");
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    awaitReady(log);
  }

  private Path writeConfig() throws IOException {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", dir.resolve("data").toString());
    p.setProperty("num.partitions", "3");
    // One node: every internal topic has one replica.
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // The default (128 MB) does not fit a small heap: the broker dies at start.
    p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
    p.setProperty("auto.create.topics.enable", "true");
    Path f = dir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      p.store(w, "written by org.ja3sensor.sink.KafkaBroker");
    }
    return f;
  }

  private void awaitReady(Path log) throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    try (Admin admin = Admin.create(p)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IOException(
              "Kafka broker exited with code " + process.exitValue() + " during start; see " + log);
        }
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          // not up yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for the broker", e);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "Kafka broker not ready after " + READY_TIMEOUT.toSeconds() + " s; see " + log);
        }
        sleep(200);
      }
    }
  }

  /** Creates a topic (idempotent). */
  public void createTopic(String name, int partitions) {
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name, e);
      }
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    }
  }

  /** Graceful stop (SIGTERM: controlled shutdown, logs flushed). */
  public void stop() {
    terminate(false);
  }

  /** Crash (SIGKILL): no shutdown at all; the next start recovers the logs. */
  public void kill() {
    terminate(true);
  }

  private void terminate(boolean force) {
    if (process == null) {
      return;
    }
    if (force) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    closeQuietly(process.getOutputStream());
    process = null;
  }

  /** Stops and starts again on the same ports and data directory. */
  public void restart() throws IOException {
    stop();
    start();
  }

  /** Blocks until the broker process exits (for the developer script). */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  @Override
  public void close() {
    stop();
    if (deleteDirOnClose) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(KafkaBroker::deleteQuietly);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }

  private static void closeQuietly(OutputStream s) {
    try {
      s.close();
    } catch (IOException e) {
      // the child is gone
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs a broker in the foreground until Ctrl-C: {@code KafkaBroker [--port N] [--dir DIR]}.
   * Used by scripts/kafka-dev-broker.sh.
   */
  public static void main(String[] args) throws Exception {
    int port = 9092;
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "ja3sensor-dev-kafka");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> {
          System.err.println("usage: KafkaBroker [--port N] [--dir DIR]");
          System.exit(2);
        }
      }
    }
    Files.createDirectories(dir);
    KafkaBroker b = persistent(dir, port, port + 1);
    Runtime.getRuntime().addShutdownHook(new Thread(b::stop));
    b.start();
    System.out.println("Kafka broker ready: bootstrap " + b.bootstrap() + ", data in " + dir);
    System.out.println("Broker log: " + dir.resolve("broker.log") + "; Ctrl-C stops it.");
    System.exit(b.waitFor());
  }
}
