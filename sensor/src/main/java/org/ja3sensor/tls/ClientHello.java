package org.ja3sensor.tls;

import java.util.Arrays;
import java.util.List;

/**
 * A parsed ClientHello, neutral of any fingerprint method: JA3 and JA4 are pure functions of it.
 * All values are as on the wire, GREASE included, in wire order; the arrays the accessors return
 * are shared and must not be modified.
 *
 * <p>The seven value lists are held packed, one {@code char} per value in a single array, until
 * the first accessor call unpacks them (once; on the emitter's thread, when the event is
 * written, or once per content for the hellos made from a memo's key, {@link #withServerName}):
 * a hello waits in its flow until the server answers or the flow ends (about a second
 * for the ClientHello-only flows of a flood, minutes for a long connection), and the young
 * collections copy whatever waits. One array instead of seven, of 2-byte values instead of 4,
 * makes that copy about half as large (docs/performance.md, "Less for a collection to copy").
 *
 * <p>{@link #contentHash()}, {@link #sameContent} and {@link #contentKey()} let a memo of the
 * fingerprints (ClientFingerprints, in the fingerprint package) key on everything the fingerprints
 * read, the server name left out, without unpacking the lists.
 */
public final class ClientHello {
  private static final int[] NONE = new int[0];

  private final int legacyVersion;
  /** The lists, one after the other in the order of the accessors below. */
  private final char[] values;
  /** End (exclusive) in {@link #values} of each list but the last, which ends at its end. */
  private final int endCiphers;
  private final int endCompression;
  private final int endExtensions;
  private final int endGroups;
  private final int endPointFormats;
  private final int endVersions;
  private final String serverName;
  private final List<String> alpn;
  private final boolean hasExtensionsBlock;

  /**
   * @param legacyVersion ClientHello.legacy_version (e.g. 0x0303 = 771)
   * @param cipherSuites cipher suite values in wire order
   * @param compressionMethods compression methods in wire order
   * @param extensions extension type values in wire order (empty when the hello has no extensions
   *     block)
   * @param supportedGroups supported_groups (10) values in order, empty when absent
   * @param ecPointFormats ec_point_formats (11) values in order, empty when absent
   * @param serverName the first host_name of server_name (0), null when absent
   * @param alpn application_layer_protocol_negotiation (16) protocol names in order, empty when
   *     absent (bytes decoded as ISO-8859-1 so that every byte maps to one char)
   * @param supportedVersions supported_versions (43) values in order, empty when absent
   * @param signatureAlgorithms signature_algorithms (13) values in order, empty when absent
   * @param hasExtensionsBlock false when the hello ends after compression methods
   * @throws IllegalArgumentException when a value is outside 0 to 65535 (no wire field holds
   *     more)
   */
  public ClientHello(
      int legacyVersion,
      int[] cipherSuites,
      int[] compressionMethods,
      int[] extensions,
      int[] supportedGroups,
      int[] ecPointFormats,
      String serverName,
      List<String> alpn,
      int[] supportedVersions,
      int[] signatureAlgorithms,
      boolean hasExtensionsBlock) {
    this.legacyVersion = legacyVersion;
    char[] v =
        new char
            [cipherSuites.length
                + compressionMethods.length
                + extensions.length
                + supportedGroups.length
                + ecPointFormats.length
                + supportedVersions.length
                + signatureAlgorithms.length];
    int n = put(v, 0, cipherSuites);
    endCiphers = n;
    n = put(v, n, compressionMethods);
    endCompression = n;
    n = put(v, n, extensions);
    endExtensions = n;
    n = put(v, n, supportedGroups);
    endGroups = n;
    n = put(v, n, ecPointFormats);
    endPointFormats = n;
    n = put(v, n, supportedVersions);
    endVersions = n;
    put(v, n, signatureAlgorithms);
    this.values = v;
    this.serverName = serverName;
    this.alpn = List.copyOf(alpn);
    this.hasExtensionsBlock = hasExtensionsBlock;
  }

