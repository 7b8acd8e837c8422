package org.ja3sensor.event;

import org.ja3sensor.cert.ServerCertificates;
import org.ja3sensor.decode.IpAddresses;
import org.ja3sensor.fingerprint.ClientFingerprints;
import org.ja3sensor.fingerprint.Ja3;
import org.ja3sensor.fingerprint.Ja4;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * One TLS handshake as observed: what becomes one JSON line. Built by the pipeline when the
 * handshake is complete (or the flow ends), then serialised by {@link EventJson}; what the
 * matcher finds travels beside it ({@link EventJson.Extension}), not in it. Plain mutable holder, created once per handshake (not per packet).
 */
public final class TlsEvent {
  /** Why the event was emitted at this moment. */
  public enum Trigger {
    /** Both hellos were seen. */
    SERVER_HELLO,
    /** The connection closed (RST, or FIN from both sides) before both hellos were seen. */
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

  /**
   * The addresses as the pipeline holds them (two longs each, IPv4 mapped into IPv6, see {@link
   * IpAddresses}); the strings {@link #clientIp}, {@link #serverIp} and {@link #communityId} are
   * made from them by {@link #deriveFields()}.
   */
  public long clientHi;
  public long clientLo;
  public long serverHi;
  public long serverLo;

  public String clientIp;
  public int clientPort;
  public String serverIp;
  public int serverPort;
  /**
   * True for IPv6: set by the pipeline from the packets' IP version before {@link #deriveFields()},
   * which also sets it when an address is not IPv4-mapped.
   */
  public boolean ipv6;

  public String communityId;
  public int tunnelDepth;

  /** True when the hellos came from QUIC Initial packets (UDP), false for TLS over TCP. */
  public boolean quic;
  /** The QUIC version (of the server's Initial when seen, else of the client's); 0 for TCP. */
  public int quicVersion;

  public ClientHello clientHello;
  public String ja3String;
  public String ja3Hash;
  /** JA3N: the JA3 string with its extensions sorted, and its MD5. */
  public String ja3nString;
  public String ja3nHash;
  /**
   * The transport letter of JA4 ({@link Ja4#TCP}, {@link Ja4#QUIC}, {@link Ja4#DTLS}); set by the
   * pipeline that built the event before {@link #deriveFields()}.
   */
  public char ja4Transport = Ja4.TCP;
  /** JA4 and JA4_r. */
  public String ja4;
  public String ja4Raw;
  /** JA4_o and JA4_ro: null unless {@link #deriveOriginalJa4()} ran (option --ja4-original). */
  public String ja4Original;
  public String ja4OriginalRaw;
  /** True when the client sent an SSLv2-format hello (no JA3). */
  public boolean sslv2ClientHello;

  public ServerHello serverHello;
  public String ja3sString;
  public String ja3sHash;

  /**
   * The server's certificate chain (TLS 1.2 and older), or null: not sent, TLS 1.3, or not complete
   * when the event went out. Hashed and parsed lazily, where the event is serialised.
   */
  public ServerCertificates serverCertificates;

  public Trigger trigger;

  /**
   * {@code event.id} and {@code event.created} (wall clock, ns): set once, when the event is first
   * serialised (see EventJson).
   */
  public String eventId;

  public long createdNanos;

  /** Input file (read) or null. */
  public String filePath;
  /**
   * Sensor name and capture interface (capture) or null; a null name means the one the
   * EventJson was given (the {@code --sensor-name} of read).
   */
  public String observerName;
  public String ingressInterface;

  /** Set once {@link #deriveFields()} has run. */
  private boolean derived;
  /** Set once {@link #deriveClientFingerprints()} has run. */
  private boolean fingerprinted;

  /**
   * Fills the fields that are pure functions of the raw ones: the address strings and Community ID
   * (from {@link #clientHi} ... {@link #serverLo} and the ports), the JA3/JA3S strings and hashes,
   * JA3N and JA4/JA4_r (from the hellos; those of the ClientHello through the per-thread memo of
   * {@link ClientFingerprints}, since most hellos repeat one seen moments before). Idempotent. The
   * pipeline may leave this to the thread that publishes the event, so that its own thread only
   * handles packets, or do only {@link #deriveClientFingerprints()} itself.
   */
  public void deriveFields() {
    if (derived) {
      return;
    }
    derived = true;
    deriveClientFingerprints();
    // IPv4 when the packets were IPv4 (the pipeline sets ipv6 from the flow) and both addresses
    // are IPv4-mapped; an IPv6 packet between IPv4-mapped addresses stays IPv6.
    boolean v4 =
        !ipv6
            && IpAddresses.isIpv4Mapped(clientHi, clientLo)
            && IpAddresses.isIpv4Mapped(serverHi, serverLo);
    ipv6 = !v4;
    clientIp = IpAddresses.format(clientHi, clientLo, ipv6);
    serverIp = IpAddresses.format(serverHi, serverLo, ipv6);
    communityId =
        CommunityId.v1(0, clientHi, clientLo, clientPort, serverHi, serverLo, serverPort, v4,
            quic ? CommunityId.UDP : CommunityId.TCP);
    if (serverHello != null) {
      ja3sString = Ja3.ja3sString(serverHello);
      ja3sHash = Ja3.md5Hex(ja3sString);
    }
  }

  /**
   * Fills JA3, JA3N, JA4 and JA4_r of the ClientHello, if any, through this thread's memo of
   * {@link ClientFingerprints}: part of {@link #deriveFields()}, which a pipeline on a capture
   * thread runs alone, leaving the address strings, the Community ID and JA3S to the emitter. The
   * memo it fills is the one the thread's pipeline asks for the key of a repeated hello's content
   * ({@link ClientFingerprints#keptContent}). Idempotent.
   */
  public void deriveClientFingerprints() {
    if (fingerprinted) {
      return;
    }
    fingerprinted = true;
    if (clientHello != null) {
      ClientFingerprints f = ClientFingerprints.of(clientHello, ja4Transport);
      ja3String = f.ja3String();
      ja3Hash = f.ja3Hash();
      ja3nString = f.ja3nString();
      ja3nHash = f.ja3nHash();
      ja4 = f.ja4();
      ja4Raw = f.ja4Raw();
    }
  }

  /**
   * Fills {@link #ja4Original} and {@link #ja4OriginalRaw} (JA4_o, JA4_ro) when there is a
   * ClientHello. Idempotent; run on the same thread as {@link #deriveFields()}.
   */
  public void deriveOriginalJa4() {
    if (clientHello != null && ja4Original == null) {
      Ja4.Result o = Ja4.original(clientHello, ja4Transport);
      ja4Original = o.fingerprint();
      ja4OriginalRaw = o.raw();
    }
  }
}
