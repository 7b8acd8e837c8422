package org.ja3sensor.pipeline;

import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.decode.PacketDecoder;
import org.ja3sensor.event.TlsEvent;
import org.ja3sensor.flow.Flow;
import org.ja3sensor.flow.FlowTable;
import org.ja3sensor.flow.TcpStream;
import org.ja3sensor.source.PacketHandler;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;
import org.ja3sensor.tls.TlsStreamParser;

/**
 * One processing pipeline (one thread): decode, flow table and reassembly, TLS hello parsing,
 * fingerprints, events. Single-threaded; live capture runs one per worker and sends both
 * directions of a flow to the same worker (see {@link #flowHash}).
 *
 * <p>Per packet the work is: decode headers in place, one hash lookup, an LRU touch; payload is
 * looked at only while its direction still waits for its hello. An event is emitted when the
 * ServerHello is parsed (with the ClientHello seen before it), or when a flow with a hello closes,
 * is evicted, is reused by a new connection, or the input ends.
 */
public final class Pipeline implements PacketHandler, TlsStreamParser.Listener {
  private static final long EXPIRE_CHECK_INTERVAL_NANOS = 1_000_000_000L;

  private final PipelineConfig config;
  private final Counters counters;
  private final EventListener listener;
  private final PacketDecoder decoder;
  private final DecodedPacket packet = new DecodedPacket();
  private final FlowTable table;

  private String filePath;
  private String observerName;
  private String[] interfaceNames;

  /** Bytes buffered by all streams (out-of-order queues and parser accumulators). */
  private long buffered;

  private long lastExpireCheck = Long.MIN_VALUE;

  /** See {@link #setDeferDerivedFields}. */
  private boolean deferDerivedFields;

  // The segment being processed, for the parser callbacks.
  private Flow current;
  private int currentSide;
  private long currentNanos;

  public Pipeline(PipelineConfig config, Counters counters, EventListener listener) {
    this.config = config;
    this.counters = counters;
    this.listener = listener;
    this.decoder = new PacketDecoder(counters);
    this.table = new FlowTable(config.maxFlows());
  }

  /** Names written to events: input file, or sensor name and interface names by ifIndex. */
  public void setContext(String filePath, String observerName, String[] interfaceNames) {
    this.filePath = filePath;
    this.observerName = observerName;
    this.interfaceNames = interfaceNames;
  }

  /**
   * When true, events reach the listener with only their raw fields set: the listener must call
   * {@link TlsEvent#deriveFields()} (address strings, Community ID, JA3/JA3S), typically on another
   * thread, so that this one spends its time on packets. Default false: events arrive complete.
   */
  public void setDeferDerivedFields(boolean defer) {
    this.deferDerivedFields = defer;
  }

  public Counters counters() {
    return counters;
  }

  /** Bytes all streams buffer right now. */
  public long bufferedBytes() {
    return buffered;
  }

  /** Flows in the table right now. */
  public int activeFlows() {
    return table.size();
  }

  @Override
  public void onPacket(
      int linkType, long tsNanos, byte[] buf, int off, int capLen, int origLen, int ifIndex) {
    counters.packets++;
    counters.bytes += capLen;
    if (decoder.decode(linkType, buf, off, capLen, packet)) {
      onSegment(packet, tsNanos, ifIndex);
    }
  }

