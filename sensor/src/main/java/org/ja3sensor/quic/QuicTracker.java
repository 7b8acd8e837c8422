package org.ja3sensor.quic;

import java.util.Arrays;
import java.util.function.Consumer;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;
import org.ja3sensor.decode.DecodedPacket;
import org.ja3sensor.flow.Flow;
import org.ja3sensor.flow.FlowKey;
import org.ja3sensor.flow.FlowTable;
import org.ja3sensor.flow.IdleExpiry;
import org.ja3sensor.tls.HandshakeAssembler;

/**
 * The QUIC layer of one pipeline: UDP flows in their own bounded {@link FlowTable} (the same
 * class, bounds and eviction as TCP's), and per datagram the long-header packets it holds
 * (coalesced packets walked by their Length). The rules:
 *
 * <ul>
 *   <li>A flow starts with an Initial of a known version; its sender is the client, and the
 *       Destination Connection ID of that first Initial gives the Initial keys of both directions
 *       (RFC 9001 section 5.2; later client Initials may carry the server's chosen ID, the keys
 *       stay). A Retry from the server replaces that ID with the Retry's Source Connection ID and
 *       drops the keys (RFC 9000 section 17.2.5): same connection, one event, counted.
 *   <li>Each Initial is decrypted with its tag verified (a failure is counted {@code
 *       QUIC_TAG_FAILURE}, never a hello); its CRYPTO frames feed the direction's {@link
 *       CryptoStream}, which feeds a {@link HandshakeAssembler} (the same as TLS over TCP). Once a
 *       direction's hello is assembled its Initials are no longer decrypted.
 *   <li>0-RTT, Handshake and short-header packets are skipped; Version Negotiation packets and
 *       unknown versions are counted and never guessed at.
 *   <li>The {@link Listener} hears a connection when its ServerHello is assembled after the
 *       ClientHello, else when the flow is evicted (idle timeout, table full) or the input ends.
 * </ul>
 *
 * <p>Single-threaded; owned by one pipeline.
 */
public final class QuicTracker {
  /** Why a connection's handshake is reported. */
  public enum Reason {
    /** The ServerHello was assembled after the ClientHello. */
    SERVER_HELLO,
    /** Idle timeout or table full. */
    EVICTED,
    /** The input ended. */
    INPUT_END
  }

  /** The layer above: makes the event of a connection. */
  public interface Listener {
    void onHandshake(Flow<QuicConnection> flow, Reason why);

    /** As {@link org.ja3sensor.flow.TcpTracker.Application#evictionRoom}. */
    default int evictionRoom() {
      return Integer.MAX_VALUE;
    }
  }

  private final Counters counters;
  private final Listener listener;
  private final FlowTable<QuicConnection> table;
  private final int maxHandshakeBytes;
  private final LongHeader hdr = new LongHeader();
  /** Made at the first Initial to decrypt (looking up the JDK's ciphers costs ~0.1 s CPU). */
  private PacketProtection protection;
  private final long memcap;
  /** Bytes the connections' CRYPTO streams hold, as last counted (at most {@link #memcap}). */
  private long buffered;
  private String inputName;
  private final IdleExpiry expiry;
  /** {@link #evictIdle}, made once: handed to {@link #expiry} for every packet. */
  private final Consumer<Flow<QuicConnection>> idleEnd = this::evictIdle;

  /**
   * @param maxFlows UDP flows kept in the table
   * @param idleTimeoutNanos a flow with no datagram for this long (capture time) is evicted
   * @param maxHandshakeBytes CRYPTO stream bytes one direction may hold, and the largest hello
   */
  public QuicTracker(
      Counters counters,
      Listener listener,
      int maxFlows,
      long idleTimeoutNanos,
      int maxHandshakeBytes) {
    this(counters, listener, maxFlows, idleTimeoutNanos, maxHandshakeBytes, Long.MAX_VALUE);
  }

  /**
   * As above, with {@code memcap} bounding what all connections' CRYPTO streams hold together
   * (stream buffers, their bitmaps and the hello accumulators): a connection whose data would
   * pass it gives up its streams, counted {@code REASSEMBLY_MEMCAP}.
   */
  public QuicTracker(
      Counters counters,
      Listener listener,
      int maxFlows,
      long idleTimeoutNanos,
      int maxHandshakeBytes,
      long memcap) {
    this.memcap = memcap;
    this.counters = counters;
    this.listener = listener;
    this.table = new FlowTable<>(maxFlows);
    this.expiry = new IdleExpiry(idleTimeoutNanos);
    this.maxHandshakeBytes = maxHandshakeBytes;
  }

