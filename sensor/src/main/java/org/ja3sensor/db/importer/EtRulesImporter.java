package org.ja3sensor.db.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;

/**
 * Emerging Threats Open {@code emerging-ja3.rules}: Suricata rules matching {@code ja3.hash} /
 * legacy {@code ja3_hash} or {@code ja3s.hash}. A commented-out rule ({@code #alert}) is disabled
 * by ET and imported as disabled. Pair logic is rebuilt from flowbits: a JA3 rule that {@code
 * flowbits:set,X} (usually with {@code noalert}) and a JA3S rule that {@code flowbits:isset,X}
 * become one ja3+ja3s alert entry (id of the JA3S rule); the JA3 rule itself becomes an info
 * entry when it does not alert on its own.
 *
 * <p>Each rule's constraints become the entry's scope ({@link RuleScope}): the header's addresses
 * and ports (client and server sides: the sender of a JA3 rule's packets is the client, of a JA3S
 * rule's the server) and its {@code tls.sni} contents. A rule with a constraint the database
 * cannot express (another variable, a keyword that narrows the match in another way, several
 * {@code tls.sni} contents that must all match ...) is not imported: {@link #read} lists it with
 * the reason. Confidence follows the rule's {@code confidence} metadata: Low {@value #LOW},
 * Medium {@value #MEDIUM}, High {@value #HIGH}.
 */
final class EtRulesImporter {
  static final String SOURCE = "et-open";
  static final String LICENCE = "BSD-3-Clause";
  static final int LOW = 40;
  static final int MEDIUM = 55;
  static final int HIGH = 70;

  private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern TOOLS =
      Pattern.compile("(?i).*(metasploit|nikto|sqlmap|wpscan|nessus|nexpose|mitmproxy|rclone).*");
  private static final Pattern ADWARE = Pattern.compile("(?i).*(adware|superfish).*");
  private static final Pattern C2 =
      Pattern.compile("(?i).*(cnc|\\bc2\\b|cobalt strike|meterpreter|poshc2|deimosc2|backdoor|remcos).*");

  /** One parsed rule. */
  static final class Rule {
    String file;
    int line;
    boolean disabled;
    String msg = "";
    String sid = "";
    String rev = "";
    String classtype = "";
    String ja3 = "";
    String ja3s = "";
    String flowbitSet;
    String flowbitIsSet;
    boolean noalert;
    String sniContent;
    boolean sniEndsWith;
    boolean sniStartsWith;
    boolean flowGiven;
    boolean flowToClient;
    /** Why the rule cannot be imported, or null. */
    String unrepresentable;
    boolean ja3StringImplied;
    /** The header's constraints and the SNI contents; null when the header is unrepresentable. */
    RuleScope scope;
    final List<String> sniExclusions = new ArrayList<>();
    final List<String> references = new ArrayList<>();
    final Map<String, String> metadata = new LinkedHashMap<>();
  }

  private EtRulesImporter() {}

