package org.ja3sensor.db.importer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.ja3sensor.db.Entry;

/** The upstream formats {@code ja3sensor db import} converts into database entries. */
public enum ImportFormat {
  /** abuse.ch SSLBL ja3_fingerprints.csv. */
  SSLBL("sslbl"),
  /** abuse.ch SSLBL sslblacklist.csv: SHA-1 fingerprints of C2 server certificates. */
  SSLBL_CERTS("sslbl-certs"),
  /** salesforce/ja3 lists/osx-nix-ja3.csv. */
  SALESFORCE("salesforce"),
  /** Emerging Threats emerging-ja3.rules (Suricata rules with ja3/ja3s and flowbits). */
  ET_RULES("et-rules"),
  /** curl-impersonate tests/signatures/*.yaml browser ClientHellos. */
  CURL_IMPERSONATE("curl-impersonate"),
  /** The derived indicators-normalized.csv of the shared fingerprint sources. */
  NORMALIZED("normalized");

  public final String label;

  ImportFormat(String label) {
    this.label = label;
  }

  public static ImportFormat parse(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    for (ImportFormat f : values()) {
      if (f.label.equals(v)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "format \"" + s + "\": expected sslbl, sslbl-certs, salesforce, et-rules,"
            + " curl-impersonate or normalized");
  }

  /**
   * Converts upstream files.
   *
   * @param inputs files, or directories (curl-impersonate: of YAML files)
   * @param onlySources normalized only: keep rows of these source ids (empty: all)
   * @param warnings receives non-fatal findings (e.g. a computed JA3 that differs from the one the
   *     file states)
   */
  public List<Entry> read(List<Path> inputs, List<String> onlySources, List<String> warnings)
      throws IOException, ImportException {
    return read(inputs, onlySources, warnings, warnings);
  }

  /**
   * As {@link #read(List, List, List)}, with the upstream rules that were not imported (their
   * constraints cannot be expressed as an entry's scope) listed apart, one line each with file,
   * line, id and the reason.
   */
  public List<Entry> read(List<Path> inputs, List<String> onlySources, List<String> warnings,
      List<String> skipped) throws IOException, ImportException {
    switch (this) {
      case SSLBL:
        return SslblImporter.read(inputs);
      case SSLBL_CERTS:
        return SslblCertificateImporter.read(inputs, warnings);
      case SALESFORCE:
        return SalesforceImporter.read(inputs);
      case ET_RULES:
        return EtRulesImporter.read(inputs, skipped);
      case CURL_IMPERSONATE:
        return CurlImpersonateImporter.read(inputs, warnings);
      default:
        return NormalizedImporter.read(inputs, onlySources);
    }
  }
}
