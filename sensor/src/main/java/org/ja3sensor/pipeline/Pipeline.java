package org.ja3sensor.pipeline;

import org.ja3sensor.cert.ServerCertificates;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.decode.PacketDecoder;
import org.ja3sensor.event.EventListener;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.fingerprint.ClientFingerprints;
import org.ja3sensor.fingerprint.Ja4;
import org.ja3sensor.flow.Flow;
import org.ja3sensor.flow.FlowKey;
import org.ja3sensor.flow.StreamConsumer;
import org.ja3sensor.flow.TcpTracker;
import org.ja3sensor.quic.QuicConnection;
import org.ja3sensor.quic.QuicTracker;
import org.ja3sensor.source.PacketHandler;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * One processing pipeline (one thread): decode, TCP ({@link TcpTracker}: flow table,
 * reassembly), TLS hello parsing ({@link TlsDirection} per direction), events. Single-threaded;
 * live capture runs one per worker and sends both directions of a flow to the same worker (see
 * {@link #flowHash}).
 *
 * <p>Per packet the work is: decode headers in place, one hash lookup, an LRU touch; payload is
 * looked at only while its direction still waits for its hello (the server's, in TLS 1.2 and older,
 * for its Certificate message). An event is emitted when the ServerHello is parsed (with the
 * ClientHello seen before it; in TLS 1.2 and older when the server's certificate reading ends:
 * Certificate complete, ServerHelloDone, ChangeCipherSpec, encrypted data, byte cap), or when a flow with a hello closes,
 * is evicted, is reused by a new connection, or the input ends. This class holds the TLS rules:
 * which side is the client, when a handshake makes an event, and what the event says.
 */
public final class Pipeline
    implements PacketHandler, TcpTracker.Application<TlsSession>, QuicTracker.Listener {
  private final PipelineConfig config;
  private final Counters counters;
  private final EventListener listener;
  private final PacketDecoder decoder;
  private final DecodedPacket packet = new DecodedPacket();
  private final TcpTracker<TlsSession> tcp;
  private final QuicTracker quic;

  private String filePath;
  private String observerName;
  private String[] interfaceNames;

  /** See {@link #setDerive}. */
  private Derive derive = Derive.ALL;

  /** The file {@link #startFile} announced, until its first packet; else null. */
  private String nextFile;
  /** Capture time of the last packet, or Long.MIN_VALUE before the first. */
  private long lastPacketNanos = Long.MIN_VALUE;

  public Pipeline(PipelineConfig config, Counters counters, EventListener listener) {
    this.config = config;
    this.counters = counters;
    this.listener = listener;
    this.decoder = new PacketDecoder(counters);
    this.tcp =
        new TcpTracker<>(
            counters,
            this,
            config.maxFlows(),
            config.idleTimeoutNanos(),
            config.maxHandshakeBytesPerFlow(),
            config.reassemblyMemcap(),
            config.maxOutOfOrderSegments());
    this.quic =
        new QuicTracker(
            counters,
            this,
            config.maxFlows(),
            config.udpIdleTimeoutNanos(),
            config.maxHandshakeBytesPerFlow(),
            quicMemcap(config));
  }

  /** Names written to events: input file, or sensor name and interface names by ifIndex. */
  public void setContext(String filePath, String observerName, String[] interfaceNames) {
    this.filePath = filePath;
    this.observerName = observerName;
    this.interfaceNames = interfaceNames;
    quic.setInputName(filePath);
  }

  /**
   * The packets that follow come from another capture file (read with several files). Flows go on
   * into it only when its first packet is at or after the last packet so far, as in a capture
   * rotated by {@code tcpdump -C/-G} (a handshake cut by the rotation still gives one event).
   * When it starts earlier it is another capture of its own (the same capture again, a filtered
   * copy, a second tap, an unrelated capture reusing 4-tuples): the flows so far are finished
   * first (their events emitted, trigger input_end), as at the end of the input.
   */
  public void startFile(String filePath) {
    nextFile = filePath;
  }

  /**
   * Which of an event's derived fields ({@link TlsEvent#deriveFields()}) the pipeline's thread
   * fills before its listener gets the event; the listener derives the rest.
   */
  public enum Derive {
    /** All of them: events arrive complete (the default). */
    ALL,
    /**
     * The ClientHello's fingerprints only ({@link TlsEvent#deriveClientFingerprints()}), through
     * this thread's memo, which its parser also asks for the arrays a repeated hello can share;
     * the address strings, the Community ID and JA3S are left to the listener. For a pipeline on
     * a capture thread, which must keep pace with the kernel's buffer while the emitter's queue
     * can wait.
     */
    CLIENT_FINGERPRINTS,
    /** None: events reach the listener with only their raw fields set (read). */
    NONE
  }

  /** See {@link Derive}. */
  public void setDerive(Derive derive) {
    this.derive = derive;
  }

  /** See {@link Derive}. */
  public Derive derive() {
    return derive;
  }

  public Counters counters() {
    return counters;
  }

  /** Bytes all streams buffer right now: TCP (within the memcap) and QUIC CRYPTO streams. */
  public long bufferedBytes() {
    return tcp.bufferedBytes() + quic.bufferedBytes();
  }

  /**
   * The cap of what QUIC CRYPTO streams hold together: a quarter of the reassembly memcap, at
   * least one hello's worth, beside the TCP streams' memcap (so a pipeline buffers at most 5/4 of
   * the memcap; docs/security.md).
   */
  public static long quicMemcap(PipelineConfig config) {
    return Math.max(config.maxHandshakeBytesPerFlow(), config.reassemblyMemcap() / 4);
  }

  /** Flows in the table right now. */
  public int activeFlows() {
    return tcp.activeFlows() + quic.activeFlows();
  }

  @Override
  public void onPacket(
      int linkType, long tsNanos, byte[] buf, int off, int capLen, int origLen, int ifIndex) {
    counters.packets++;
    counters.bytes += capLen;
    if (nextFile != null) {
      if (tsNanos < lastPacketNanos) {
        finish(); // another capture, not the continuation of this one
      }
      filePath = nextFile;
      nextFile = null;
    }
    lastPacketNanos = tsNanos;
    if (decoder.decode(linkType, tsNanos, buf, off, capLen, packet)) {
      onSegment(packet, tsNanos, ifIndex);
    }
  }

  /** Processes a segment already decoded by the caller (the live-capture dispatcher). */
  public void onSegment(DecodedPacket p, long tsNanos, int ifIndex) {
    if (p.udp) {
      quic.onDatagram(p, tsNanos, ifIndex);
    } else {
      tcp.onSegment(p, tsNanos, ifIndex);
    }
  }

  // --- the TCP layer's callbacks ---

  @Override
  public TlsSession newSession() {
    return new TlsSession();
  }

  @Override
  public StreamConsumer openStream(Flow<TlsSession> flow, int side) {
    return new TlsDirection(this, flow, side, counters, config);
  }

  /**
   * A ClientHello on a direction whose hello was already found, outside what it sent before: the
   * 4-tuple was reused (when the side may be the client).
   */
  @Override
  public boolean startsConnection(Flow<TlsSession> f, int side, byte[] b, int off, int len) {
    int clientSide = f.session.clientSide;
    return (clientSide < 0 || clientSide == side) && looksLikeClientHello(b, off, len);
  }

  /** Idle flows, TCP and QUIC, end as fast as the listener takes their events without waiting. */
  @Override
  public int evictionRoom() {
    return listener.room();
  }

  @Override
  public void onEnd(Flow<TlsSession> f, TcpTracker.End why) {
    if (f.session.hasPendingEvent()) {
      emit(f, trigger(why));
    }
  }

  private static TlsEvent.Trigger trigger(TcpTracker.End why) {
    return switch (why) {
      case CLOSED -> TlsEvent.Trigger.FLOW_CLOSED;
      case EVICTED -> TlsEvent.Trigger.FLOW_EVICTED;
      case REUSED -> TlsEvent.Trigger.FLOW_REUSED;
      case INPUT_END -> TlsEvent.Trigger.INPUT_END;
    };
  }

  /** A TLS handshake record carrying a ClientHello starts at {@code off}. */
  static boolean looksLikeClientHello(byte[] b, int off, int len) {
    return len >= 6
        && b[off] == 0x16
        && b[off + 1] == 0x03
        && (b[off + 2] & 0xff) <= 0x04
        && b[off + 5] == 0x01;
  }

  // --- hellos, from the directions' consumers ---

  void onClientHello(Flow<TlsSession> f, int side, ClientHello hello, long tsNanos) {
    TlsSession h = f.session;
    if (h.hasClientHello()) {
      if (h.clientSide != side) {
        counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
      }
      return;
    }
    if (h.clientSide >= 0 && h.clientSide != side) {
      counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
      return;
    }
    counters.clientHellos++;
    // a client seen before: the flow keeps the memo's key of its content and the server name,
    // not a hello of its own, while it waits (FlowMemory)
    ClientHello key = ClientFingerprints.keptContent(hello, Ja4.TCP);
    if (key != null) {
      h.clientHello = key;
      h.clientServerName = hello.serverName();
    } else {
      h.clientHello = hello;
    }
    h.clientHelloSeen = true;
    h.clientSide = side;
    h.clientHelloNanos = tsNanos;
    h.inputName = filePath;
    if (h.serverHelloSeen && !h.awaitingCertificate) {
      emit(f, TlsEvent.Trigger.SERVER_HELLO);
    }
  }

  void onSslv2ClientHello(Flow<TlsSession> f, int side, long tsNanos) {
    TlsSession h = f.session;
    if (h.hasClientHello() || (h.clientSide >= 0 && h.clientSide != side)) {
      counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
      return;
    }
    h.sslv2ClientHello = true;
    h.clientSide = side;
    h.clientHelloNanos = tsNanos;
    h.inputName = filePath;
  }

  /**
   * @param certificateFollows the direction goes on to read the server's Certificate message
   *     (TLS 1.2 and older): the event waits for {@link #onServerCertificates}
   */
  void onServerHello(
      Flow<TlsSession> f, int side, ServerHello hello, long tsNanos, boolean certificateFollows) {
    TlsSession h = f.session;
    if (h.serverHelloSeen) {
      return;
    }
    if (h.clientSide == side) {
      counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
      return;
    }
    counters.serverHellos++;
    h.serverHello = hello;
    h.serverHelloSeen = true;
    h.serverHelloNanos = tsNanos;
    if (h.clientSide < 0) {
      h.clientSide = 1 - side;
    }
    if (h.inputName == null) {
      h.inputName = filePath;
    }
    h.awaitingCertificate = certificateFollows;
    if (h.hasClientHello() && !certificateFollows) {
      emit(f, TlsEvent.Trigger.SERVER_HELLO);
    }
  }

  /**
   * The server direction's certificate reading ended: the chain, or null (none sent, or the
   * message was cut: counted by the reader). The event goes out now if the ClientHello was seen.
   */
  void onServerCertificates(Flow<TlsSession> f, ServerCertificates chain) {
    TlsSession h = f.session;
    if (!h.awaitingCertificate || h.emitted) {
      return; // a ServerHello the pipeline ignored (role conflict, duplicate), or a new session
    }
    h.awaitingCertificate = false;
    h.serverCertificates = chain;
    if (h.hasClientHello()) {
      emit(f, TlsEvent.Trigger.SERVER_HELLO);
    }
  }

  // --- eviction and end of input ---

  /** Evicts flows idle since before {@code nowNanos - idleTimeout}; call now and then. */
  public void expire(long nowNanos) {
    tcp.expire(nowNanos);
    quic.expire(nowNanos);
  }

  /** The input ended: emits the events of every flow with a hello and empties the table. */
  public void finish() {
    tcp.finish();
    quic.finish();
  }

  // --- QUIC ---

  /** A QUIC connection's hellos: one event per connection (see {@link QuicTracker}). */
  @Override
  public void onHandshake(Flow<QuicConnection> f, QuicTracker.Reason why) {
    QuicConnection c = f.session;
    boolean aIsClient = c.clientSide != 1;
    FlowKey k = f;
    TlsEvent e = new TlsEvent();
    e.trigger =
        switch (why) {
          case SERVER_HELLO -> TlsEvent.Trigger.SERVER_HELLO;
          case EVICTED -> TlsEvent.Trigger.FLOW_EVICTED;
          case INPUT_END -> TlsEvent.Trigger.INPUT_END;
        };
    e.clientHi = aIsClient ? k.aHi() : k.bHi();
    e.clientLo = aIsClient ? k.aLo() : k.bLo();
    e.clientPort = aIsClient ? k.aPort() : k.bPort();
    e.serverHi = aIsClient ? k.bHi() : k.aHi();
    e.serverLo = aIsClient ? k.bLo() : k.aLo();
    e.serverPort = aIsClient ? k.bPort() : k.aPort();
    e.ipv6 = k.ipv6;
    e.tunnelDepth = f.tunnelDepth;
    e.quic = true;
    e.ja4Transport = Ja4.QUIC;
    e.quicVersion = c.version;
    e.timestampNanos = c.clientHello != null ? c.clientHelloNanos : c.serverHelloNanos;
    e.clientHello = c.clientHello;
    e.serverHello = c.serverHello;
    derive(e);
    e.filePath = c.inputName != null ? c.inputName : filePath;
    e.observerName = observerName;
    if (interfaceNames != null && f.ifIndex >= 0 && f.ifIndex < interfaceNames.length) {
      e.ingressInterface = interfaceNames[f.ifIndex];
    }
    counters.events++;
    listener.onEvent(e);
  }

  private void derive(TlsEvent e) {
    if (derive == Derive.ALL) {
      e.deriveFields();
    } else if (derive == Derive.CLIENT_FINGERPRINTS) {
      e.deriveClientFingerprints();
    }
  }

  private void emit(Flow<TlsSession> f, TlsEvent.Trigger trigger) {
    TlsSession h = f.session;
    int client = h.clientSide >= 0 ? h.clientSide : Math.max(f.initiatorSide, 0);
    boolean aIsClient = client == 0;
    FlowKey k = f;
    long cHi = aIsClient ? k.aHi() : k.bHi();
    long cLo = aIsClient ? k.aLo() : k.bLo();
    int cPort = aIsClient ? k.aPort() : k.bPort();
    long sHi = aIsClient ? k.bHi() : k.aHi();
    long sLo = aIsClient ? k.bLo() : k.aLo();
    int sPort = aIsClient ? k.bPort() : k.aPort();

    TlsEvent e = new TlsEvent();
    e.trigger = trigger;
    e.clientHi = cHi;
    e.clientLo = cLo;
    e.clientPort = cPort;
    e.serverHi = sHi;
    e.serverLo = sLo;
    e.serverPort = sPort;
    e.ipv6 = k.ipv6;
    e.tunnelDepth = f.tunnelDepth;
    e.timestampNanos = h.hasClientHello() ? h.clientHelloNanos : h.serverHelloNanos;
    e.sslv2ClientHello = h.sslv2ClientHello;
    e.clientHello = h.clientHello();
    e.serverHello = h.serverHello;
    e.serverCertificates = h.serverCertificates;
    h.emitted();
    derive(e);
    e.filePath = h.inputName != null ? h.inputName : filePath;
    e.observerName = observerName;
    if (interfaceNames != null && f.ifIndex >= 0 && f.ifIndex < interfaceNames.length) {
      e.ingressInterface = interfaceNames[f.ifIndex];
    }
    counters.events++;
    listener.onEvent(e);
  }

  /** Direction-independent hash of a segment's flow (same value for both directions). */
  public static int flowHash(DecodedPacket p) {
    return FlowKey.hash(p);
  }
}