  /**
   * Converts rule files.
   *
   * @param skipped receives one line per rule not imported: file:line, sid, message and reason
   */
  static List<Entry> read(List<Path> inputs, List<String> skipped)
      throws IOException, ImportException {
    List<Rule> rules = new ArrayList<>();
    for (Path p : inputs) {
      List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i).strip();
        boolean disabled = false;
        if (l.startsWith("#")) {
          String rest = l.substring(1).strip();
          if (!rest.startsWith("alert ")) {
            continue; // a comment
          }
          disabled = true;
          l = rest;
        }
        if (l.isEmpty()) {
          continue;
        }
        Rule r = parse(l, p.toString(), i + 1);
        r.disabled = disabled;
        if (r.ja3.isEmpty() && r.ja3s.isEmpty() && r.unrepresentable == null) {
          continue; // not a JA3/JA3S rule
        }
        if (r.unrepresentable == null && !r.ja3.isEmpty() && !r.ja3s.isEmpty()) {
          r.unrepresentable = "matches ja3 and ja3s in one rule";
        }
        if (r.unrepresentable == null) {
          r.scope = RuleScope.of(l, !r.ja3s.isEmpty(), r);
        }
        if (r.unrepresentable != null) {
          skipped.add(r.file + ":" + r.line + ": sid " + r.sid + " \"" + r.msg + "\": "
              + r.unrepresentable);
        } else {
          rules.add(r);
        }
      }
    }
    return convert(rules, skipped);
  }

  static Rule parse(String line, String file, int n) throws ImportException {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new ImportException(file, n, "no rule options in parentheses");
    }
    Rule r = new Rule();
    r.file = file;
    r.line = n;
    String buffer = "";
    int positiveSni = 0;
    for (String opt : options(line.substring(open + 1, close), file, n)) {
      int colon = opt.indexOf(':');
      String key = (colon < 0 ? opt : opt.substring(0, colon)).strip();
      String val = colon < 0 ? "" : opt.substring(colon + 1).strip();
      switch (key) {
        case "msg":
          r.msg = unquote(val);
          break;
        case "sid":
          r.sid = val;
          break;
        case "rev":
          r.rev = val;
          break;
        case "classtype":
          r.classtype = val;
          break;
        case "reference":
          r.references.add(val);
          break;
        case "ja3.hash":
        case "ja3_hash":
          buffer = "ja3";
          break;
        case "ja3s.hash":
        case "ja3s_hash":
          buffer = "ja3s";
          break;
        case "ja3.string":
        case "ja3s.string":
          buffer = key.startsWith("ja3s") ? "ja3s-string" : "ja3-string";
          break;
        case "tls.sni":
        case "tls_sni":
          buffer = "sni";
          break;
        case "content":
          boolean negated = val.startsWith("!");
          String c = unquote(negated ? val.substring(1).strip() : val);
          if (buffer.equals("ja3") || buffer.equals("ja3s")) {
            String h = c.toLowerCase(Locale.ROOT);
            if (!HEX32.matcher(h).matches() || negated) {
              unrepresentable(r, buffer + " content \"" + val + "\" is not a 32-hex-digit hash");
            } else if (!(buffer.equals("ja3") ? r.ja3 : r.ja3s).isEmpty()) {
              unrepresentable(r, "two " + buffer + " contents");
            } else if (buffer.equals("ja3")) {
              r.ja3 = h;
            } else {
              r.ja3s = h;
            }
          } else if (buffer.equals("ja3-string") && !negated && !r.ja3.isEmpty()) {
            // A content on the JA3 string after the JA3 hash: the hash fixes the string, so ET's
            // extra content can only be true for it (it documents the string's start).
            r.ja3StringImplied = true;
          } else if (buffer.equals("sni")) {
            if (c.indexOf('|') >= 0 || c.isEmpty()) {
              unrepresentable(r, "tls.sni content \"" + c + "\" with hex bytes");
            } else if (negated) {
              r.sniExclusions.add(c.toLowerCase(Locale.ROOT));
            } else if (++positiveSni > 1) {
              unrepresentable(r, "several tls.sni contents that must all match (scope_sni"
                  + " alternatives match any one)");
            } else {
              r.sniContent = c.toLowerCase(Locale.ROOT);
            }
          } else {
            unrepresentable(r, "content on " + (buffer.isEmpty() ? "the packet payload"
                : buffer.replace("-", ".")) + " (\"" + c + "\")");
          }
          break;
        case "endswith":
        case "startswith":
          if (buffer.equals("sni") && r.sniContent != null && r.sniExclusions.isEmpty()) {
            if (key.equals("endswith")) {
              r.sniEndsWith = true;
            } else {
              r.sniStartsWith = true;
            }
          } else {
            unrepresentable(r, "keyword " + key + " outside a single positive tls.sni content");
          }
          break;
        case "nocase":
        case "fast_pattern":
        case "gid":
        case "priority":
        case "target":
          break; // server names compare case-insensitively anyway; the rest is bookkeeping
        case "flow":
          for (String f : val.split(",")) {
            String t = f.strip();
            boolean toServer = t.equals("to_server") || t.equals("from_client");
            boolean toClient = t.equals("to_client") || t.equals("from_server");
            if (!(t.equals("established") || toServer || toClient)) {
              unrepresentable(r, "flow option " + t);
            } else if (toServer || toClient) {
              r.flowToClient = toClient;
              r.flowGiven = true;
            }
          }
          break;
        case "flowbits":
          String[] fb = val.split(",", 2);
          String op = fb[0].strip();
          if (op.equals("set")) {
            r.flowbitSet = fb.length > 1 ? fb[1].strip() : "";
          } else if (op.equals("isset")) {
            r.flowbitIsSet = fb.length > 1 ? fb[1].strip() : "";
          } else if (op.equals("noalert")) {
            r.noalert = true;
          } else {
            unrepresentable(r, "flowbits:" + op);
          }
          break;
        case "metadata":
          for (String kv : val.split(",")) {
            String t = kv.strip();
            int sp = t.indexOf(' ');
            if (sp > 0) {
              r.metadata.putIfAbsent(t.substring(0, sp), t.substring(sp + 1).strip());
            }
          }
          break;
        default:
          unrepresentable(r, "keyword " + key);
      }
    }
    if (r.sid.isEmpty()) {
      throw new ImportException(file, n, "rule without sid");
    }
    return r;
  }

  /** Records the first reason a rule cannot be imported. */
  static void unrepresentable(Rule r, String why) {
    if (r.unrepresentable == null) {
      r.unrepresentable = why;
    }
  }

  /** Splits rule options on ';' outside quotes, honouring backslash escapes. */
  static List<String> options(String s, String file, int n) throws ImportException {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        cur.append(c).append(s.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
        cur.append(c);
      } else if (c == ';' && !quoted) {
        if (!cur.toString().isBlank()) {
          out.add(cur.toString().strip());
        }
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new ImportException(file, n, "unterminated quoted string in rule options");
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  private static String unquote(String v) {
    String t = v.strip();
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      t = t.substring(1, t.length() - 1);
    }
    return t.replace("\\\"", "\"").replace("\\;", ";").replace("\\\\", "\\");
  }

  private static List<Entry> convert(List<Rule> rules, List<String> skipped) {
    Map<String, List<Rule>> setters = new LinkedHashMap<>();
    for (Rule r : rules) {
      if (r.flowbitSet != null && !r.ja3.isEmpty()) {
        setters.computeIfAbsent(r.flowbitSet, k -> new ArrayList<>()).add(r);
      }
    }
    List<Entry> out = new ArrayList<>();
    for (Rule r : rules) {
      if (!r.ja3.isEmpty()) {
        boolean alone = r.flowbitSet == null || !r.noalert;
        EntryBuilder b = base(r, "et:" + r.sid, EntryType.JA3, r.ja3);
        if (!alone) {
          b.disposition(r.disabled ? Disposition.DISABLED : Disposition.INFO);
          b.notes(notes(r, "sets flowbit " + r.flowbitSet
              + " without alerting: ET alerts only when the server's JA3S follows"));
        }
        out.add(r.scope.applyTo(b).build());
        continue;
      }
      // a JA3S rule
      if (r.flowbitIsSet == null) {
        out.add(r.scope.applyTo(base(r, "et:" + r.sid, EntryType.JA3S, r.ja3s)).build());
        continue;
      }
      List<Rule> set = setters.getOrDefault(r.flowbitIsSet, List.of());
      if (set.isEmpty()) {
        skipped.add(r.file + ":" + r.line + ": sid " + r.sid + " \"" + r.msg + "\": needs flowbit "
            + r.flowbitIsSet + " but no imported JA3 rule sets it");
        continue;
      }
      // One pair entry per distinct scope of the setting rules (usually one).
      Map<RuleScope, List<Rule>> byScope = new LinkedHashMap<>();
      for (Rule s : set) {
        RuleScope both = s.scope.and(r.scope);
        if (both == null) {
          skipped.add(r.file + ":" + r.line + ": sid " + r.sid + " \"" + r.msg + "\" with sid "
              + s.sid + ": the two rules constrain the same side differently (" + s.scope
              + " / " + r.scope + ")");
          continue;
        }
        byScope.computeIfAbsent(both, k -> new ArrayList<>()).add(s);
      }
      for (Map.Entry<RuleScope, List<Rule>> g : byScope.entrySet()) {
        List<Rule> group = g.getValue();
        String id = "et:" + r.sid + (byScope.size() == 1 ? "" : ":" + group.get(0).sid);
        EntryBuilder b = base(r, id, EntryType.JA3_JA3S, group.get(0).ja3).pair(r.ja3s);
        StringBuilder sids = new StringBuilder();
        boolean allDisabled = true;
        for (Rule s : group) {
          b.value(s.ja3);
          sids.append(sids.length() == 0 ? "" : ", ").append(s.sid);
          allDisabled &= s.disabled;
        }
        if (allDisabled) {
          b.disposition(Disposition.DISABLED);
        }
        b.notes(notes(r, "pair: the JA3 of sid " + sids + " (flowbit " + r.flowbitIsSet
            + ") followed by this JA3S on the same flow"));
        out.add(g.getKey().applyTo(b).build());
      }
    }
    return out;
  }

  private static EntryBuilder base(Rule r, String id, EntryType type, String value) {
    return new EntryBuilder(id, type, value)
        .label(r.msg)
        .category(category(r))
        .disposition(r.disabled ? Disposition.DISABLED : Disposition.ALERT)
        .confidence(confidence(r))
        .source(SOURCE)
        .licence(LICENCE)
        .firstSeen(date(r.metadata.get("created_at")))
        .reference(reference(r))
        .notes(notes(r, null));
  }

  static Category category(Rule r) {
    String m = r.msg;
    if (TOOLS.matcher(m).matches()) {
      return Category.TOOL;
    }
    if (ADWARE.matcher(m).matches()) {
      return Category.ADWARE;
    }
    if (C2.matcher(m).matches() || r.classtype.equals("command-and-control")) {
      return Category.C2;
    }
    return Category.MALWARE;
  }

  static int confidence(Rule r) {
    String c = r.metadata.getOrDefault("confidence", "Low").toLowerCase(Locale.ROOT);
    return c.equals("high") ? HIGH : c.equals("medium") ? MEDIUM : LOW;
  }

  private static String date(String etDate) {
    if (etDate == null || !etDate.matches("\\d{4}_\\d{2}_\\d{2}")) {
      return "";
    }
    return etDate.replace('_', '-');
  }

  private static String reference(Rule r) {
    for (String ref : r.references) {
      if (ref.startsWith("url,")) {
        String u = ref.substring(4).strip();
        return u.startsWith("http") ? u : "https://" + u;
      }
    }
    return "";
  }

  private static String notes(Rule r, String extra) {
    StringBuilder sb = new StringBuilder("ET Open sid:").append(r.sid);
    if (!r.rev.isEmpty()) {
      sb.append(" rev:").append(r.rev);
    }
    String updated = date(r.metadata.get("updated_at"));
    if (!updated.isEmpty()) {
      sb.append(", updated ").append(updated);
    }
    if (r.disabled) {
      sb.append("; disabled (commented out) by ET");
    }
    if (r.ja3StringImplied) {
      sb.append("; its ja3.string content is implied by the hash");
    }
    if (!r.sniExclusions.isEmpty() || r.sniContent != null) {
      sb.append("; tls.sni contents as scope_sni (case-insensitive; a handshake without a server"
          + " name is outside it, as in Suricata)");
    }
    String dep = r.metadata.get("deprecation_reason");
    if (dep != null) {
      sb.append("; deprecation_reason ").append(dep);
    }
    if (extra != null) {
      sb.append("; ").append(extra);
    }
    return sb.toString();
  }
}
