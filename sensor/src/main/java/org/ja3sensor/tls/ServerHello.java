package org.ja3sensor.tls;

/**
 * A parsed ServerHello (or HelloRetryRequest, which has the same format). Values as on the wire.
 *
 * @param legacyVersion ServerHello.legacy_version
 * @param cipherSuite the selected cipher suite
 * @param compressionMethod the selected compression method
 * @param extensions extension type values in wire order
 * @param selectedVersion supported_versions (43) value, 0 when absent
 * @param alpn the selected ALPN protocol, null when absent
 * @param helloRetryRequest true when the random equals the HelloRetryRequest magic (RFC 8446 4.1.3)
 */
public record ServerHello(
    int legacyVersion,
    int cipherSuite,
    int compressionMethod,
    int[] extensions,
    int selectedVersion,
    String alpn,
    boolean helloRetryRequest) {

  /** The negotiated protocol version: supported_versions when present, else legacy_version. */
  public int negotiatedVersion() {
    return selectedVersion != 0 ? selectedVersion : legacyVersion;
  }
}
