package org.ja3sensor.db.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ja3sensor.db.AddressPattern;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.PortSet;

/**
 * The constraints of one Suricata rule as a database scope: addresses and ports of the client and
 * the server (from the rule header; the header's source is the client for a rule on the
 * ClientHello, the server for a rule on the ServerHello) and the server-name patterns of its
 * {@code tls.sni} contents. {@code $EXTERNAL_NET} is taken as Suricata's default, {@code
 * !$HOME_NET}. Made by {@link #of}; immutable.
 */
final class RuleScope {
  final List<String> client;
  final List<String> server;
  final String clientPorts;
  final String serverPorts;
  final List<String> sni;

  private RuleScope(List<String> client, List<String> server, String clientPorts,
      String serverPorts, List<String> sni) {
    this.client = client;
    this.server = server;
    this.clientPorts = clientPorts;
    this.serverPorts = serverPorts;
    this.sni = sni;
  }

  /**
   * The scope of a rule, or null after recording in {@code r} why it cannot be represented.
   *
   * @param line the rule text (without a leading #)
   * @param serverSide true for a rule on the ServerHello (ja3s): the header's source is the server
   */
  static RuleScope of(String line, boolean serverSide, EtRulesImporter.Rule r) {
    if (r.flowGiven && r.flowToClient != serverSide) {
      EtRulesImporter.unrepresentable(r, "flow:" + (r.flowToClient ? "to_client" : "to_server")
          + " on a " + (serverSide ? "JA3S" : "JA3") + " rule never matches");
      return null;
    }
    String head = line.substring(0, line.indexOf('(')).replaceAll("\\s*,\\s*", ",")
        .replaceAll("\\[\\s+", "[").replaceAll("\\s+]", "]").strip();
    String[] t = head.split("\\s+");
    if (t.length != 7) {
      EtRulesImporter.unrepresentable(r, "rule header \"" + head + "\": expected action protocol"
          + " source port -> destination port");
      return null;
    }
    if (!t[0].equals("alert")) {
      EtRulesImporter.unrepresentable(r, "action " + t[0] + " (only alert)");
      return null;
    }
    if (!t[1].equals("tls")) {
      EtRulesImporter.unrepresentable(r, "protocol " + t[1] + " (only tls)");
      return null;
    }
    if (!t[4].equals("->")) {
      EtRulesImporter.unrepresentable(r, "direction " + t[4] + " (only ->)");
      return null;
    }
    List<String> src = addresses(t[2], r);
    String sport = ports(t[3], r);
    List<String> dst = addresses(t[5], r);
    String dport = ports(t[6], r);
    if (src == null || sport == null || dst == null || dport == null) {
      return null;
    }
    List<String> sni = new ArrayList<>();
    if (r.sniContent != null) {
      String c = r.sniContent;
      sni.add(r.sniStartsWith && r.sniEndsWith ? c : r.sniEndsWith ? "*" + c : "*" + c + "*");
      if (r.sniStartsWith && !r.sniEndsWith) {
        EtRulesImporter.unrepresentable(r, "tls.sni startswith (no prefix patterns)");
        return null;
      }
    }
    for (String x : r.sniExclusions) {
      sni.add("!*" + x + "*");
    }
    for (String p : sni) {
      try {
        org.ja3sensor.db.SniPattern.parseScope(p);
      } catch (IllegalArgumentException e) {
        EtRulesImporter.unrepresentable(r, "tls.sni content: " + e.getMessage());
        return null;
      }
    }
    return serverSide
        ? new RuleScope(dst, src, dport, sport, List.copyOf(sni))
        : new RuleScope(src, dst, sport, dport, List.copyOf(sni));
  }

