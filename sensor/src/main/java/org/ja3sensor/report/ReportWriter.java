package org.ja3sensor.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.BuildInfo;
import org.ja3sensor.core.Counters;

/**
 * Renders a {@link ReportData} and the read's counters as one self-contained HTML page: no
 * request leaves the page (a Content-Security-Policy allows only its own inline style and script,
 * by hash), charts are inline SVG, tables sort and filter with a few lines of inline script that
 * never touches the data as code. Every text that came from the wire or from a file goes through
 * {@link #esc}. Stateless.
 */
public final class ReportWriter {
  private static final int LIST_TOP = 5;

  private ReportWriter() {}

  /** What the page says about the run besides the events. */
  public record Run(List<String> files, Counters counters, long elapsedNanos, String generatedAt) {}

  static final String STYLE =
      "body{font:14px/1.4 system-ui,sans-serif;margin:0 2em 3em;color:#1b1f24;background:#fff}"
          + "h1{font-size:22px;margin:1em 0 .2em}h2{font-size:17px;margin:1.6em 0 .5em;"
          + "border-bottom:1px solid #d0d7de;padding-bottom:.2em}"
          + ".meta{color:#57606a;font-size:12px}"
          + ".cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #d0d7de;"
          + "border-radius:6px;padding:8px 14px;min-width:110px}.card .n{display:block;"
          + "font-size:22px;font-weight:600}.card.bad .n{color:#cf222e}"
          + "table{border-collapse:collapse;font-size:12px;width:100%}"
          + "th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}"
          + "th{background:#f6f8fa;cursor:pointer;user-select:none;white-space:nowrap}"
          + "th[aria-sort=ascending]::after{content:' \\25B2'}"
          + "th[aria-sort=descending]::after{content:' \\25BC'}"
          + "td.num{text-align:right;font-variant-numeric:tabular-nums}"
          + ".mono,td.fp{font-family:ui-monospace,monospace}td.fp{word-break:break-all}"
          + "td.mono{white-space:nowrap}"
          + "tr.alert td{background:#ffebe9}.filter{margin:0 0 6px;padding:4px;width:24em}"
          + "ul.l{margin:0;padding-left:1.1em}.muted{color:#57606a}"
          + "svg text{font:11px system-ui,sans-serif;fill:#57606a}";

  static final String SCRIPT =
      "(function(){"
          + "function key(c){var v=c.getAttribute('data-v');return v===null?c.textContent:v;}"
          + "function sortBy(t,i,th){var asc=th.getAttribute('aria-sort')!=='ascending';"
          + "var hs=t.tHead.rows[0].cells;for(var k=0;k<hs.length;k++)hs[k].removeAttribute("
          + "'aria-sort');th.setAttribute('aria-sort',asc?'ascending':'descending');"
          + "var b=t.tBodies[0];var rows=Array.prototype.slice.call(b.rows);"
          + "rows.sort(function(x,y){var a=key(x.cells[i]),c=key(y.cells[i]);"
          + "var na=parseFloat(a),nc=parseFloat(c);var r=(!isNaN(na)&&!isNaN(nc)&&"
          + "String(na)===a.trim()&&String(nc)===c.trim())?na-nc:a.localeCompare(c);"
          + "return asc?r:-r;});rows.forEach(function(r){b.appendChild(r);});}"
          + "var ts=document.querySelectorAll('table.sortable');"
          + "for(var n=0;n<ts.length;n++){(function(t){var hs=t.tHead.rows[0].cells;"
          + "for(var i=0;i<hs.length;i++){(function(i){hs[i].addEventListener('click',"
          + "function(){sortBy(t,i,hs[i]);});})(i);}})(ts[n]);}"
          + "var fs=document.querySelectorAll('input.filter');"
          + "for(var m=0;m<fs.length;m++){(function(f){f.addEventListener('input',function(){"
          + "var t=document.getElementById(f.getAttribute('data-table'));"
          + "var q=f.value.toLowerCase();var rs=t.tBodies[0].rows;"
          + "for(var j=0;j<rs.length;j++){rs[j].hidden=q!==''&&"
          + "rs[j].textContent.toLowerCase().indexOf(q)<0;}});})(fs[m]);}"
          + "document.body.setAttribute('data-ready','1');})();";

