package org.ja3sensor.sink;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Prints every record of a topic (value per line, partition by partition), for trying the sensor
 * by hand: {@code KafkaTopicDump BOOTSTRAP TOPIC [--keys]}. Used by scripts/kafka-dump-topic.sh.
 */
public final class KafkaTopicDump {
  private KafkaTopicDump() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: KafkaTopicDump BOOTSTRAP TOPIC [--keys]");
      System.exit(2);
    }
    boolean keys = args.length > 2 && args[2].equals("--keys");
    for (ConsumerRecord<String, String> r :
        TopicReader.readAll(args[0], args[1], Duration.ofMinutes(5))) {
      System.out.println(keys ? r.partition() + "\t" + r.key() + "\t" + r.value() : r.value());
    }
  }
}