  /** {@code h}'s content (its arrays, not copies) with {@code serverName}; no lists yet. */
  private ClientHello(ClientHello h, String serverName) {
    legacyVersion = h.legacyVersion;
    values = h.values;
    endCiphers = h.endCiphers;
    endCompression = h.endCompression;
    endExtensions = h.endExtensions;
    endGroups = h.endGroups;
    endPointFormats = h.endPointFormats;
    endVersions = h.endVersions;
    this.serverName = serverName;
    alpn = h.alpn;
    hasExtensionsBlock = h.hasExtensionsBlock;
    contentHash = h.contentHash();
  }

  private static int put(char[] dst, int at, int[] src) {
    for (int x : src) {
      if (x < 0 || x > 0xffff) {
        throw new IllegalArgumentException("ClientHello value " + x + "; expected 0 to 65535");
      }
      dst[at++] = (char) x;
    }
    return at;
  }

  /** The lists unpacked, made on first use; final fields publish the arrays safely. */
  private Lists lists;

  private static final class Lists {
    final int[] cipherSuites;
    final int[] compressionMethods;
    final int[] extensions;
    final int[] supportedGroups;
    final int[] ecPointFormats;
    final int[] supportedVersions;
    final int[] signatureAlgorithms;

    Lists(ClientHello h) {
      char[] v = h.values;
      cipherSuites = unpack(v, 0, h.endCiphers);
      compressionMethods = unpack(v, h.endCiphers, h.endCompression);
      extensions = unpack(v, h.endCompression, h.endExtensions);
      supportedGroups = unpack(v, h.endExtensions, h.endGroups);
      ecPointFormats = unpack(v, h.endGroups, h.endPointFormats);
      supportedVersions = unpack(v, h.endPointFormats, h.endVersions);
      signatureAlgorithms = unpack(v, h.endVersions, v.length);
    }

    private static int[] unpack(char[] v, int from, int to) {
      if (from == to) {
        return NONE;
      }
      int[] out = new int[to - from];
      for (int i = 0; i < out.length; i++) {
        out[i] = v[from + i];
      }
      return out;
    }
  }

  /**
   * The unpacked lists. Two threads that race here each unpack a copy of their own; either is
   * right.
   */
  private Lists lists() {
    Lists l = lists;
    if (l == null) {
      l = new Lists(this);
      lists = l;
    }
    return l;
  }

  /** ClientHello.legacy_version (e.g. 0x0303 = 771). */
  public int legacyVersion() {
    return legacyVersion;
  }

  /** Cipher suite values in wire order. */
  public int[] cipherSuites() {
    return lists().cipherSuites;
  }

  /** Compression methods in wire order. */
  public int[] compressionMethods() {
    return lists().compressionMethods;
  }

  /** Extension type values in wire order (empty when the hello has no extensions block). */
  public int[] extensions() {
    return lists().extensions;
  }

  /** supported_groups (10) values in order, empty when absent. */
  public int[] supportedGroups() {
    return lists().supportedGroups;
  }

  /** ec_point_formats (11) values in order, empty when absent. */
  public int[] ecPointFormats() {
    return lists().ecPointFormats;
  }

  /** The first host_name of server_name (0), null when absent. */
  public String serverName() {
    return serverName;
  }

  /**
   * application_layer_protocol_negotiation (16) protocol names in order, empty when absent (bytes
   * decoded as ISO-8859-1 so that every byte maps to one char). Unmodifiable.
   */
  public List<String> alpn() {
    return alpn;
  }

  /** supported_versions (43) values in order, empty when absent. */
  public int[] supportedVersions() {
    return lists().supportedVersions;
  }

  /** signature_algorithms (13) values in order, empty when absent. */
  public int[] signatureAlgorithms() {
    return lists().signatureAlgorithms;
  }

  /** False when the hello ends after compression methods. */
  public boolean hasExtensionsBlock() {
    return hasExtensionsBlock;
  }

  /** Whether the extension list holds {@code type} (read in the packed lists). */
  public boolean hasExtension(int type) {
    for (int i = endCompression; i < endExtensions; i++) {
      if (values[i] == type) {
        return true;
      }
    }
    return false;
  }

  /** The number of values in the seven lists together (the length of the packed array). */
  public int valueCount() {
    return values.length;
  }