  /** HTML text or attribute: markup characters as entities, control characters visible. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
            b.append(String.format(Locale.ROOT, "\\x%02x", (int) c)); // shown, not acted on
          } else if (Character.isSurrogate(c)
              && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                  && Character.isLowSurrogate(s.charAt(i + 1)))
              && !(Character.isLowSurrogate(c) && i > 0
                  && Character.isHighSurrogate(s.charAt(i - 1)))) {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  static String sha256(String s) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The page. */
  public static String render(ReportData d, Run run) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
        .append("style-src 'sha256-").append(sha256(STYLE)).append("'; script-src 'sha256-")
        .append(sha256(SCRIPT)).append("'; img-src data:\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width\">\n")
        .append("<title>ja3sensor report</title>\n<style>").append(STYLE).append("</style>\n")
        .append("</head><body>\n<h1>ja3sensor report</h1>\n<p class=\"meta\">")
        .append(esc(String.join(", ", run.files()))).append(" &middot; generated ")
        .append(esc(run.generatedAt())).append(" by ja3sensor ").append(esc(BuildInfo.version()))
        .append("</p>\n");
    glance(h, d, run);
    alerts(h, d);
    timeline(h, d);
    fingerprints(h, d);
    servers(h, d);
    silence(h, d, run.counters());
    h.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
    return h.toString();
  }

  private static void card(StringBuilder h, String id, String label, String value, boolean bad) {
    h.append("<div class=\"card").append(bad ? " bad" : "").append("\"><span class=\"n\" id=\"")
        .append(id).append("\">").append(esc(value)).append("</span>").append(esc(label))
        .append("</div>");
  }

  private static void glance(StringBuilder h, ReportData d, Run run) {
    Counters c = run.counters();
    h.append("<h2 id=\"glance\">The capture at a glance</h2>\n<p>");
    if (d.firstTime != null) {
      h.append("From <span id=\"glance-first\" class=\"mono\">").append(esc(d.firstTime))
          .append("</span> to <span id=\"glance-last\" class=\"mono\">").append(esc(d.lastTime))
          .append("</span> (").append(esc(span(d))).append(").");
    } else {
      h.append("No TLS handshake was seen.");
    }
    h.append("</p>\n<div class=\"cards\">");
    card(h, "glance-packets", "packets", Long.toString(c.packets), false);
    card(h, "glance-flows", "TCP flows", Long.toString(c.flows), false);
    card(h, "glance-handshakes", "TLS handshakes", Long.toString(d.events), false);
    card(h, "glance-fingerprints", "client fingerprints", Integer.toString(d.clients.size()),
        false);
    card(h, "glance-alerts", "alerts", Long.toString(d.alerts), d.alerts > 0);
    card(h, "glance-anomalies", "anomalies", Long.toString(c.totalAnomalies()),
        c.totalAnomalies() > 0);
    h.append("</div>\n");
  }

  private static String span(ReportData d) {
    long a = ReportData.epochSecond(d.firstTime);
    long b = ReportData.epochSecond(d.lastTime);
    if (a == Long.MIN_VALUE || b == Long.MIN_VALUE) {
      return "?";
    }
    long s = b - a;
    return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : String.format(Locale.ROOT,
        "%.1f h", s / 3600.0);
  }

  private static void alerts(StringBuilder h, ReportData d) {
    h.append("<h2 id=\"alerts\">Alerts (<span id=\"alerts-count\">").append(d.alerts)
        .append("</span>)</h2>\n");
    if (d.alertList.isEmpty()) {
      h.append("<p class=\"muted\">No alert: no handshake matched an alert entry of the"
          + " fingerprint database.</p>\n");
      return;
    }
    if (d.alerts > d.alertList.size()) {
      h.append("<p class=\"muted\">The first ").append(d.alertList.size()).append(" shown.</p>");
    }
    h.append("<input class=\"filter\" data-table=\"alert-table\" placeholder=\"filter alerts\">\n")
        .append("<table id=\"alert-table\" class=\"sortable\"><thead><tr><th>time</th>")
        .append("<th>rule</th><th>severity</th><th>risk</th><th>client</th><th>server</th>")
        .append("<th>SNI</th><th>JA3 / JA4</th><th>evidence (field = value (entry, source,")
        .append(" confidence))</th></tr></thead><tbody>\n");
    for (ReportData.Alert a : d.alertList) {
      h.append("<tr class=\"alert\"><td class=\"mono\">").append(esc(a.time())).append("</td><td>")
          .append(esc(a.rule())).append("<br><span class=\"muted mono\">").append(esc(a.ruleId()))
          .append(" &middot; ").append(esc(a.ruleset())).append("</span></td><td class=\"num\">")
          .append(esc(a.severity())).append("</td><td class=\"num\">").append(esc(a.risk()))
          .append("</td><td class=\"mono\">").append(esc(a.client())).append("</td><td class=\"mono\">")
          .append(esc(a.server())).append("</td><td class=\"mono\">").append(esc(a.sni()))
          .append("</td><td class=\"fp\">").append(esc(a.ja3()));
      if (a.ja4() != null) {
        h.append("<br>").append(esc(a.ja4()));
      }
      h.append("</td><td class=\"mono\">").append(esc(a.evidence())).append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void timeline(StringBuilder h, ReportData d) {
    h.append("<h2 id=\"timeline\">Timeline of handshakes and alerts</h2>\n");
    if (d.perSecond.isEmpty()) {
      h.append("<p class=\"muted\">Nothing to draw.</p>\n");
      return;
    }
    long first = d.perSecond.firstKey();
    long last = d.perSecond.lastKey();
    int buckets = 60;
    long width = Math.max(1, (last - first + buckets) / buckets); // seconds per bucket
    int n = (int) ((last - first) / width) + 1;
    long[] hs = new long[n];
    long[] al = new long[n];
    for (Map.Entry<Long, long[]> e : d.perSecond.entrySet()) {
      int i = (int) ((e.getKey() - first) / width);
      hs[i] += e.getValue()[0];
      al[i] += e.getValue()[1];
    }
    long max = 1;
    for (long v : hs) {
      max = Math.max(max, v);
    }
    int w = 900;
    int ht = 160;
    int left = 40;
    int bottom = 20;
    double bw = (double) (w - left) / n;
    h.append("<svg id=\"timeline-svg\" width=\"").append(w).append("\" height=\"").append(ht + 10)
        .append("\" viewBox=\"0 0 ").append(w).append(' ').append(ht + 10)
        .append("\" role=\"img\" aria-label=\"handshakes per ").append(width)
        .append(" s\">\n<line x1=\"").append(left).append("\" y1=\"").append(ht - bottom)
        .append("\" x2=\"").append(w).append("\" y2=\"").append(ht - bottom)
        .append("\" stroke=\"#d0d7de\"/>\n");
    for (int i = 0; i < n; i++) {
      if (hs[i] == 0) {
        continue;
      }
      double x = left + i * bw;
      double bh = (ht - bottom - 10) * (double) hs[i] / max;
      h.append(String.format(Locale.ROOT,
          "<rect class=\"hs\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#0969da\""
              + " data-count=\"%d\"><title>%d handshakes</title></rect>\n",
          x, ht - bottom - bh, Math.max(1, bw - 1), bh, hs[i], hs[i]));
      if (al[i] > 0) {
        double ah = (ht - bottom - 10) * (double) al[i] / max;
        h.append(String.format(Locale.ROOT,
            "<rect class=\"al\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                + " fill=\"#cf222e\" data-count=\"%d\"><title>%d alerts</title></rect>\n",
            x, ht - bottom - ah, Math.max(1, bw - 1), Math.max(2, ah), al[i], al[i]));
      }
    }
    h.append("<text x=\"0\" y=\"14\">").append(max).append("</text>\n<text x=\"").append(left)
        .append("\" y=\"").append(ht).append("\">").append(esc(d.firstTime)).append("</text>\n")
        .append("<text x=\"").append(w).append("\" y=\"").append(ht)
        .append("\" text-anchor=\"end\">").append(esc(d.lastTime)).append("</text>\n</svg>\n")
        .append("<p class=\"muted\">Blue: handshakes, red: alerts, per ").append(width)
        .append(" s.</p>\n");
  }

  private static void list(StringBuilder h, ReportData.Tally t) {
    List<Map.Entry<String, Long>> top = t.top(LIST_TOP);
    if (top.isEmpty()) {
      h.append("<span class=\"muted\">-</span>");
      return;
    }
    h.append("<ul class=\"l\">");
    for (Map.Entry<String, Long> e : top) {
      h.append("<li>").append(esc(e.getKey())).append(" <span class=\"muted\">(")
          .append(e.getValue()).append(")</span></li>");
    }
    long more = t.distinct() - top.size();
    if (more > 0 || t.others > 0) {
      h.append("<li class=\"muted\">+").append(more).append(" more")
          .append(t.others > 0 ? ", and " + t.others + " beyond the first " + ReportData.MAX_VALUES
              + " values" : "")
          .append("</li>");
    }
    h.append("</ul>");
  }

  private static void fingerprints(StringBuilder h, ReportData d) {
    h.append("<h2 id=\"fingerprints\">Client fingerprints by connections (<span"
        + " id=\"fp-count\">").append(d.clients.size()).append("</span>)</h2>\n")
        .append("<input class=\"filter\" data-table=\"fp-table\" placeholder=\"filter:")
        .append(" fingerprint, SNI, host, label\">\n")
        .append("<table id=\"fp-table\" class=\"sortable\"><thead><tr><th>connections</th>")
        .append("<th>alerts</th>");
    List<ReportData.Fingerprint> fps = new java.util.ArrayList<>(d.clients.values());
    // JA4 and JA3N columns only when some event carries them.
    boolean ja4 = fps.stream().anyMatch(f -> f.ja4 != null);
    boolean ja3n = fps.stream().anyMatch(f -> f.ja3n != null);
    h.append(ja4 ? "<th>JA4</th>" : "").append("<th>JA3</th>").append(ja3n ? "<th>JA3N</th>" : "")
        .append("<th>database labels (source, confidence)</th><th>SNI</th><th>clients</th>")
        .append("<th>servers</th><th>JA3S answered</th></tr></thead><tbody>\n");
    fps.sort((a, b) -> Long.compare(b.connections, a.connections));
    for (ReportData.Fingerprint f : fps) {
      h.append("<tr").append(f.alerts > 0 ? " class=\"alert\"" : "")
          .append("><td class=\"num conn\" data-v=\"").append(f.connections).append("\">")
          .append(f.connections).append("</td><td class=\"num\" data-v=\"").append(f.alerts)
          .append("\">").append(f.alerts).append("</td>");
      if (ja4) {
        h.append("<td class=\"fp\">").append(esc(f.ja4)).append("</td>");
      }
      h.append("<td class=\"fp ja3\" title=\"").append(esc(f.ja3String)).append("\">")
          .append(esc(f.ja3)).append("</td>");
      if (ja3n) {
        h.append("<td class=\"fp\">").append(esc(f.ja3n)).append("</td>");
      }
      h.append("<td>");
      list(h, f.labels);
      h.append("</td><td class=\"mono sni\">");
      list(h, f.sni);
      h.append("</td><td class=\"mono\">");
      list(h, f.clients);
      h.append("</td><td class=\"mono\">");
      list(h, f.servers);
      h.append("</td><td class=\"fp\">");
      list(h, f.ja3s);
      h.append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void servers(StringBuilder h, ReportData d) {
    h.append("<h2 id=\"servers\">Server fingerprints (JA3S) by connections</h2>\n")
        .append("<input class=\"filter\" data-table=\"ja3s-table\" placeholder=\"filter\">\n")
        .append("<table id=\"ja3s-table\" class=\"sortable\"><thead><tr><th>connections</th>")
        .append("<th>alerts</th><th>JA3S</th><th>database labels</th><th>SNI</th>")
        .append("<th>servers</th><th>clients</th></tr></thead><tbody>\n");
    List<ReportData.Fingerprint> fps = new java.util.ArrayList<>(d.serverFingerprints.values());
    fps.sort((a, b) -> Long.compare(b.connections, a.connections));
    for (ReportData.Fingerprint f : fps) {
      h.append("<tr><td class=\"num\" data-v=\"").append(f.connections).append("\">")
          .append(f.connections).append("</td><td class=\"num\" data-v=\"").append(f.alerts)
          .append("\">").append(f.alerts).append("</td><td class=\"fp\">").append(esc(f.key))
          .append("</td><td>");
      list(h, f.labels);
      h.append("</td><td class=\"mono\">");
      list(h, f.sni);
      h.append("</td><td class=\"mono\">");
      list(h, f.servers);
      h.append("</td><td class=\"mono\">");
      list(h, f.clients);
      h.append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void row(StringBuilder h, String id, String what, long n, String why) {
    h.append("<tr><td>").append(esc(what)).append("</td><td class=\"num\" id=\"").append(id)
        .append("\" data-v=\"").append(n).append("\">").append(n).append("</td><td>")
        .append(esc(why)).append("</td></tr>\n");
  }

  private static void silence(StringBuilder h, ReportData d, Counters c) {
    h.append("<h2 id=\"silence\">Counters that explain silence</h2>\n")
        .append("<table id=\"silence-table\" class=\"sortable\"><thead><tr><th>counter</th>")
        .append("<th>value</th><th>what it means</th></tr></thead><tbody>\n");
    row(h, "silence-packets", "packets", c.packets, "frames read");
    row(h, "silence-tcp", "TCP packets", c.tcpPackets, "frames with a TCP segment");
    row(h, "silence-other", "non-TCP packets", c.otherPackets,
        "not IP or not TCP (UDP, ARP ...): not looked at");
    row(h, "silence-flows", "TCP flows", c.flows, "connections tracked");
    row(h, "silence-no-hello", "flows without a TLS hello", Math.max(0, c.flows - d.events),
        "not TLS, TLS picked up after its handshake, or hellos cut off");
    row(h, "silence-client-hellos", "ClientHellos", c.clientHellos, "parsed");
    row(h, "silence-server-hellos", "ServerHellos", c.serverHellos, "parsed");
    for (Anomaly a : Anomaly.values()) {
      long v = c.get(a);
      if (v > 0) {
        row(h, "anomaly-" + a.label(), "anomaly " + a.label(), v,
            "a counted anomaly (see the summary of ja3sensor read)");
      }
    }
    h.append("</tbody></table>\n");
  }
}
