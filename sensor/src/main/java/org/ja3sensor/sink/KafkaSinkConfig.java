package org.ja3sensor.sink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * What {@link KafkaSink} needs to run.
 *
 * @param bootstrap broker list, {@code host:port[,host:port...]}
 * @param topic topic of every event (and of alerts when {@code alertTopic} is null)
 * @param alertTopic topic of alert events, or null to keep them in {@code topic}
 * @param producerProperties extra producer properties (SASL, TLS ...) that override the sink's
 *     defaults; the safety settings listed in {@link KafkaSink#ENFORCED} cannot be overridden.
 *     May hold secrets: never print its values.
 * @param spoolDir directory of the overflow spool, or null to run without a spool (events beyond
 *     the memory bound are then counted as failed)
 * @param spoolMaxBytes bound of all spool files together
 * @param memoryMaxBytes bound of the events held in memory (queued or in the producer, not yet
 *     acknowledged)
 * @param closeTimeout how long {@link KafkaSink#close()} (and {@code flush()}) waits for the
 *     broker before spooling what is left
 * @param sensorName sent in a header of every record
 */
public record KafkaSinkConfig(
    String bootstrap,
    String topic,
    String alertTopic,
    Properties producerProperties,
    Path spoolDir,
    long spoolMaxBytes,
    long memoryMaxBytes,
    Duration closeTimeout,
    String sensorName) {

  public static final String DEFAULT_TOPIC = "ja3sensor.tls";
  public static final long DEFAULT_SPOOL_MAX_BYTES = 1L << 30;
  public static final long DEFAULT_MEMORY_MAX_BYTES = 64L << 20;
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  public KafkaSinkConfig {
    Objects.requireNonNull(bootstrap, "bootstrap");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    Objects.requireNonNull(sensorName, "sensorName");
    producerProperties = producerProperties == null ? new Properties() : producerProperties;
    if (memoryMaxBytes < 1024) {
      throw new IllegalArgumentException(
          "memory bound is " + memoryMaxBytes + " bytes, expected at least 1024");
    }
    if (spoolMaxBytes < 0) {
      throw new IllegalArgumentException(
          "spool bound is " + spoolMaxBytes + " bytes, expected 0 or more");
    }
  }

  /** Defaults for everything but the broker list, for tests and tools. */
  public static KafkaSinkConfig of(String bootstrap, Path spoolDir) {
    return new KafkaSinkConfig(
        bootstrap,
        DEFAULT_TOPIC,
        null,
        new Properties(),
        spoolDir,
        DEFAULT_SPOOL_MAX_BYTES,
        DEFAULT_MEMORY_MAX_BYTES,
        DEFAULT_CLOSE_TIMEOUT,
        "ja3sensor");
  }

  public KafkaSinkConfig withTopics(String topic, String alertTopic) {
    return new KafkaSinkConfig(
        bootstrap, topic, alertTopic, producerProperties, spoolDir, spoolMaxBytes,
        memoryMaxBytes, closeTimeout, sensorName);
  }

  public KafkaSinkConfig withBounds(long memoryMaxBytes, long spoolMaxBytes) {
    return new KafkaSinkConfig(
        bootstrap, topic, alertTopic, producerProperties, spoolDir, spoolMaxBytes,
        memoryMaxBytes, closeTimeout, sensorName);
  }

  public KafkaSinkConfig withCloseTimeout(Duration closeTimeout) {
    return new KafkaSinkConfig(
        bootstrap, topic, alertTopic, producerProperties, spoolDir, spoolMaxBytes,
        memoryMaxBytes, closeTimeout, sensorName);
  }

  public KafkaSinkConfig withSensorName(String sensorName) {
    return new KafkaSinkConfig(
        bootstrap, topic, alertTopic, producerProperties, spoolDir, spoolMaxBytes,
        memoryMaxBytes, closeTimeout, sensorName);
  }

  public KafkaSinkConfig withProducerProperties(Properties producerProperties) {
    return new KafkaSinkConfig(
        bootstrap, topic, alertTopic, producerProperties, spoolDir, spoolMaxBytes,
        memoryMaxBytes, closeTimeout, sensorName);
  }

  /** A record's {@code toString} would print the producer properties: secrets stay hidden. */
  @Override
  public String toString() {
    return "KafkaSinkConfig[bootstrap=" + bootstrap + ", topic=" + topic + ", alertTopic="
        + alertTopic + ", producerProperties=" + producerProperties.stringPropertyNames()
        + " (values hidden), spoolDir=" + spoolDir + ", spoolMaxBytes=" + spoolMaxBytes
        + ", memoryMaxBytes=" + memoryMaxBytes + ", closeTimeout=" + closeTimeout
        + ", sensorName=" + sensorName + "]";
  }
}
