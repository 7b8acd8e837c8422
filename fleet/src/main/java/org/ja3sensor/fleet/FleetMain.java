package org.ja3sensor.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ja3sensor fleet}: the fleet aggregator ({@code run}) and its query client ({@code lookup}). */
@Command(
    name = "ja3sensor fleet",
    mixinStandardHelpOptions = true,
    subcommands = {FleetMain.Run.class, FleetMain.Lookup.class, CommandLine.HelpCommand.class},
    description = {
      "Fleet view of the sensors' events on Kafka Streams: first seen, prevalence, new, rare and"
          + " spreading fingerprints across sensors (docs/fleet.md)."
    })
public final class FleetMain {
  private static final Logger LOG = LoggerFactory.getLogger(FleetMain.class);

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new FleetMain());
    cl.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          c.getErr().println("ja3sensor fleet: " + e.getMessage());
          return 2;
        });
    cl.setParameterExceptionHandler(
        (e, args) -> {
          e.getCommandLine().getErr().println("ja3sensor fleet: " + e.getMessage());
          return 2;
        });
    return cl;
  }

  /** {@code ja3sensor fleet run}: one aggregator instance. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run one aggregator instance (as many as the load needs, same --application-id).")
  static final class Run implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]",
        description = "Kafka brokers (or bootstrap.servers in --kafka-config).")
    String bootstrap;

    @Option(names = "--application-id", defaultValue = "ja3sensor-fleet",
        description = "Kafka Streams application id: instances with the same id share the work"
            + " (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--input-topic", paramLabel = "TOPIC", split = ",",
        description = "Topics of sensor events, repeatable (default: ja3sensor.tls).")
    List<String> inputTopics;

    @Option(names = "--new-topic", defaultValue = "ja3sensor.fleet.new",
        description = "New-fingerprint alerts (default: ${DEFAULT-VALUE}).")
    String newTopic;

    @Option(names = "--rare-topic", defaultValue = "ja3sensor.fleet.rare",
        description = "Rare-fingerprint alerts (default: ${DEFAULT-VALUE}).")
    String rareTopic;

    @Option(names = "--spread-topic", defaultValue = "ja3sensor.fleet.spread",
        description = "Spread alerts (default: ${DEFAULT-VALUE}).")
    String spreadTopic;

    @Option(names = "--dead-letter-topic", defaultValue = "ja3sensor.fleet.dead-letter",
        description = "Records that could not be used, with the reason (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--state-dir", paramLabel = "DIR",
        description = "Local state (RocksDB); default: $XDG_STATE_HOME/ja3sensor/fleet, else"
            + " ~/.local/state/ja3sensor/fleet.")
    Path stateDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8642",
        description = "HTTP endpoint for queries (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--advertise", paramLabel = "HOST:PORT",
        description = "Address other instances reach this one's HTTP endpoint at (default:"
            + " --listen).")
    String advertise;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: 1).")
    int threads;

    @Option(names = "--alert-kinds", split = ",", paramLabel = "KIND",
        description = "Kinds that alert: ja4, ja3, ja3n, ja3s, ja3+ja3s, sni (default: all but sni).")
    List<String> alertKinds;

    @Option(names = "--learning-period", defaultValue = "0", converter = Durations.class,
        description = "No alert during this long after the first event (default: 0; e.g. 7d).")
    Duration learningPeriod;

    @Option(names = "--rare-max-hosts", defaultValue = "2",
        description = "Rare: seen from at most N client hosts (default: ${DEFAULT-VALUE}).")
    int rareMaxHosts;

    @Option(names = "--rare-first-seen-within", defaultValue = "7d", converter = Durations.class,
        description = "Rare: and first seen within D (default: ${DEFAULT-VALUE}).")
    Duration rareFirstSeenWithin;

    @Option(names = "--rare-window", defaultValue = "1d", converter = Durations.class,
        description = "Rare alerts go out when a window of this length closes (default:"
            + " ${DEFAULT-VALUE}).")
    Duration rareWindow;

    @Option(names = "--spread-min-hosts", defaultValue = "10",
        description = "Spread: a fingerprint first seen within D reaches M hosts (default:"
            + " ${DEFAULT-VALUE}).")
    int spreadMinHosts;

    @Option(names = "--grace", defaultValue = "1h", converter = Durations.class,
        description = "How late an event may be and still count in its window (default:"
            + " ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--max-skew", defaultValue = "1d", converter = Durations.class,
        description = "Event time this far behind the stream time is a dead letter (default:"
            + " ${DEFAULT-VALUE}).")
    Duration maxSkew;

    @Option(names = "--max-ahead", defaultValue = "15m", converter = Durations.class,
        description = "Event time this far ahead of the wall clock is a dead letter; keep it"
            + " below the brokers' message.timestamp.after.max.ms (default: ${DEFAULT-VALUE}).")
    Duration maxAhead;

    @Option(names = "--retention", defaultValue = "30d", converter = Durations.class,
        description = "Forget a key not seen for this long (default: ${DEFAULT-VALUE}).")
    Duration retention;

    @Option(names = "--exact-limit", defaultValue = "64",
        description = "Distinct hosts/sensors kept exactly per key, then estimated (default:"
            + " ${DEFAULT-VALUE}).")
    int exactLimit;

    @Option(names = "--max-keys-per-task", defaultValue = "2000000",
        description = "Keys held per partition; beyond, new keys are dropped and counted (default:"
            + " ${DEFAULT-VALUE}).")
    long maxKeysPerTask;

    @Option(names = "--kafka-config", paramLabel = "FILE",
        description = "Kafka Streams and client properties (security, session.timeout.ms,"
            + " replication.factor ...).")
    Path kafkaConfig;

    @Override
    public Integer call() throws Exception {
      FleetConfig cfg = config();
      Properties p = properties();
      InetSocketAddress listenAddr = hostPort("--listen", listen);
      FleetCounters counters = new FleetCounters();
      ensureTopics(p, cfg);
      KafkaStreams streams =
          new KafkaStreams(FleetTopology.build(cfg, counters, System::currentTimeMillis), p);
      streams.setUncaughtExceptionHandler(e -> {
        LOG.error("fleet: stream thread failed, replacing it: {}", e.toString());
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      CountDownLatch stopped = new CountDownLatch(1);
      QueryServer server = new QueryServer(streams, listenAddr, hostInfo(p), cfg, counters);
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING && before == KafkaStreams.State.REBALANCING) {
          LOG.info("fleet: running; queries on http://{}", listen);
        }
        if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
          stopped.countDown();
        }
      });
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        streams.close(Duration.ofSeconds(30));
        stopped.countDown();
      }, "fleet-shutdown"));
      server.start();
      streams.start();
      stopped.await();
      return streams.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }

    private HostInfo hostInfo(Properties p) {
      return HostInfo.buildFromEndpoint(p.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG));
    }

    FleetConfig config() {
      Set<FingerprintKind> kinds = EnumSet.noneOf(FingerprintKind.class);
      if (alertKinds == null) {
        kinds.addAll(FingerprintKind.FINGERPRINTS);
      } else {
        for (String k : alertKinds) {
          FingerprintKind kind = FingerprintKind.ofPrefix(k.trim());
          if (kind == null) {
            throw new IllegalArgumentException(
                "--alert-kinds: '" + k + "', expected ja4, ja3, ja3n, ja3s, ja3+ja3s or sni");
          }
          kinds.add(kind);
        }
      }
      FleetConfig d = FleetConfig.defaults();
      return new FleetConfig(
          inputTopics == null || inputTopics.isEmpty() ? d.inputTopics() : inputTopics,
          newTopic, rareTopic, spreadTopic, deadLetterTopic, kinds, learningPeriod, rareMaxHosts,
          rareFirstSeenWithin, rareWindow, spreadMinHosts, grace, maxSkew, maxAhead, retention,
          exactLimit, d.topServerNames(), maxKeysPerTask, d.dailyRetention());
    }

    Properties properties() throws IOException {
      Properties p = new Properties();
      if (kafkaConfig != null) {
        try (InputStream in = Files.newInputStream(kafkaConfig)) {
          p.load(in);
        } catch (IOException e) {
          throw new IllegalArgumentException("--kafka-config " + kafkaConfig + ": " + e.getMessage());
        }
      }
      if (bootstrap != null) {
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      }
      if (p.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) == null) {
        throw new IllegalArgumentException(
            "--bootstrap: missing (and no bootstrap.servers in --kafka-config)");
      }
      p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
      p.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      p.setProperty(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
      Path dir = stateDir != null ? stateDir : defaultStateDir();
      Files.createDirectories(dir);
      p.setProperty(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
      hostPort("--listen", listen);
      String adv = advertise != null ? advertise : listen;
      hostPort("--advertise", adv);
      p.setProperty(StreamsConfig.APPLICATION_SERVER_CONFIG, adv);
      tuning(p);
      return p;
    }

    /**
     * The Kafka Streams settings every instance runs with unless {@code --kafka-config} sets them
     * (the benchmark uses them too): records the topology cannot process are logged and skipped.
     */
    static void tuning(Properties p) {
      p.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
          LogAndContinueExceptionHandler.class.getName());
      p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
          LogAndContinueProcessingExceptionHandler.class.getName());
    }

    private static Path defaultStateDir() {
      String xdg = System.getenv("XDG_STATE_HOME");
      Path base = xdg != null && !xdg.isBlank()
          ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
      return base.resolve("ja3sensor").resolve("fleet");
    }

    /** Creates the output topics that do not exist (broker defaults); checks the inputs exist. */
    private static void ensureTopics(Properties p, FleetConfig cfg) throws Exception {
      Properties a = new Properties();
      for (String k : p.stringPropertyNames()) {
        if (!k.startsWith("processing.") && !k.startsWith("default.")) {
          a.setProperty(k, p.getProperty(k));
        }
      }
      try (Admin admin = Admin.create(a)) {
        Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
        for (String t : cfg.inputTopics()) {
          if (!existing.contains(t)) {
            throw new IllegalArgumentException(
                "--input-topic " + t + ": no such topic on the brokers (start the sensors first or"
                    + " create it)");
          }
        }
        List<NewTopic> missing = new ArrayList<>();
        for (String t : List.of(
            cfg.newTopic(), cfg.rareTopic(), cfg.spreadTopic(), cfg.deadLetterTopic())) {
          if (!existing.contains(t)) {
            missing.add(new NewTopic(t, java.util.Optional.empty(), java.util.Optional.empty()));
          }
        }
        if (!missing.isEmpty()) {
          try {
            admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw new IllegalArgumentException(
                  "cannot create the output topics " + missing + ": " + e.getCause());
            }
          }
        }
      }
    }
  }

  static InetSocketAddress hostPort(String option, String s) {
    int colon = s.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      int port = Integer.parseInt(s.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(s.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + s + "', expected HOST:PORT");
    }
  }

  /** {@code ja3sensor fleet lookup}: asks an instance's HTTP endpoint. */
  @Command(name = "lookup", mixinStandardHelpOptions = true,
      description = "Print what the fleet knows of a fingerprint (JA4, JA3, JA3N, JA3S, JA3+JA3S,"
          + " or a key such as ja3:HASH), or the rare ones; exit 1 when nothing is known.")
  static final class Lookup implements java.util.concurrent.Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "VALUE")
    String value;

    @Option(names = "--rare", description = "List the rare fingerprints instead.")
    boolean rare;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8642",
        description = "Any aggregator instance (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--timeout", defaultValue = "30s", converter = Durations.class,
        description = "Retry while the instances rebalance, up to this long (default:"
            + " ${DEFAULT-VALUE}).")
    Duration timeout;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if ((value == null) == !rare) {
        throw new IllegalArgumentException("lookup: give a VALUE or --rare");
      }
      String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      URI uri = URI.create(rare
          ? base + "/fingerprints?rare=true"
          : base + "/fingerprints/"
              + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%2B"));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      long deadline = System.nanoTime() + timeout.toNanos();
      PrintWriter out = spec.commandLine().getOut();
      while (true) {
        HttpResponse<byte[]> r;
        try {
          r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalArgumentException("--url " + url + ": no answer within --timeout "
                + timeout.toSeconds() + "s, last error: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()));
          }
          Thread.sleep(500);
          continue;
        }
        if (r.statusCode() == 503 && System.nanoTime() < deadline) {
          Thread.sleep(500);
          continue;
        }
        JsonNode body = FleetJson.JSON.readTree(r.body());
        if (r.statusCode() == 200 || r.statusCode() == 404) {
          out.println(FleetJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
          out.flush();
          return r.statusCode() == 200 ? 0 : 1;
        }
        JsonNode err = body.get("error");
        throw new IllegalArgumentException(
            uri + " answered " + r.statusCode() + (err == null ? "" : ": " + err.asText()));
      }
    }
  }
}
