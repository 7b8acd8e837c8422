package org.ja3sensor.cli;

import picocli.CommandLine.Option;

/**
 * Which optional fingerprint forms events carry. Included with {@code @Mixin} by the commands that
 * emit events ({@code read}, {@code capture}). JA3, JA3S, JA3N, JA4 and JA4_r are always there.
 */
public final class FingerprintOptions {

  @Option(
      names = "--ja4-original",
      description = "Also write tls.client.ja4_o and tls.client.ja4_ro: JA4 and its raw text with"
          + " ciphers and extensions in wire order, SNI and ALPN kept (docs/ja4.md).")
  boolean ja4Original;

  public boolean ja4Original() {
    return ja4Original;
  }
}