  /** The input now read (written to the connections' first hellos), or null. */
  public void setInputName(String inputName) {
    this.inputName = inputName;
  }

  /** Bytes the CRYPTO streams of all connections hold (counted against the memory cap). */
  public long bufferedBytes() {
    return buffered;
  }

  /** Counts what {@code c} holds now; over the cap, its streams are given up. */
  private void account(QuicConnection c) {
    int now = c.heldNow();
    buffered += now - c.held;
    c.held = now;
    if (buffered > memcap) {
      counters.anomaly(Anomaly.REASSEMBLY_MEMCAP);
      c.release();
      buffered -= c.held;
      c.held = 0;
    }
  }

  /** The connection holds nothing any more (released): its bytes leave the count. */
  private void forget(QuicConnection c) {
    buffered -= c.held;
    c.held = 0;
  }

  /** UDP flows in the table right now. */
  public int activeFlows() {
    return table.size();
  }

  /** The connection of this datagram's flow, or null (tests). */
  QuicConnection connectionOf(DecodedPacket p) {
    Flow<QuicConnection> f = table.find(p, FlowKey.hash(p));
    return f == null ? null : f.session;
  }

  /** Processes one UDP datagram whose payload starts with a QUIC long header. */
  public void onDatagram(DecodedPacket p, long tsNanos, int ifIndex) {
    if (expiry.passDue(tsNanos)) {
      expire(tsNanos);
    }
    byte[] b = p.payload;
    int pos = p.payloadOff;
    int end = pos + p.payloadLen;
    int hash = FlowKey.hash(p);
    Flow<QuicConnection> f = expiry.unlessOverdue(table.find(p, hash), idleEnd);
    if (f == null) {
      int r = hdr.parse(b, pos, end);
      if (r == LongHeader.VERSION_NEGOTIATION) {
        counters.quicVersionNegotiations++;
        return;
      }
      if (r == LongHeader.INVALID) {
        counters.anomaly(Anomaly.QUIC_PACKET_INVALID);
        return;
      }
      if (r != LongHeader.OK || hdr.type != QuicVersions.TYPE_INITIAL) {
        return; // a connection is followed from its first Initial
      }
      if (table.isFull()) {
        counters.anomaly(Anomaly.FLOW_TABLE_FULL);
        evict(table.oldest(), Reason.EVICTED);
      }
      f = table.insert(p, hash, tsNanos);
      f.ifIndex = ifIndex;
      f.session = new QuicConnection();
      counters.quicFlows++;
    } else {
      table.touch(f, tsNanos);
    }
    QuicConnection c = f.session;
    if (c.emitted) {
      return; // both hellos out: nothing more to learn from this connection
    }
    int side = f.sideOf(p);
    while (end - pos > 0 && (b[pos] & 0x80) != 0) { // short headers and padding end the walk
      int r = hdr.parse(b, pos, end);
      if (r == LongHeader.INVALID) {
        counters.anomaly(Anomaly.QUIC_PACKET_INVALID);
        return;
      }
      if (r == LongHeader.VERSION_NEGOTIATION) {
        counters.quicVersionNegotiations++;
        return;
      }
      if (r == LongHeader.UNKNOWN_VERSION) {
        return;
      }
      if (hdr.type == QuicVersions.TYPE_INITIAL) {
        initial(f, c, side, b, tsNanos);
        if (c.emitted) {
          return;
        }
      } else if (hdr.type == QuicVersions.TYPE_RETRY) {
        retry(c, side, b);
        return;
      }
      pos = hdr.end;
    }
  }

