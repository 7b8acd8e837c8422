package org.ja3sensor.sink;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * Entry point of the broker JVM that {@link KafkaBroker} starts (and that
 * scripts/kafka-dev-broker.sh runs in the foreground): formats the KRaft storage on first use,
 * then runs {@code kafka.Kafka} with the given server.properties.
 *
 * <p>Usage: {@code KafkaBrokerMain [--exit-on-stdin-eof] SERVER_PROPERTIES}. With {@code
 * --exit-on-stdin-eof} the JVM exits when its standard input closes, so a broker started by a
 * test never outlives the test JVM, even one that was killed.
 */
public final class KafkaBrokerMain {
  private KafkaBrokerMain() {}

  public static void main(String[] args) throws Exception {
    boolean watchStdin = false;
    String config = null;
    for (String a : args) {
      if (a.equals("--exit-on-stdin-eof")) {
        watchStdin = true;
      } else {
        config = a;
      }
    }
    if (config == null) {
      System.err.println("usage: KafkaBrokerMain [--exit-on-stdin-eof] SERVER_PROPERTIES");
      System.exit(2);
    }
    if (watchStdin) {
      Thread t = new Thread(KafkaBrokerMain::exitOnStdinEof, "stdin-watchdog");
      t.setDaemon(true);
      t.start();
    }
    formatIfNeeded(Path.of(config));
    kafka.Kafka.main(new String[] {config});
  }

  private static void exitOnStdinEof() {
    try {
      InputStream in = System.in;
      byte[] buf = new byte[256];
      while (in.read(buf) >= 0) {
        // keep reading until the parent closes the pipe
      }
    } catch (IOException e) {
      // the pipe broke: same as closed
    }
    Thread killer =
        new Thread(
            () -> {
              try {
                Thread.sleep(10_000);
              } catch (InterruptedException e) {
                // exit anyway
              }
              Runtime.getRuntime().halt(1);
            });
    killer.setDaemon(true);
    killer.start();
    System.exit(0);
  }

  /** Runs {@code kafka-storage format} once per data directory (KRaft needs it). */
  static void formatIfNeeded(Path config) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(config)) {
      p.load(in);
    }
    Path logDir = Path.of(p.getProperty("log.dirs"));
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    String[] args = {
      "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"
    };
    int rc = kafka.tools.StorageTool.execute(args, new PrintStream(System.out, true, "UTF-8"));
    if (rc != 0) {
      throw new IOException("kafka-storage format failed with exit code " + rc);
    }
  }
}
