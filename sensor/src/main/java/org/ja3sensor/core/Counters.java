package org.ja3sensor.core;

/**
 * Counters of one pipeline (one worker thread). Written only by the owning thread; the summary
 * and periodic stats read them, which is approximate while the worker runs. Several workers'
 * counters are combined with {@link #addTo(Counters)}.
 */
public final class Counters {
  private final long[] anomalies = new long[Anomaly.values().length];

  /** Frames handed to the decoder. */
  public long packets;
  /** Bytes of those frames (captured length). */
  public long bytes;
  /** Frames that carried a TCP segment the decoder understood. */
  public long tcpPackets;
  /** Frames that were not IP or not TCP (not anomalies: simply not ours). */
  public long otherPackets;
  /** IP fragments taken into reassembly (a completed datagram is then decoded and counted). */
  public long ipFragments;
  /** IP datagrams reassembled from fragments. */
  public long ipReassembled;
  /** Flows created in the flow table. */
  public long flows;
  /** Flows evicted for idleness. */
  public long flowsIdleEvicted;
  /** Flows currently in the table (gauge). */
  public long flowsActive;
  /** ClientHellos parsed. */
  public long clientHellos;
  /** ServerHellos parsed. */
  public long serverHellos;
  /** Events emitted. */
  public long events;

  /** Sum of all anomaly counts, kept as they are counted. */
  private long anomalyTotal;

  public void anomaly(Anomaly a) {
    anomalies[a.ordinal()]++;
    anomalyTotal++;
  }

  public long get(Anomaly a) {
    return anomalies[a.ordinal()];
  }

  public long totalAnomalies() {
    return anomalyTotal;
  }

  /** Adds this worker's counts into {@code total}. */
  public void addTo(Counters total) {
    total.packets += packets;
    total.bytes += bytes;
    total.tcpPackets += tcpPackets;
    total.otherPackets += otherPackets;
    total.ipFragments += ipFragments;
    total.ipReassembled += ipReassembled;
    total.flows += flows;
    total.flowsIdleEvicted += flowsIdleEvicted;
    total.flowsActive += flowsActive;
    total.clientHellos += clientHellos;
    total.serverHellos += serverHellos;
    total.events += events;
    for (int i = 0; i < anomalies.length; i++) {
      total.anomalies[i] += anomalies[i];
    }
    total.anomalyTotal += anomalyTotal;
  }
}
