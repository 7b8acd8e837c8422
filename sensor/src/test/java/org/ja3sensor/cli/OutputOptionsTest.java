package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.ja3sensor.sink.EventSink;
import org.ja3sensor.sink.KafkaSinkConfig;
import org.ja3sensor.sink.StdoutSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class OutputOptionsTest {
  @TempDir Path tmp;

  @Command(name = "emit")
  static final class Emit implements Runnable {
    @Mixin OutputOptions output;

    @Override
    public void run() {}
  }

  private static OutputOptions parse(String... args) {
    Emit e = new Emit();
    new CommandLine(e).parseArgs(args);
    return e.output;
  }

  @Test
  void stdoutIsTheDefault() throws IOException {
    OutputOptions o = parse();
    assertEquals(OutputOptions.Kind.STDOUT, o.output());
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (EventSink s = o.createSink(new PrintStream(buf, true, StandardCharsets.UTF_8))) {
      assertInstanceOf(StdoutSink.class, s);
      s.publish("{\"a\":1}", "k", false);
    }
    assertEquals("{\"a\":1}\n", buf.toString(StandardCharsets.UTF_8));
  }

  @Test
  void kafkaOptionsBecomeTheSinkConfig() throws IOException {
    Path cfg = tmp.resolve("producer.properties");
    Files.writeString(cfg, "bootstrap.servers=file-broker:9092\ncompression.type=zstd\n");
    OutputOptions o =
        parse(
            "--output", "KAFKA",
            "--kafka-bootstrap", "b1:9092,b2:9092",
            "--kafka-topic", "tls",
            "--kafka-alert-topic", "tls-alerts",
            "--kafka-config", cfg.toString(),
            "--spool-dir", tmp.resolve("spool").toString(),
            "--spool-max-bytes", "2g",
            "--kafka-buffer-bytes", "512k",
            "--kafka-close-timeout", "7",
            "--sensor-name", "dmz-1");
    KafkaSinkConfig c = o.kafkaConfig();
    assertEquals("b1:9092,b2:9092", c.bootstrap(), "the option wins over the file");
    assertEquals("tls", c.topic());
    assertEquals("tls-alerts", c.alertTopic());
    assertEquals("zstd", c.producerProperties().getProperty("compression.type"));
    assertNull(c.producerProperties().getProperty("bootstrap.servers"));
    assertEquals(tmp.resolve("spool"), c.spoolDir());
    assertEquals(2L << 30, c.spoolMaxBytes());
    assertEquals(512L << 10, c.memoryMaxBytes());
    assertEquals(Duration.ofSeconds(7), c.closeTimeout());
    assertEquals("dmz-1", c.sensorName());
  }

  @Test
  void defaults() {
    OutputOptions o = parse("--output", "kafka", "--kafka-bootstrap", "b:9092");
    KafkaSinkConfig c = o.kafkaConfig();
    assertEquals("ja3sensor.tls", c.topic());
    assertNull(c.alertTopic());
    assertEquals(1L << 30, c.spoolMaxBytes());
    assertEquals(64L << 20, c.memoryMaxBytes());
    assertEquals(Duration.ofSeconds(30), c.closeTimeout());
    assertTrue(c.spoolDir().endsWith(Path.of("ja3sensor", "spool")), c.spoolDir().toString());
    assertFalse(c.sensorName().isBlank());
    assertNull(parse("--output", "kafka", "--kafka-bootstrap", "b:9092", "--spool-max-bytes", "0")
        .kafkaConfig().spoolDir(), "0 disables the spool");
  }

  @Test
  void bootstrapMayComeFromTheConfigFile() throws IOException {
    Path cfg = tmp.resolve("p.properties");
    Files.writeString(cfg, "bootstrap.servers=file-broker:9092\n");
    OutputOptions o = parse("--output", "kafka", "--kafka-config", cfg.toString());
    assertEquals("file-broker:9092", o.kafkaConfig().bootstrap());
  }

  @Test
  void oneLineErrors() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("--output", "kafka").createSink(System.out));
    assertEquals(
        "--output kafka needs --kafka-bootstrap HOST:PORT (or bootstrap.servers in"
            + " --kafka-config)",
        e.getMessage());

    Path missing = tmp.resolve("nope.properties");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("--output", "kafka", "--kafka-bootstrap", "b:1", "--kafka-config",
                missing.toString()).kafkaConfig());
    assertEquals("--kafka-config " + missing + ": no such file", e.getMessage());

    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("--output", "kafka", "--kafka-bootstrap", "b:1", "--kafka-config",
                tmp.toString()).kafkaConfig());
    assertTrue(e.getMessage().startsWith("--kafka-config " + tmp + ": cannot read"), e.getMessage());

    CommandLine.ParameterException pe =
        assertThrows(CommandLine.ParameterException.class, () -> parse("--output", "syslog"));
    assertTrue(pe.getMessage().contains("expected stdout, kafka or file"), pe.getMessage());
    pe = assertThrows(CommandLine.ParameterException.class,
        () -> parse("--spool-max-bytes", "lots"));
    assertTrue(pe.getMessage().contains("expected a size"), pe.getMessage());
  }

  @Test
  void aRejectedSecurityConfigNeverPrintsTheSecret() throws IOException {
    String secret = "Tr0ub4dor&3-horse";
    Path cfg = tmp.resolve("sasl.properties");
    // The JAAS entry lacks its closing semicolon: the producer refuses it at construction.
    Files.writeString(
        cfg,
        "security.protocol=SASL_SSL\n"
            + "sasl.mechanism=PLAIN\n"
            + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"sensor\" password=\"" + secret + "\"\n"
            + "ssl.truststore.password=" + secret + "\n");
    OutputOptions o =
        parse("--output", "kafka", "--kafka-bootstrap", "127.0.0.1:1", "--kafka-config",
            cfg.toString(), "--spool-dir", tmp.resolve("spool").toString());

    PrintStream savedErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    IllegalArgumentException e;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      e = assertThrows(IllegalArgumentException.class, () -> o.createSink(System.out));
    } finally {
      System.setErr(savedErr);
    }
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    assertTrue(e.getMessage().startsWith("Kafka producer configuration rejected: "), e.getMessage());
    assertFalse(trace.toString().contains(secret), trace.toString());
    assertFalse(err.toString(StandardCharsets.UTF_8).contains(secret), err.toString());
    assertFalse(o.kafkaConfig().toString().contains(secret));
    // The spool directory was released: a corrected configuration can use it.
    assertTrue(Files.isDirectory(tmp.resolve("spool")));
  }

  @Test
  void redactRemovesWholeValuesAndTheirWords() {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("sasl.jaas.config", "Module required username=\"u\" password=\"hunter22\";");
    p.setProperty("ssl.keystore.password", "abcd1234");
    p.setProperty("linger.ms", "5000");
    assertEquals(
        "bad [hidden] near \"[hidden]\" and [hidden], linger 5000",
        OutputOptions.redact("bad hunter22 near \"hunter22\" and abcd1234, linger 5000", p));
  }
}