  /** Suricata address text to scope parts; null (reason recorded) when not representable. */
  private static List<String> addresses(String s, EtRulesImporter.Rule r) {
    if (s.equals("any")) {
      return List.of();
    }
    boolean negatedList = s.startsWith("![");
    String body = negatedList ? s.substring(1) : s;
    if (body.startsWith("[")) {
      if (!body.endsWith("]") || body.indexOf('[', 1) >= 0) {
        EtRulesImporter.unrepresentable(r, "address list " + s + " (nested or unclosed)");
        return null;
      }
      body = body.substring(1, body.length() - 1);
    }
    List<String> out = new ArrayList<>();
    for (String part : body.split(",")) {
      String p = part.strip();
      if (negatedList) {
        p = p.startsWith("!") ? p.substring(1) : "!" + p;
      }
      if (p.equals("any") || p.equals("!any")) {
        EtRulesImporter.unrepresentable(r, "address " + s);
        return null;
      }
      try {
        out.add(AddressPattern.parse(p).toString());
      } catch (IllegalArgumentException e) {
        EtRulesImporter.unrepresentable(r, "address " + p + " (only addresses, CIDR blocks,"
            + " $HOME_NET and $EXTERNAL_NET)");
        return null;
      }
    }
    return List.copyOf(out); // ![a,b] became !a|!b: excluded each, as Suricata reads it
  }

  /** Suricata port text to PortSet text; null (reason recorded) when not representable. */
  private static String ports(String s, EtRulesImporter.Rule r) {
    if (s.equals("any")) {
      return "";
    }
    String body = s;
    boolean negatedList = body.startsWith("![");
    if (negatedList) {
      body = body.substring(1);
    }
    if (body.startsWith("[")) {
      if (!body.endsWith("]") || body.indexOf('[', 1) >= 0) {
        EtRulesImporter.unrepresentable(r, "port list " + s + " (nested or unclosed)");
        return null;
      }
      body = body.substring(1, body.length() - 1);
    }
    List<String> parts = new ArrayList<>();
    for (String part : body.split(",")) {
      String p = part.strip();
      if (negatedList) {
        p = p.startsWith("!") ? p.substring(1) : "!" + p;
      }
      if (p.startsWith("$") || p.startsWith("!$")) {
        EtRulesImporter.unrepresentable(r, "port variable " + p);
        return null;
      }
      parts.add(p);
    }
    try {
      return PortSet.parse(String.join("|", parts)).toString();
    } catch (IllegalArgumentException e) {
      EtRulesImporter.unrepresentable(r, "port " + s + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * This scope and another on the same flow (a pair: the JA3 rule's and the JA3S rule's), or null
   * when both constrain the same thing differently.
   */
  RuleScope and(RuleScope o) {
    List<String> c = both(client, o.client);
    List<String> s = both(server, o.server);
    String cp = both(clientPorts, o.clientPorts);
    String sp = both(serverPorts, o.serverPorts);
    List<String> n = both(sni, o.sni);
    if (c == null || s == null || cp == null || sp == null || n == null) {
      return null;
    }
    return new RuleScope(c, s, cp, sp, n);
  }

  private static <T> T both(T a, T b) {
    boolean emptyA = a instanceof String x ? x.isEmpty() : ((List<?>) a).isEmpty();
    boolean emptyB = b instanceof String x ? x.isEmpty() : ((List<?>) b).isEmpty();
    if (emptyA) {
      return b;
    }
    if (emptyB || a.equals(b)) {
      return a;
    }
    return null;
  }

  /** Adds the scope to an entry being built. */
  EntryBuilder applyTo(EntryBuilder b) {
    client.forEach(b::scopeSource);
    server.forEach(b::scopeDestination);
    sni.forEach(b::scopeSni);
    return b.scopeSourcePort(clientPorts).scopeDestinationPort(serverPorts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuleScope x && client.equals(x.client) && server.equals(x.server)
        && clientPorts.equals(x.clientPorts) && serverPorts.equals(x.serverPorts)
        && sni.equals(x.sni);
  }

  @Override
  public int hashCode() {
    return Objects.hash(client, server, clientPorts, serverPorts, sni);
  }

  @Override
  public String toString() {
    return "client " + client + " " + clientPorts + ", server " + server + " " + serverPorts
        + ", sni " + sni;
  }
}
