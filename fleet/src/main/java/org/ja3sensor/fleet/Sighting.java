package org.ja3sensor.fleet;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One sensor event as the aggregator needs it: who saw it (sensor), which client host, when
 * (event time) and the few fields kept as evidence of a first sighting. The same sighting goes to
 * every fingerprint key of the event (the key says which fingerprint). Immutable.
 *
 * @param eventTime {@code @timestamp} of the event, epoch milliseconds
 * @param timestamp {@code @timestamp} as the sensor wrote it (microseconds kept)
 * @param sensor {@code observer.name}, else {@code observer.hostname}, else the record's sensor
 *     header, else {@code "-"}
 * @param host {@code source.ip} (the client), or null
 * @param destinationIp {@code destination.ip}, or null
 * @param destinationPort {@code destination.port}, or 0
 * @param serverName {@code tls.client.server_name}, or null
 * @param communityId {@code network.community_id}, or null
 */
public record Sighting(
    long eventTime,
    String timestamp,
    String sensor,
    String host,
    String destinationIp,
    int destinationPort,
    String serverName,
    String communityId) {

  /** Binary serde (the repartition topic between parsing and the statistics). */
  public static Serde<Sighting> serde() {
    return Serdes.serdeFrom(SER, DE);
  }

  private static final Serializer<Sighting> SER =
      (topic, s) -> {
        if (s == null) {
          return null;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        try (DataOutputStream o = new DataOutputStream(b)) {
          o.writeByte(1); // format version
          o.writeLong(s.eventTime);
          writeNullable(o, s.timestamp);
          writeNullable(o, s.sensor);
          writeNullable(o, s.host);
          writeNullable(o, s.destinationIp);
          o.writeInt(s.destinationPort);
          writeNullable(o, s.serverName);
          writeNullable(o, s.communityId);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return b.toByteArray();
      };

  private static final Deserializer<Sighting> DE =
      (topic, bytes) -> {
        if (bytes == null) {
          return null;
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
          int version = in.readByte();
          if (version != 1) {
            throw new IOException("sighting format version " + version + ", expected 1");
          }
          return new Sighting(
              in.readLong(),
              readNullable(in),
              readNullable(in),
              readNullable(in),
              readNullable(in),
              in.readInt(),
              readNullable(in),
              readNullable(in));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };

  static void writeNullable(DataOutputStream o, String s) throws IOException {
    if (s == null) {
      o.writeBoolean(false);
    } else {
      o.writeBoolean(true);
      o.writeUTF(s.length() > 4096 ? s.substring(0, 4096) : s);
    }
  }

  static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
