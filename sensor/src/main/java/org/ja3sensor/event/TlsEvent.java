package org.ja3sensor.event;

import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.match.AlertVerdict;
import org.ja3sensor.match.Enrichment;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * One TLS handshake as observed: what becomes one JSON line. Built by the pipeline when the
 * handshake is complete (or the flow ends), enriched by the matcher, then serialised by {@link
 * EventJson}. Plain mutable holder, created once per handshake (not per packet).
 */
public final class TlsEvent {
  /** Why the event was emitted at this moment. */
  public enum Trigger {
    /** Both hellos were seen. */
    SERVER_HELLO,
    /** The flow closed (FIN/RST) before both hellos were seen. */
    FLOW_CLOSED,
    /** The flow was evicted (idle timeout or table full). */
    FLOW_EVICTED,
    /** A new connection reused the 4-tuple. */
    FLOW_REUSED,
    /** The input ended (end of file, or shutdown of a live capture). */
    INPUT_END
  }

  /** Time of the ClientHello packet (of the ServerHello when no ClientHello was seen), ns. */
  public long timestampNanos;

  public String clientIp;
  public int clientPort;
  public String serverIp;
  public int serverPort;
  public boolean ipv6;
  public String communityId;
  public int tunnelDepth;

  public ClientHello clientHello;
  public String ja3String;
  public String ja3Hash;
  /** True when the client sent an SSLv2-format hello (no JA3). */
  public boolean sslv2ClientHello;

  public ServerHello serverHello;
  public String ja3sString;
  public String ja3sHash;

  public Trigger trigger;

  /** Input file (read) or null. */
  public String filePath;
  /** Sensor name and capture interface (capture) or null. */
  public String observerName;
  public String ingressInterface;

  /**
   * What the fingerprint database knows about this handshake, most significant first; filled by
   * the matcher.
   */
  public final List<Enrichment> enrichments = new ArrayList<>();

  /** True when the matcher decided this handshake is an alert (event.kind = alert). */
  public boolean alert;

  /** TLS policy findings, bits of {@link org.ja3sensor.match.PolicyFlag}; set by the matcher. */
  public int policyFlags;

  /** Why the event is an alert (rule, score, database version); null unless {@link #alert}. */
  public AlertVerdict verdict;
}
