package org.ja3sensor.db;

import java.util.Locale;

/**
 * A server-name pattern: {@code host.example.com} (exact), {@code *.example.com} (any name below
 * example.com, at any depth, not example.com itself) or, in scope columns only, {@code *suffix}
 * (any name ending in suffix, e.g. {@code *-autoscaling.googleapis.com}), {@code *text*} (any
 * name containing text: a Suricata {@code tls.sni; content:"text"}) and {@code !pattern} (any
 * name the pattern does not match). Names compare case-insensitively, a trailing dot ignored.
 */
public final class SniPattern {
  public enum Kind {
    EXACT,
    SUBDOMAINS,
    SUFFIX,
    CONTAINS
  }

  public final Kind kind;
  /** EXACT: the name; SUBDOMAINS: the parent domain (without "*."); SUFFIX: the suffix. */
  public final String text;
  /** Scope only: the pattern excludes the names it matches. */
  public final boolean negated;

  private SniPattern(Kind kind, String text) {
    this(kind, text, false);
  }

  private SniPattern(Kind kind, String text, boolean negated) {
    this.kind = kind;
    this.text = text;
    this.negated = negated;
  }

  /**
   * Parses a scope pattern: any form of {@link #parse(String, boolean)} with suffixes allowed,
   * {@code *text*}, and each optionally negated with {@code !}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static SniPattern parseScope(String s) {
    String v = s.trim();
    boolean neg = v.startsWith("!");
    if (neg) {
      v = v.substring(1).trim();
    }
    SniPattern p;
    if (v.length() > 2 && v.startsWith("*") && v.endsWith("*") && !v.startsWith("*.")) {
      String inner = normalize(v.substring(1, v.length() - 1));
      if (inner.isEmpty() || inner.indexOf('*') >= 0 || inner.length() > 253) {
        throw new IllegalArgumentException("server name pattern \"" + s + "\": expected *text*"
            + " with text of 1 to 253 characters and no further *");
      }
      p = new SniPattern(Kind.CONTAINS, inner);
    } else {
      p = parse(v, true);
    }
    return neg ? new SniPattern(p.kind, p.text, true) : p;
  }

  /**
   * Parses a pattern.
   *
   * @param allowSuffix whether {@code *suffix} patterns are accepted (scopes yes, indexed keys no)
   * @return the pattern
   * @throws IllegalArgumentException naming what is wrong
   */
  public static SniPattern parse(String s, boolean allowSuffix) {
    String v = normalize(s.trim());
    if (v.startsWith("*.")) {
      String parent = v.substring(2);
      checkName(parent, s);
      return new SniPattern(Kind.SUBDOMAINS, parent);
    }
    if (v.startsWith("*")) {
      if (!allowSuffix) {
        throw new IllegalArgumentException(
            "server name pattern \"" + s + "\": only *.domain wildcards are indexed here;"
                + " *suffix patterns are allowed in scope_sni");
      }
      String suffix = v.substring(1);
      if (suffix.isEmpty() || suffix.indexOf('*') >= 0) {
        throw new IllegalArgumentException("server name pattern \"" + s + "\": empty suffix");
      }
      return new SniPattern(Kind.SUFFIX, suffix);
    }
    checkName(v, s);
    return new SniPattern(Kind.EXACT, v);
  }

  private static void checkName(String v, String original) {
    if (v.isEmpty() || v.length() > 253) {
      throw new IllegalArgumentException(
          "server name pattern \"" + original + "\": expected a host name of 1 to 253 characters");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!ok) {
        throw new IllegalArgumentException(
            "server name pattern \""
                + original
                + "\": character '"
                + c
                + "' not allowed; expected letters, digits, '-', '_', '.' and a leading '*.'");
      }
    }
    if (v.startsWith(".") || v.contains("..")) {
      throw new IllegalArgumentException(
          "server name pattern \"" + original + "\": empty label");
    }
  }

  /** Lower case without a trailing dot; returns {@code s} itself when already normal. */
  public static String normalize(String s) {
    boolean lower = true;
    for (int i = 0; i < s.length() && lower; i++) {
      char c = s.charAt(i);
      lower = !(c >= 'A' && c <= 'Z');
    }
    String v = lower ? s : s.toLowerCase(Locale.ROOT);
    return v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
  }

  /** Whether a normalized name matches. */
  public boolean matches(String name) {
    switch (kind) {
      case EXACT:
        return name.equals(text);
      case SUBDOMAINS:
        return name.length() > text.length() + 1
            && name.endsWith(text)
            && name.charAt(name.length() - text.length() - 1) == '.';
      case CONTAINS:
        return name.contains(text);
      default:
        return name.endsWith(text);
    }
  }

  @Override
  public String toString() {
    String neg = negated ? "!" : "";
    switch (kind) {
      case EXACT:
        return neg + text;
      case SUBDOMAINS:
        return neg + "*." + text;
      case CONTAINS:
        return neg + "*" + text + "*";
      default:
        return neg + "*" + text;
    }
  }
}
