package org.ja3sensor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.common.KafkaException;
import java.util.function.Consumer;
import org.ja3sensor.sink.EventSink;
import org.ja3sensor.sink.FileSink;
import org.ja3sensor.sink.KafkaSink;
import org.ja3sensor.sink.KafkaSinkConfig;
import org.ja3sensor.sink.StdoutSink;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * Where events go: {@code --output stdout} (default) or {@code --output kafka} with its options.
 * Included with {@code @Mixin} by the commands that emit events ({@code read}, {@code capture}).
 * Errors are one line, name the option, and never print a secret from the producer
 * configuration file.
 */
public final class OutputOptions {

  /** Output kinds; parsed case-insensitively. */
  public enum Kind {
    STDOUT,
    KAFKA,
    FILE
  }

  @Option(
      names = "--output",
      paramLabel = "stdout|kafka|file",
      defaultValue = "stdout",
      converter = KindConverter.class,
      description = "Where events go: stdout (JSON lines, the default), kafka, or file"
          + " (--output-path).")
  Kind output = Kind.STDOUT;

  @Option(
      names = "--output-path",
      paramLabel = "FILE",
      description = "With --output file: the file events are appended to (created mode 0640)."
          + " Reopened on SIGHUP (logrotate). See docs/siem.md.")
  Path outputPath;

  @Option(
      names = "--output-max-bytes",
      paramLabel = "SIZE",
      defaultValue = "0",
      converter = Units.SizeConverter.class,
      description = "With --output file: rotate the file to FILE.1 ... before it would pass this"
          + " size (k, m, g suffixes; default 0: never, leave it to logrotate).")
  long outputMaxBytes;

  @Option(
      names = "--output-keep",
      paramLabel = "N",
      defaultValue = "5",
      description = "Rotated files kept with --output-max-bytes (default: ${DEFAULT-VALUE}).")
  int outputKeep = 5;

  @Option(
      names = "--output-rotate-interval",
      paramLabel = "DURATION",
      defaultValue = "0",
      converter = Units.DurationConverter.class,
      description = "With --output file: rename the file to FILE.<UTC start, e.g."
          + " 20261205T230000Z> at each multiple of this interval (1h: on the hour; s, m, h, d"
          + " suffixes; default 0: never). Not with --output-max-bytes.")
  long outputRotateIntervalNanos;

  @Option(
      names = "--output-fsync",
      paramLabel = "rotate|always",
      defaultValue = "rotate",
      converter = FsyncConverter.class,
      description = "When the output file is fsync'ed: at rotation, reopen and exit (rotate, the"
          + " default), or after every batch of events too (always).")
  FileSink.Fsync outputFsync = FileSink.Fsync.ROTATE;

  /** Where the file output's one-line errors go; the commands point it at their stderr. */
  private Consumer<String> warn = m -> System.err.println("ja3sensor: " + m);

  /** Sets where the file output reports a failing write (one line each, no prefix). */
  public void warnTo(Consumer<String> w) {
    this.warn = w;
  }

  @Option(
      names = "--kafka-bootstrap",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "Kafka brokers to connect to (required with --output kafka unless"
          + " bootstrap.servers is in --kafka-config).")
  String bootstrap;

  @Option(
      names = "--kafka-topic",
      paramLabel = "TOPIC",
      defaultValue = KafkaSinkConfig.DEFAULT_TOPIC,
      description = "Topic of the events (default: ${DEFAULT-VALUE}).")
  String topic = KafkaSinkConfig.DEFAULT_TOPIC;

