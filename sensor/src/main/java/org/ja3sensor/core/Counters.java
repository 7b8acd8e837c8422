package org.ja3sensor.core;

/**
 * Counters of one pipeline (one worker thread). Written only by the owning thread; the summary
 * and periodic stats read them, which is approximate while the worker runs. Several workers'
 * counters are combined with {@link #addTo(Counters)}.
 */
public final class Counters {
  private final long[] anomalies = new long[Anomaly.values().length];
  /**
   * Anomalies counted by another thread than the owner (the certificate parse runs where the
   * event is serialised): see {@link #anomalyFromAnyThread}.
   */
  private final java.util.concurrent.atomic.AtomicLongArray shared =
      new java.util.concurrent.atomic.AtomicLongArray(Anomaly.values().length);

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

  /**
   * UDP datagrams that carried a QUIC long header of a known version (or Version Negotiation),
   * counted by the decoder.
   */
  public long quicPackets;
  /** QUIC flows (connections) created in the UDP flow table. */
  public long quicFlows;
  /** QUIC Initial packets seen (both directions). */
  public long quicInitials;
  /** QUIC Initial packets decrypted with the tag verified. */
  public long quicDecrypted;
  /** QUIC Initial packets whose tag did not verify (also the anomaly QUIC_TAG_FAILURE). */
  public long quicTagFailures;
  /** Hellos (client and server) assembled from QUIC CRYPTO frames. */
  public long quicHellos;
  /** Of those, ClientHellos and ServerHellos (the rest of {@link #clientHellos} came over TCP). */
  public long quicClientHellos;

  public long quicServerHellos;
  /** QUIC Retry packets seen. */
  public long quicRetries;
  /** QUIC Version Negotiation packets seen. */
  public long quicVersionNegotiations;

  /** Sum of all anomaly counts, kept as they are counted. */
  private long anomalyTotal;

  public void anomaly(Anomaly a) {
    anomalies[a.ordinal()]++;
    anomalyTotal++;
  }

  /** Counts an anomaly from any thread (atomic; for work done after the packet thread). */
  public void anomalyFromAnyThread(Anomaly a) {
    shared.incrementAndGet(a.ordinal());
  }

  public long get(Anomaly a) {
    return anomalies[a.ordinal()] + shared.get(a.ordinal());
  }

  public long totalAnomalies() {
    long t = anomalyTotal;
    for (int i = 0; i < shared.length(); i++) {
      t += shared.get(i);
    }
    return t;
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
    total.quicPackets += quicPackets;
    total.quicFlows += quicFlows;
    total.quicInitials += quicInitials;
    total.quicDecrypted += quicDecrypted;
    total.quicTagFailures += quicTagFailures;
    total.quicHellos += quicHellos;
    total.quicClientHellos += quicClientHellos;
    total.quicServerHellos += quicServerHellos;
    total.quicRetries += quicRetries;
    total.quicVersionNegotiations += quicVersionNegotiations;
    for (int i = 0; i < anomalies.length; i++) {
      total.anomalies[i] += anomalies[i];
      total.anomalies[i] += shared.get(i);
      total.anomalyTotal += shared.get(i);
    }
    total.anomalyTotal += anomalyTotal;
  }
}
