package org.ja3sensor.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/** The one-screen end-of-run summary printed on stderr. */
final class Summary {
  private Summary() {}

  /** @param alerts alerts by severity: low, medium, high */
  static void print(PrintWriter err, int files, int failedFiles, Counters c, long[] alerts,
      long elapsedNanos) {
    double secs = Math.max(elapsedNanos, 1) / 1e9;
    err.printf(Locale.ROOT, "ja3sensor summary%n");
    err.printf(Locale.ROOT, "  files      %d%s%n", files, failedFiles > 0 ? " (" + failedFiles + " with errors)" : "");
    err.printf(Locale.ROOT, "  packets    %d (%d TCP, %d QUIC, %d other)%n", c.packets, c.tcpPackets, c.quicPackets, c.otherPackets);
    if (c.ipFragments > 0) {
      err.printf(Locale.ROOT, "  fragments  %d IP (%d datagrams reassembled)%n",
          c.ipFragments, c.ipReassembled);
    }
    err.printf(Locale.ROOT, "  bytes      %d (%.1f MB)%n", c.bytes, c.bytes / 1e6);
    err.printf(Locale.ROOT, "  flows      %d (%d evicted idle)%n", c.flows, c.flowsIdleEvicted);
    err.printf(Locale.ROOT, "  hellos     %d client, %d server%s%n", c.clientHellos,
        c.serverHellos, c.quicHellos == 0 ? "" : String.format(Locale.ROOT,
            " (QUIC: %d client, %d server)", c.quicClientHellos, c.quicServerHellos));
    if (c.quicPackets > 0) {
      err.printf(
          Locale.ROOT,
          "  quic       %d flows, %d Initials (%d decrypted, %d tag failures), %d hellos, %d retries, %d version negotiation%n",
          c.quicFlows,
          c.quicInitials,
          c.quicDecrypted,
          c.quicTagFailures,
          c.quicHellos,
          c.quicRetries,
          c.quicVersionNegotiations);
    }
    err.printf(Locale.ROOT, "  events     %d%n", c.events);
    err.printf(Locale.ROOT, "  alerts     %d (%d high, %d medium, %d low)%n",
        alerts[0] + alerts[1] + alerts[2], alerts[2], alerts[1], alerts[0]);
    long total = c.totalAnomalies();
    err.printf(Locale.ROOT, "  anomalies  %d%n", total);
    for (Anomaly a : Anomaly.values()) {
      long n = c.get(a);
      if (n > 0) {
        err.printf(Locale.ROOT, "    %-28s %d%n", a.label(), n);
      }
    }
    err.printf(
        Locale.ROOT,
        "  elapsed    %.3f s (%.1f MB/s, %.0f packets/s)%n",
        secs,
        c.bytes / 1e6 / secs,
        c.packets / secs);
    err.flush();
  }
}
