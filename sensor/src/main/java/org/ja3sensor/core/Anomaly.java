package org.ja3sensor.core;

import java.util.Locale;

/**
 * Named, counted problems found in attacker-controlled input. Every malformation the sensor
 * meets maps to one of these; none of them stops processing. The lower-case name is what users
 * see in the summary and in the stats output.
 */
public enum Anomaly {
  // --- capture records (source) ---
  /** A record whose captured length is zero. */
  PCAP_CAPLEN_ZERO,
  /** A record whose captured length exceeds the snap length or the reader's hard limit. */
  PCAP_CAPLEN_TOO_LARGE,
  /** A record whose captured length exceeds its original length. */
  PCAP_CAPLEN_ABOVE_ORIGLEN,
  /** pcapng: a packet referring to an interface that was never described. */
  PCAPNG_UNKNOWN_INTERFACE,
  /** pcapng: a block whose length fields are inconsistent but could be skipped. */
  PCAPNG_BAD_BLOCK,

  // --- link, network and transport decode ---
  /** The frame ends inside a link-layer header. */
  LINK_TRUNCATED,
  /** The link type is not one the decoder knows. */
  LINKTYPE_UNSUPPORTED,
  /** More VLAN/MPLS labels than the decoder follows. */
  LINK_TOO_MANY_LABELS,
  /** An IPv4 header with a bad version, header length or total length. */
  IPV4_INVALID,
  /** An IPv4 fragment (not reassembled; TLS hellos do not travel in IP fragments in practice). */
  IPV4_FRAGMENT,
  /** An IPv6 header or extension header chain that does not fit the frame. */
  IPV6_INVALID,
  /** An IPv6 fragment header (not reassembled). */
  IPV6_FRAGMENT,
  /** A TCP header with a data offset below 20 bytes or beyond the packet. */
  TCP_INVALID,
  /** TCP payload cut by the snap length: fewer bytes captured than the IP header announces. */
  TCP_PAYLOAD_TRUNCATED,
  /** A GRE, ERSPAN, VXLAN or other tunnel header that does not fit or is not understood. */
  TUNNEL_INVALID,
  /** Tunnels nested deeper than the decoder follows. */
  TUNNEL_TOO_DEEP,

  // --- flow table and reassembly ---
  /** A flow evicted because the flow table was full (least recently used first). */
  FLOW_TABLE_FULL,
  /** A hole in a stream that was never filled: the direction gave up on its handshake. */
  REASSEMBLY_GAP,
  /** An out-of-order segment dropped because the per-direction queue was full. */
  REASSEMBLY_QUEUE_FULL,
  /** Handshake bytes dropped because the per-flow byte cap was reached. */
  REASSEMBLY_FLOW_CAP,
  /** Handshake bytes dropped because the global reassembly memory cap was reached. */
  REASSEMBLY_MEMCAP,
  /** Segment data that overlapped already received data with different bytes. */
  REASSEMBLY_OVERLAP_MISMATCH,

  // --- TLS ---
  /** A TLS record header with an impossible version or length. */
  TLS_RECORD_INVALID,
  /** A handshake message longer than the configured cap. */
  TLS_HANDSHAKE_TOO_LARGE,
  /** A ClientHello whose fields do not parse (a length that lies, truncated vectors ...). */
  TLS_CLIENT_HELLO_MALFORMED,
  /** A ServerHello whose fields do not parse. */
  TLS_SERVER_HELLO_MALFORMED,
  /** A handshake stream whose first message is neither ClientHello nor ServerHello. */
  TLS_UNEXPECTED_HANDSHAKE,
  /** An SSLv2-format ClientHello: no JA3 is defined for it. */
  SSLV2_CLIENT_HELLO,
  /** Both directions sent a ClientHello, or both a ServerHello. */
  TLS_ROLE_CONFLICT,
  /**
   * A ClientHello or ServerHello with a defect that tshark also tolerates (a vector of odd length,
   * bytes left over after a vector or after the extensions, a malformed supported_groups,
   * ec_point_formats, server_name, ALPN or supported_versions body, a duplicate extension): the
   * hello was still delivered and fingerprinted from its well-formed part (see docs/ja3.md).
   */
  TLS_HELLO_IRREGULAR,

  // --- server certificates (TLS 1.2 and older) ---
  /**
   * A server Certificate message whose lengths lie (list or certificate length beyond the message,
   * an empty certificate, bytes left over): the certificates framed before the fault are kept.
   */
  TLS_CERTIFICATE_MALFORMED,
  /** More certificates in one chain than are kept: the chain length counts them all. */
  TLS_CERTIFICATE_CHAIN_TOO_LONG,
  /**
   * The server's Certificate message was not complete when the per-direction byte cap was reached
   * or its stream ended: the event goes out without certificate fields.
   */
  TLS_CERTIFICATE_INCOMPLETE,
  /**
   * A leaf certificate the JDK's X.509 parser rejects: the event carries its hashes, not its
   * fields (counted by the thread that parses it, usually the emitter).
   */
  X509_UNPARSEABLE,

  // --- QUIC (Initial packets) ---
  /** A QUIC long header whose fields do not fit the datagram. */
  QUIC_PACKET_INVALID,
  /**
   * A QUIC Initial whose AES-GCM tag did not verify with the keys of its connection (a corrupt or
   * forged packet, or a connection picked up after its client's first Initial): not a hello.
   */
  QUIC_TAG_FAILURE,
  /** A decrypted Initial holding a frame not allowed there, or one that does not fit. */
  QUIC_FRAME_INVALID,
  /** CRYPTO data beyond the per-direction cap: the direction gave up. */
  QUIC_CRYPTO_CAP;

  /** The name users see: lower case with underscores. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
