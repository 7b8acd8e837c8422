package org.ja3sensor.db;

import java.util.ArrayList;
import java.util.List;

/**
 * A port scope of a database entry: ports and ranges, any one admits ({@code 465|993|8000:8100}),
 * and negations that exclude ({@code !80|!8000:8100}); {@code 1024:} and {@code :1023} are open
 * ranges (Suricata's notation). With only negations every other port is admitted. Immutable.
 */
public final class PortSet {
  /** No constraint. */
  public static final PortSet ANY = new PortSet(new int[0], new int[0], "");

  /** Pairs lo, hi of the admitting ranges and of the excluded ranges. */
  private final int[] include;
  private final int[] exclude;
  private final String text;

  private PortSet(int[] include, int[] exclude, String text) {
    this.include = include;
    this.exclude = exclude;
    this.text = text;
  }

  /**
   * Parses {@code |}-separated parts, each {@code N}, {@code A:B}, {@code A:}, {@code :B}, optionally
   * preceded by {@code !}. Empty text: {@link #ANY}.
   *
   * @throws IllegalArgumentException naming the part and what was expected
   */
  public static PortSet parse(String text) {
    List<String> parts = DbFormat.split(text);
    if (parts.isEmpty()) {
      return ANY;
    }
    List<Integer> inc = new ArrayList<>();
    List<Integer> exc = new ArrayList<>();
    List<String> canonical = new ArrayList<>();
    for (String raw : parts) {
      String p = raw;
      boolean negated = p.startsWith("!");
      if (negated) {
        p = p.substring(1).trim();
      }
      int colon = p.indexOf(':');
      int lo;
      int hi;
      if (colon < 0) {
        lo = port(p, raw);
        hi = lo;
      } else {
        String a = p.substring(0, colon).trim();
        String b = p.substring(colon + 1).trim();
        if (a.isEmpty() && b.isEmpty()) {
          throw bad(raw);
        }
        lo = a.isEmpty() ? 0 : port(a, raw);
        hi = b.isEmpty() ? 65535 : port(b, raw);
        if (lo > hi) {
          throw new IllegalArgumentException(
              "port range \"" + raw + "\": " + lo + " is above " + hi + "; expected low:high");
        }
      }
      List<Integer> into = negated ? exc : inc;
      into.add(lo);
      into.add(hi);
      String c = lo == hi ? Integer.toString(lo) : lo + ":" + hi;
      canonical.add(negated ? "!" + c : c);
    }
    return new PortSet(toArray(inc), toArray(exc), String.join("|", canonical));
  }

  private static int port(String s, String raw) {
    if (s.isEmpty() || s.length() > 5) {
      throw bad(raw);
    }
    int v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw bad(raw);
      }
      v = v * 10 + (c - '0');
    }
    if (v > 65535) {
      throw bad(raw);
    }
    return v;
  }

  private static IllegalArgumentException bad(String raw) {
    return new IllegalArgumentException("port \"" + raw + "\": expected a port 0 to 65535, a range"
        + " low:high (1024: or :1023 open-ended), each optionally negated with !");
  }

  private static int[] toArray(List<Integer> l) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  /** True when the set constrains nothing. */
  public boolean isAny() {
    return include.length == 0 && exclude.length == 0;
  }

  /** True when the set names ports that admit (not only exclusions): a real corroboration. */
  public boolean hasInclusions() {
    return include.length > 0;
  }

  /** Whether a port is admitted. */
  public boolean admits(int port) {
    for (int i = 0; i < exclude.length; i += 2) {
      if (port >= exclude[i] && port <= exclude[i + 1]) {
        return false;
      }
    }
    if (include.length == 0) {
      return true;
    }
    for (int i = 0; i < include.length; i += 2) {
      if (port >= include[i] && port <= include[i + 1]) {
        return true;
      }
    }
    return false;
  }

  /** The canonical column text ({@code 465|993|!80|1024:65535}); empty for {@link #ANY}. */
  @Override
  public String toString() {
    return text;
  }
}
