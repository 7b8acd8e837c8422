package org.ja3sensor.tls;

import java.util.List;

/**
 * A parsed ClientHello, neutral of any fingerprint method: JA3 and (later) JA4 are pure functions
 * of it. All values are as on the wire, GREASE included, in wire order; the arrays are owned by
 * this record and must not be modified.
 *
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
 */
public record ClientHello(
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
    boolean hasExtensionsBlock) {}