  /** {@link #contentHash()}, made on first use; 0 until then (a hash of 0 is stored as 1). */
  private int contentHash;

  /**
   * A hash of what {@link #sameContent} compares: the legacy version, the seven lists (in the
   * packed array, without unpacking it; compression methods included, though no fingerprint reads
   * them), where each list ends, {@link #hasExtensionsBlock()} and the ALPN names; not the server
   * name. Made once, on first use; two threads that race here compute the same value.
   */
  public int contentHash() {
    int h = contentHash;
    if (h == 0) {
      h = 31 * legacyVersion + Arrays.hashCode(values);
      h = 31 * h + endCiphers;
      h = 31 * h + endCompression;
      h = 31 * h + endExtensions;
      h = 31 * h + endGroups;
      h = 31 * h + endPointFormats;
      h = 31 * h + endVersions;
      h = 31 * h + (hasExtensionsBlock ? 1 : 0);
      h = 31 * h + alpn.hashCode();
      if (h == 0) {
        h = 1;
      }
      contentHash = h;
    }
    return h;
  }

  /**
   * Whether {@code other} has the same legacy version, lists (the same values in the same lists,
   * in the same order), extensions-block presence and ALPN names: then every fingerprint of the
   * two (JA3, JA3N, JA4 in all forms) is the same. The server name is not compared: JA4 reads only
   * whether extension 0 is in the extension list, and JA3 and JA3N not even that.
   */
  public boolean sameContent(ClientHello other) {
    return this == other
        || (contentHash() == other.contentHash()
            && legacyVersion == other.legacyVersion
            && endCiphers == other.endCiphers
            && endCompression == other.endCompression
            && endExtensions == other.endExtensions
            && endGroups == other.endGroups
            && endPointFormats == other.endPointFormats
            && endVersions == other.endVersions
            && hasExtensionsBlock == other.hasExtensionsBlock
            && Arrays.equals(values, other.values)
            && alpn.equals(other.alpn));
  }

  /**
   * A hello with this one's content (it shares the packed array and the ALPN list) and no server
   * name, for a memo to keep as the key of this content: it holds on to neither the server name
   * nor the unpacked lists of this hello. Not a hello as seen on the wire: use it only as a key.
   */
  public ClientHello contentKey() {
    return new ClientHello(this, null);
  }

  /**
   * A hello of this one's content (its packed values, ALPN list and unpacked lists, not copies)
   * with {@code serverName}: what a flow that kept only a memo's key ({@link #contentKey}) and the
   * server name while it waited gives its event. The hellos of one client then share one copy of
   * what they have in common, the lists unpacked too: the key unpacks them once (it is kept for
   * as long as the memo keeps its content) and the emitter does not unpack seven arrays again for
   * every event of a repeated hello (the policy checks and the event's own fields read them).
   */
  public ClientHello withServerName(String serverName) {
    ClientHello shared = new ClientHello(this, serverName);
    shared.lists = lists();
    return shared;
  }

  /** Whether this hello uses the very unpacked lists of {@code other} (for tests). */
  boolean sharesListsWith(ClientHello other) {
    return lists != null && lists == other.lists;
  }

  /** Whether this hello holds the very packed values of {@code other} (for tests). */
  boolean sharesValuesWith(ClientHello other) {
    return values == other.values;
  }

  @Override
  public String toString() {
    return "ClientHello[legacyVersion=" + legacyVersion
        + ", cipherSuites=" + Arrays.toString(cipherSuites())
        + ", compressionMethods=" + Arrays.toString(compressionMethods())
        + ", extensions=" + Arrays.toString(extensions())
        + ", supportedGroups=" + Arrays.toString(supportedGroups())
        + ", ecPointFormats=" + Arrays.toString(ecPointFormats())
        + ", serverName=" + serverName
        + ", alpn=" + alpn
        + ", supportedVersions=" + Arrays.toString(supportedVersions())
        + ", signatureAlgorithms=" + Arrays.toString(signatureAlgorithms())
        + ", hasExtensionsBlock=" + hasExtensionsBlock + "]";
  }
}