  @Option(
      names = "--kafka-alert-topic",
      paramLabel = "TOPIC",
      description = "Send alert events to this topic instead of --kafka-topic.")
  String alertTopic;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description = "Kafka producer properties (security.protocol, sasl.*, ssl.* ...; see"
          + " docs/kafka.md). Values are never printed.")
  Path configFile;

  @Option(
      names = "--spool-dir",
      paramLabel = "DIR",
      description = "Directory where events wait while Kafka is slow or down, and across"
          + " restarts (default: $XDG_STATE_HOME/ja3sensor/spool, else"
          + " ~/.local/state/ja3sensor/spool). One sensor per directory.")
  Path spoolDir;

  @Option(
      names = "--spool-max-bytes",
      paramLabel = "SIZE",
      defaultValue = "1g",
      converter = Units.SizeConverter.class,
      description = "Bound of the spool files (k, m, g suffixes; 0 disables the spool;"
          + " default: ${DEFAULT-VALUE}). Events beyond it are counted as failed.")
  long spoolMaxBytes = KafkaSinkConfig.DEFAULT_SPOOL_MAX_BYTES;

  @Option(
      names = "--kafka-buffer-bytes",
      paramLabel = "SIZE",
      defaultValue = "64m",
      converter = Units.SizeConverter.class,
      description = "Bound of the events held in memory before spooling (default:"
          + " ${DEFAULT-VALUE}).")
  long memoryMaxBytes = KafkaSinkConfig.DEFAULT_MEMORY_MAX_BYTES;

  @Option(
      names = "--kafka-close-timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "At exit, how long to wait for the broker before spooling what is left"
          + " (default: ${DEFAULT-VALUE}).")
  int closeTimeoutSeconds = 30;

  @Option(
      names = "--sensor-name",
      paramLabel = "NAME",
      description = "Name of this sensor: observer.name of every event, also sent with every Kafka"
          + " record (default: host name).")
  String sensorName;

  @Option(
      names = "--certificate-chain",
      description = "Write the server's certificate chain (TLS 1.2 and older) as PEM into"
          + " tls.server.certificate_chain (off by default: several KB per event).")
  boolean certificateChain;

  /** The output chosen. */
  public Kind output() {
    return output;
  }

  /** The sensor name given, else the host name. */
  public String sensorName() {
    if (sensorName == null || sensorName.isBlank()) {
      sensorName = hostName();
    }
    return sensorName;
  }

  /**
   * Opens the chosen sink.
   *
   * @param stdout the stream of {@code --output stdout}
   * @throws IllegalArgumentException with a one-line message naming the option at fault
   * @throws IOException when the spool directory cannot be opened
   */
  public EventSink createSink(OutputStream stdout) throws IOException {
    return createSink(stdout, stdout instanceof java.io.FileOutputStream
        && StdoutSink.readerWaits());
  }

  /**
   * Same, saying whether stdout is flushed after each event ({@code capture} flushes it on a timer
   * and when the input goes idle instead: a write per event would cost a system call each).
   */
  public EventSink createSink(OutputStream stdout, boolean flushEachEvent) throws IOException {
    return switch (output) {
      case STDOUT -> new StdoutSink(stdout, flushEachEvent);
      case KAFKA -> createKafkaSink();
      case FILE -> createFileSink();
    };
  }

  /**
   * The sink of a command: as the program ({@link Main}), events go to file descriptor 1 as the
   * UTF-8 bytes they are made in, not decoded into characters and encoded again on the way;
   * inside tests, to the command's writer.
   *
   * @param commandOut the command's writer (picocli's {@code getOut()})
   * @param flushedOnTimer the command flushes stdout itself ({@code capture}: once a second and on
   *     idle), so it is not flushed after each event even for a reader that waits on each line
   */
  public EventSink createCommandSink(Writer commandOut, boolean flushedOnTimer)
      throws IOException {
    if (!Main.standalone) {
      return createSink(commandOut);
    }
    OutputStream fd1 = new java.io.FileOutputStream(java.io.FileDescriptor.out);
    return flushedOnTimer ? createSink(fd1, false) : createSink(fd1);
  }

  /** Same, for a command whose stdout is a writer (picocli's {@code getOut()}). */
  public EventSink createSink(Writer stdout) throws IOException {
    return switch (output) {
      case STDOUT -> new StdoutSink(stdout);
      case KAFKA -> createKafkaSink();
      case FILE -> createFileSink();
    };
  }

  private EventSink createFileSink() throws IOException {
    if (outputPath == null) {
      throw new IllegalArgumentException("--output file needs --output-path FILE");
    }
    if (outputMaxBytes < 0) {
      throw new IllegalArgumentException(
          "--output-max-bytes is " + outputMaxBytes + ", expected 0 (never) or a size");
    }
    if (outputKeep < 1) {
      throw new IllegalArgumentException(
          "--output-keep is " + outputKeep + ", expected 1 or more files");
    }
    if (outputRotateIntervalNanos > 0 && outputRotateIntervalNanos < 1_000_000_000L) {
      throw new IllegalArgumentException("--output-rotate-interval is "
          + outputRotateIntervalNanos / 1_000_000 + "ms, expected 0 (never) or at least 1s");
    }
    if (outputRotateIntervalNanos > 0 && outputMaxBytes > 0) {
      throw new IllegalArgumentException("--output-rotate-interval and --output-max-bytes: choose"
          + " one way to rotate the output file");
    }
    if (Files.isDirectory(outputPath)) {
      throw new IllegalArgumentException(
          "--output-path " + outputPath + " is a directory, expected a file");
    }
    return new FileSink(outputPath, outputMaxBytes, outputKeep,
        outputRotateIntervalNanos / 1_000_000, outputFsync, warn);
  }

  private EventSink createKafkaSink() throws IOException {
    KafkaSinkConfig config = kafkaConfig();
    try {
      return new KafkaSink(config);
    } catch (KafkaException e) {
      throw new IllegalArgumentException(
          "Kafka producer configuration rejected: "
              + redact(causes(e), config.producerProperties()),
          null);
    }
  }

  /** The Kafka sink settings from the options (validated). */
  public KafkaSinkConfig kafkaConfig() {
    Properties props = configFile == null ? new Properties() : loadConfig(configFile);
    String servers = bootstrap;
    if (servers == null || servers.isBlank()) {
      servers = props.getProperty("bootstrap.servers");
    }
    props.remove("bootstrap.servers");
    if (servers == null || servers.isBlank()) {
      throw new IllegalArgumentException(
          "--output kafka needs --kafka-bootstrap HOST:PORT (or bootstrap.servers in"
              + " --kafka-config)");
    }
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("--kafka-topic is empty, expected a topic name");
    }
    if (closeTimeoutSeconds < 0) {
      throw new IllegalArgumentException(
          "--kafka-close-timeout is " + closeTimeoutSeconds + ", expected 0 or more seconds");
    }
    if (memoryMaxBytes < 1024) {
      throw new IllegalArgumentException(
          "--kafka-buffer-bytes is " + memoryMaxBytes + ", expected at least 1k");
    }
    Path spool = spoolMaxBytes == 0 ? null : (spoolDir != null ? spoolDir : defaultSpoolDir());
    return new KafkaSinkConfig(
        servers.trim(),
        topic,
        alertTopic,
        props,
        spool,
        spoolMaxBytes,
        memoryMaxBytes,
        Duration.ofSeconds(closeTimeoutSeconds),
        sensorName());
  }

  /** $XDG_STATE_HOME/ja3sensor/spool, else ~/.local/state/ja3sensor/spool. */
  static Path defaultSpoolDir() {
    String state = System.getenv("XDG_STATE_HOME");
    Path base =
        state != null && !state.isBlank()
            ? Path.of(state)
            : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("ja3sensor").resolve("spool");
  }

  private static Properties loadConfig(Path f) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(f)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--kafka-config " + f + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("--kafka-config " + f + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--kafka-config " + f + ": cannot read (" + e.getClass().getSimpleName() + ")");
    } catch (IllegalArgumentException e) {
      // Properties.load: a malformed \\uXXXX escape. The message holds no file content.
      throw new IllegalArgumentException(
          "--kafka-config " + f + ": not a properties file (" + e.getMessage() + ")");
    }
    return p;
  }

  private static String causes(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause()) {
      if (t.getMessage() != null && !parts.contains(t.getMessage())) {
        parts.add(t.getMessage());
      }
    }
    return String.join(": ", parts).replace('\n', ' ');
  }

  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(password|secret|jaas|token|credential|\\.key$|key\\.pem).*");

  /**
   * Removes every secret value of {@code props} (and each longer word of it, as a JAAS parser
   * may quote a fragment) from {@code message}.
   */
  static String redact(String message, Properties props) {
    String out = message;
    for (String k : props.stringPropertyNames()) {
      if (!SECRET_KEY.matcher(k).matches()) {
        continue;
      }
      String v = props.getProperty(k);
      if (v == null || v.isEmpty()) {
        continue;
      }
      out = out.replace(v, "[hidden]");
      for (String word : v.split("[\\s\"'=;]+")) {
        if (word.length() >= 4) {
          out = out.replace(word, "[hidden]");
        }
      }
    }
    return out;
  }

  private static String hostName() {
    return org.ja3sensor.core.BuildInfo.hostName();
  }

  /** {@code rotate} / {@code always}, any case. */
  static final class FsyncConverter implements ITypeConverter<FileSink.Fsync> {
    @Override
    public FileSink.Fsync convert(String value) {
      try {
        return FileSink.Fsync.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not an fsync policy, expected rotate or always");
      }
    }
  }

  /** {@code stdout} / {@code kafka} / {@code file}, any case. */
  static final class KindConverter implements ITypeConverter<Kind> {
    @Override
    public Kind convert(String value) {
      try {
        return Kind.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not an output, expected stdout, kafka or file");
      }
    }
  }
}