  /** Processes a segment already decoded by the caller (the live-capture dispatcher). */
  public void onSegment(DecodedPacket p, long tsNanos, int ifIndex) {
    if (tsNanos - lastExpireCheck >= EXPIRE_CHECK_INTERVAL_NANOS
        || lastExpireCheck == Long.MIN_VALUE) {
      lastExpireCheck = tsNanos;
      expire(tsNanos);
    }
    int hash = flowHash(p);
    Flow f = table.find(p, hash);
    if (f == null) {
      if ((p.payloadLen == 0 && !p.syn()) || p.rst()) {
        return; // a pure ACK, FIN or RST of a flow we do not know teaches nothing
      }
      if (table.isFull()) {
        counters.anomaly(Anomaly.FLOW_TABLE_FULL);
        evict(table.oldest(), TlsEvent.Trigger.FLOW_EVICTED);
      }
      f = table.insert(p, hash, tsNanos);
      f.ifIndex = ifIndex;
      counters.flows++;
      counters.flowsActive = table.size();
    } else {
      table.touch(f, tsNanos);
    }
    int side = FlowTable.sideOf(f, p);
    TcpStream s = f.stream(side);

    if (p.syn()) {
      boolean newConnection =
          s.synSeen ? s.isn != p.seq : s.state != TcpStream.IDLE && s.isOutsideSentRange(p.seq);
      if (newConnection) {
        reuse(f);
      }
      if (!s.synSeen) {
        s.onSyn(p.seq);
      }
      if (!p.ackFlag()) {
        f.initiatorSide = side;
      }
    }
    if (p.payloadLen > 0) {
      payload(f, side, s, p, tsNanos);
    }
    if (p.rst() || p.fin()) {
      f.closed = true;
      if (f.hasPendingEvent()) {
        emit(f, TlsEvent.Trigger.FLOW_CLOSED);
      }
      release(s);
      if (p.rst()) {
        release(f.stream(1 - side));
      }
    }
  }

  private void payload(Flow f, int side, TcpStream s, DecodedPacket p, long tsNanos) {
    if (s.state == TcpStream.DONE) {
      if ((f.clientSide < 0 || f.clientSide == side)
          && looksLikeClientHello(p.payload, p.payloadOff, p.payloadLen)
          && s.isOutsideSentRange(p.seq)) {
        // A new hello outside what this side already sent: the 4-tuple was reused without a SYN
        // in the capture (busy clients reuse ports within seconds).
        reuse(f);
      } else {
        s.noteSegment(p.seq, p.payloadLen);
        return;
      }
    }
    if (s.parser == null) {
      s.parser =
          new TlsStreamParser(counters, config.scanLimit(), config.maxHandshakeBytesPerFlow());
    }
    current = f;
    currentSide = side;
    currentNanos = tsNanos;
    int status =
        s.accept(
            p.seq,
            p.payload,
            p.payloadOff,
            p.payloadLen,
            config.maxOutOfOrderSegments(),
            config.maxHandshakeBytesPerFlow(),
            counters,
            this);
    current = null;
    if (status != TlsStreamParser.NEED_MORE) {
      release(s);
      return;
    }
    account(s);
    if (buffered > config.reassemblyMemcap()) {
      counters.anomaly(Anomaly.REASSEMBLY_MEMCAP);
      release(s);
    }
  }

  /** The 4-tuple carries a new connection: close the old handshake, start afresh. */
  private void reuse(Flow f) {
    if (f.hasPendingEvent()) {
      emit(f, TlsEvent.Trigger.FLOW_REUSED);
    }
    release(f.fromA);
    release(f.fromB);
    f.resetHandshake();
    counters.flows++; // a new connection, though the same table entry
  }

  private void release(TcpStream s) {
    if (s.state != TcpStream.DONE && s.hasHole()) {
      counters.anomaly(Anomaly.REASSEMBLY_GAP);
    }
    s.release();
    account(s);
  }

  private void account(TcpStream s) {
    buffered += s.bufferedBytes() - s.accountedBytes();
    s.setAccountedBytes(s.bufferedBytes());
  }

  /** A TLS handshake record carrying a ClientHello starts at {@code off}. */
  static boolean looksLikeClientHello(byte[] b, int off, int len) {
    return len >= 6
        && b[off] == 0x16
        && b[off + 1] == 0x03
        && (b[off + 2] & 0xff) <= 0x04
        && b[off + 5] == 0x01;
  }

  // --- parser callbacks (for the stream being fed: current, currentSide) ---

  @Override
  public void onClientHello(ClientHello hello) {
    Flow f = current;
    if (f.clientHello != null || f.sslv2ClientHello) {
      if (f.clientSide != currentSide) {
        counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
      }
      return;
    }
    if (f.clientSide >= 0 && f.clientSide != currentSide) {
      counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
      return;
    }
    counters.clientHellos++;
    f.clientHello = hello;
    f.clientSide = currentSide;
    f.clientHelloNanos = currentNanos;
    f.inputName = filePath;
    if (f.serverHello != null) {
      emit(f, TlsEvent.Trigger.SERVER_HELLO);
    }
  }

