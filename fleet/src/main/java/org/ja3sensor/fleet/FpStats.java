package org.ja3sensor.fleet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the fleet knows about one key (a fingerprint, a JA3+JA3S pair, or a server name by
 * fingerprint): first and last seen (event time), connections, distinct client hosts and sensors
 * (bounded, {@link DistinctSet}), the most frequent server names (bounded, {@link TopValues}), the
 * earliest event as evidence, and which alerts were already raised. Bounded to a few KB whatever
 * the traffic. Mutable; one instance per processing step.
 */
public final class FpStats {
  public long firstSeen;
  public long lastSeen;
  public long connections;
  /** The event with the earliest event time seen so far. */
  public Sighting first;
  public final DistinctSet hosts;
  public final DistinctSet sensors;
  public final TopValues serverNames;
  /** First seen while the learning period ran (never new, never spread). */
  public boolean learned;
  public boolean rareAlerted;
  public boolean spreadAlerted;

  private FpStats(DistinctSet hosts, DistinctSet sensors, TopValues serverNames) {
    this.hosts = hosts;
    this.sensors = sensors;
    this.serverNames = serverNames;
  }

  /** A key seen for the first time, in {@code s}. */
  public static FpStats first(Sighting s) {
    FpStats f = new FpStats(new DistinctSet(), new DistinctSet(), new TopValues());
    f.firstSeen = s.eventTime();
    f.lastSeen = s.eventTime();
    f.first = s;
    return f;
  }

  /** Counts one more sighting (in any event-time order). */
  public void add(Sighting s, FleetConfig cfg) {
    connections++;
    if (s.eventTime() < firstSeen) {
      firstSeen = s.eventTime();
      first = s;
    }
    lastSeen = Math.max(lastSeen, s.eventTime());
    hosts.add(s.host(), cfg.exactLimit());
    sensors.add(s.sensor(), cfg.exactLimit());
    serverNames.add(s.serverName(), cfg.topServerNames());
  }

  /**
   * Rare at event time {@code now}: at most {@code rareMaxHosts} hosts and first seen within
   * {@code rareFirstSeenWithin} before {@code now}.
   */
  public boolean isRare(long now, FleetConfig cfg) {
    return hosts.count() <= cfg.rareMaxHosts()
        && firstSeen >= now - cfg.rareFirstSeenWithin().toMillis();
  }

  public static Serde<FpStats> serde() {
    return Serdes.serdeFrom(
        (topic, f) -> f == null ? null : f.toBytes(), (topic, b) -> b == null ? null : of(b));
  }

  byte[] toBytes() {
    ByteArrayOutputStream b = new ByteArrayOutputStream(256);
    try (DataOutputStream o = new DataOutputStream(b)) {
      o.writeByte(1); // format version
      o.writeLong(firstSeen);
      o.writeLong(lastSeen);
      o.writeLong(connections);
      o.writeByte((learned ? 1 : 0) | (rareAlerted ? 2 : 0) | (spreadAlerted ? 4 : 0));
      byte[] s = Sighting.serde().serializer().serialize(null, first);
      o.writeInt(s.length);
      o.write(s);
      hosts.write(o);
      sensors.write(o);
      serverNames.write(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static FpStats of(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readByte();
      if (version != 1) {
        throw new IOException("fingerprint statistics format version " + version + ", expected 1");
      }
      long firstSeen = in.readLong();
      long lastSeen = in.readLong();
      long connections = in.readLong();
      int flags = in.readByte();
      byte[] s = new byte[in.readInt()];
      in.readFully(s);
      Sighting first = Sighting.serde().deserializer().deserialize(null, s);
      FpStats f = new FpStats(DistinctSet.read(in), DistinctSet.read(in), TopValues.read(in));
      f.firstSeen = firstSeen;
      f.lastSeen = lastSeen;
      f.connections = connections;
      f.first = first;
      f.learned = (flags & 1) != 0;
      f.rareAlerted = (flags & 2) != 0;
      f.spreadAlerted = (flags & 4) != 0;
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