  private void initial(Flow<QuicConnection> f, QuicConnection c, int side, byte[] b, long ts) {
    counters.quicInitials++;
    if (c.clientSide < 0) {
      c.clientSide = side;
      c.version = hdr.version;
      c.dcid = Arrays.copyOfRange(b, hdr.dcidOff, hdr.dcidOff + hdr.dcidLen);
    }
    boolean fromClient = side == c.clientSide;
    CryptoStream s = fromClient ? c.fromClient : c.fromServer;
    if (s != null && s.status() != HandshakeAssembler.NEED_MORE) {
      return; // this direction's hello is assembled (or it gave up): no more decryption
    }
    InitialKeys k = fromClient ? c.clientKeys : c.serverKeys;
    if (k == null || k.version != hdr.version) {
      // first use, after a Retry, or a server answering in another compatible version (RFC 9368)
      k = InitialKeys.derive(
          protection().mac(), hdr.version, c.dcid, 0, c.dcid.length, !fromClient);
      if (fromClient) {
        c.clientKeys = k;
      } else {
        c.serverKeys = k;
      }
    }
    int n = protection().decrypt(b, hdr, k);
    if (n == PacketProtection.TOO_SHORT) {
      counters.anomaly(Anomaly.QUIC_PACKET_INVALID);
      return;
    }
    if (n == PacketProtection.TAG_FAILURE) {
      counters.quicTagFailures++;
      counters.anomaly(Anomaly.QUIC_TAG_FAILURE);
      return;
    }
    counters.quicDecrypted++;
    if (!fromClient) {
      c.version = hdr.version; // the server's Initial carries the negotiated version
    }
    if (s == null) {
      s =
          new CryptoStream(
              counters, maxHandshakeBytes, new HandshakeAssembler(counters, maxHandshakeBytes));
      if (fromClient) {
        c.fromClient = s;
      } else {
        c.fromServer = s;
      }
    }
    boolean google = QuicVersions.isGoogle(hdr.version);
    int st = s.acceptFrames(protection.plaintext(), 0, n, google);
    if (st == HandshakeAssembler.DONE) {
      hello(f, c, fromClient, s.assembler(), ts);
    }
    if (st != HandshakeAssembler.NEED_MORE && !c.emitted) {
      // This direction is over (its later Initials are skipped): its keys and CRYPTO buffers
      // go now, not when the connection's event does. A connection whose server never answers
      // lives until its idle timeout, and what it holds costs collections (docs/performance.md).
      s.release();
      if (fromClient) {
        c.clientKeys = null;
      } else {
        c.serverKeys = null;
      }
    }
    account(c);
  }

  private void hello(
      Flow<QuicConnection> f, QuicConnection c, boolean fromClient, HandshakeAssembler a, long ts) {
    if (a.clientHello() != null) {
      if (!fromClient || c.clientHello != null) {
        counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
        return;
      }
      c.clientHello = a.clientHello();
      c.clientHelloNanos = ts;
      counters.clientHellos++;
      counters.quicClientHellos++;
    } else {
      if (fromClient || c.serverHello != null) {
        counters.anomaly(Anomaly.TLS_ROLE_CONFLICT);
        return;
      }
      c.serverHello = a.serverHello();
      c.serverHelloNanos = ts;
      counters.serverHellos++;
      counters.quicServerHellos++;
    }
    counters.quicHellos++;
    if (c.inputName == null) {
      c.inputName = inputName;
    }
    if (c.clientHello != null && c.serverHello != null) {
      report(f, Reason.SERVER_HELLO);
    }
  }

  /** A Retry from the server: the client's next Initials use its Source Connection ID. */
  private void retry(QuicConnection c, int side, byte[] b) {
    if (c.clientSide < 0 || side == c.clientSide) {
      return; // only a server sends Retry
    }
    counters.quicRetries++;
    c.retries++;
    c.dcid = Arrays.copyOfRange(b, hdr.scidOff, hdr.scidOff + hdr.scidLen);
    c.clientKeys = null;
    c.serverKeys = null;
  }

  private void report(Flow<QuicConnection> f, Reason why) {
    QuicConnection c = f.session;
    c.emitted = true;
    c.release();
    forget(c);
    listener.onHandshake(f, why);
    // The event holds the hellos now; the connection, which may go on for minutes, keeps only
    // that it was reported (its later datagrams are skipped at the emitted check), not the hellos
    // nor the CRYPTO streams' assemblers that parsed them.
    c.clientHello = null;
    c.serverHello = null;
    c.fromClient = null;
    c.fromServer = null;
  }

  /** Evicts flows idle since before {@code nowNanos - idleTimeout}; call now and then. */
  public void expire(long nowNanos) {
    expiry.pass(table, nowNanos, listener.evictionRoom(), idleEnd);
  }

  private void evictIdle(Flow<QuicConnection> f) {
    counters.flowsIdleEvicted++;
    evict(f, Reason.EVICTED);
  }

  /** The input ended: reports every connection with a hello and empties the table. */
  public void finish() {
    expiry.finish(table, idleEnd, f -> evict(f, Reason.INPUT_END));
  }

  private void evict(Flow<QuicConnection> f, Reason why) {
    if (f.session.hasPendingEvent()) {
      report(f, why);
    } else {
      f.session.release();
      forget(f.session);
    }
    table.remove(f);
  }

  private PacketProtection protection() {
    if (protection == null) {
      protection = new PacketProtection();
    }
    return protection;
  }
}