  @Override
  public void onSslv2ClientHello() {
    Flow f = current;
    if (f.clientHello != null || f.sslv2ClientHello
        || (f.clientSide >= 0 && f.clientSide != currentSide)) {
      counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
      return;
    }
    f.sslv2ClientHello = true;
    f.clientSide = currentSide;
    f.clientHelloNanos = currentNanos;
    f.inputName = filePath;
  }

  @Override
  public void onServerHello(ServerHello hello) {
    Flow f = current;
    if (f.serverHello != null) {
      return;
    }
    if (f.clientSide == currentSide) {
      counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
      return;
    }
    counters.serverHellos++;
    f.serverHello = hello;
    f.serverHelloNanos = currentNanos;
    if (f.clientSide < 0) {
      f.clientSide = 1 - currentSide;
    }
    if (f.inputName == null) {
      f.inputName = filePath;
    }
    if (f.clientHello != null || f.sslv2ClientHello) {
      emit(f, TlsEvent.Trigger.SERVER_HELLO);
    }
  }

  // --- eviction and end of input ---

  /** Evicts flows idle since before {@code nowNanos - idleTimeout}; call now and then. */
  public void expire(long nowNanos) {
    Flow f;
    while ((f = table.oldest()) != null
        && nowNanos - f.lastSeenNanos > config.idleTimeoutNanos()) {
      counters.flowsIdleEvicted++;
      evict(f, TlsEvent.Trigger.FLOW_EVICTED);
    }
  }

  /** The input ended: emits the events of every flow with a hello and empties the table. */
  public void finish() {
    Flow f;
    while ((f = table.oldest()) != null) {
      evict(f, TlsEvent.Trigger.INPUT_END);
    }
  }

  private void evict(Flow f, TlsEvent.Trigger trigger) {
    if (f.hasPendingEvent()) {
      emit(f, trigger);
    }
    release(f.fromA);
    release(f.fromB);
    table.remove(f);
    counters.flowsActive = table.size();
  }

  private void emit(Flow f, TlsEvent.Trigger trigger) {
    f.emitted = true;
    int client = f.clientSide >= 0 ? f.clientSide : Math.max(f.initiatorSide, 0);
    boolean aIsClient = client == 0;
    long cHi = aIsClient ? f.aHi() : f.bHi();
    long cLo = aIsClient ? f.aLo() : f.bLo();
    int cPort = aIsClient ? f.aPort() : f.bPort();
    long sHi = aIsClient ? f.bHi() : f.aHi();
    long sLo = aIsClient ? f.bLo() : f.aLo();
    int sPort = aIsClient ? f.bPort() : f.aPort();

    TlsEvent e = new TlsEvent();
    e.trigger = trigger;
    e.clientHi = cHi;
    e.clientLo = cLo;
    e.clientPort = cPort;
    e.serverHi = sHi;
    e.serverLo = sLo;
    e.serverPort = sPort;
    e.ipv6 = f.ipv6;
    e.tunnelDepth = f.tunnelDepth;
    e.timestampNanos =
        (f.clientHello != null || f.sslv2ClientHello) ? f.clientHelloNanos : f.serverHelloNanos;
    e.sslv2ClientHello = f.sslv2ClientHello;
    e.clientHello = f.clientHello;
    e.serverHello = f.serverHello;
    if (!deferDerivedFields) {
      e.deriveFields();
    }
    e.filePath = f.inputName != null ? f.inputName : filePath;
    e.observerName = observerName;
    if (interfaceNames != null && f.ifIndex >= 0 && f.ifIndex < interfaceNames.length) {
      e.ingressInterface = interfaceNames[f.ifIndex];
    }
    counters.events++;
    listener.onEvent(e);
  }

  /** Direction-independent hash of a segment's flow (same value for both directions). */
  public static int flowHash(DecodedPacket p) {
    long a = p.srcHi * 31 + p.srcLo + p.srcPort;
    long b = p.dstHi * 31 + p.dstLo + p.dstPort;
    long x = a ^ b;
    long y = a + b;
    long h = x * 0x9E3779B97F4A7C15L + y;
    h ^= (h >>> 29);
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }
}
