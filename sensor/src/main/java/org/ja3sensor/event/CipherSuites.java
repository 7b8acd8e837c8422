package org.ja3sensor.event;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * IANA names of TLS cipher suites by code point ({@code tls.cipher}), from the table {@code
 * tls-cipher-suites.tsv} that scripts/gen-tls-ciphers.py generates from the IANA registry (source
 * in scripts/iana/README.md). Loaded once; read-only afterwards.
 */
public final class CipherSuites {
  private static final String[] NAMES = load();

  private CipherSuites() {}

  /** The IANA name of a cipher suite code point, or null when the registry names none. */
  public static String name(int code) {
    return code >= 0 && code < NAMES.length ? NAMES[code] : null;
  }

  /** Code points with a name. */
  public static int size() {
    int n = 0;
    for (String s : NAMES) {
      if (s != null) {
        n++;
      }
    }
    return n;
  }

  private static String[] load() {
    String[] names = new String[1 << 16];
    try (InputStream in = CipherSuites.class.getResourceAsStream("tls-cipher-suites.tsv")) {
      if (in == null) {
        throw new IllegalStateException("tls-cipher-suites.tsv missing from the class path");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        names[Integer.parseInt(line.substring(2, tab), 16)] = line.substring(tab + 1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }
}
