package org.ja3sensor.sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test helper: reads a whole topic with a real consumer, from the beginning to the end offsets. */
public final class TopicReader {
  private TopicReader() {}

  /** Records in {@code topic} now (sum of end offsets), 0 when the topic does not exist. */
  public static long count(String bootstrap, String topic) {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props(bootstrap))) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        return 0;
      }
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo pi : infos) {
        tps.add(new TopicPartition(topic, pi.partition()));
      }
      long n = 0;
      for (long v : c.endOffsets(tps, Duration.ofSeconds(10)).values()) {
        n += v;
      }
      return n;
    }
  }

  private static Properties props(String bootstrap) {
    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.setProperty(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }

  /**
   * Every record of {@code topic} present now, partition by partition in offset order. Reads
   * until each partition's position reaches the end offset taken at the start (so duplicates
   * are read too), at most {@code timeout}.
   */
  public static List<ConsumerRecord<String, String>> readAll(
      String bootstrap, String topic, Duration timeout) {
    Properties p = props(bootstrap);
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null) {
        return out;
      }
      for (PartitionInfo pi : infos) {
        tps.add(new TopicPartition(topic, pi.partition()));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reachedEnd(c, end)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("topic " + topic + " not read to its end within " + timeout);
        }
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          out.add(r);
        }
      }
    }
    out.sort(
        (a, b) ->
            a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
    return out;
  }

  private static boolean reachedEnd(
      KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
