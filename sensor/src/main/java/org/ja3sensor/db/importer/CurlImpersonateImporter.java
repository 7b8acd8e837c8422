package org.ja3sensor.db.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ja3sensor.db.Category;
import org.ja3sensor.db.Disposition;
import org.ja3sensor.db.Entry;
import org.ja3sensor.db.EntryBuilder;
import org.ja3sensor.db.EntryType;
import org.ja3sensor.fingerprint.Ja3;
import org.ja3sensor.fingerprint.Ja4;
import org.ja3sensor.tls.ClientHello;

/**
 * curl-impersonate {@code tests/signatures/*.yaml}: one real browser ClientHello per file
 * ({@code signature.tls_client_hello}: cipher suites, extensions by name, groups, point formats,
 * ALPN, signature algorithms). From each the importer builds the neutral {@link ClientHello} and
 * computes JA3, JA3N and JA4 (over TCP) with the sensor's own {@link Ja3} and {@link Ja4}, and
 * emits one info entry per distinct value, category browser,
 * labelled with the browser builds that produce it. Builds that permute their extensions ({@code
 * tls_permute_extensions: true}, Chrome and Edge since 110) get no JA3 entry: their JA3 changes
 * on every connection. Where the file states its own {@code third_party.ja3_hash} the computed
 * value is compared and a difference reported as a warning.
 */
final class CurlImpersonateImporter {
  static final String SOURCE = "curl-impersonate";
  static final String LICENCE = "MIT";
  static final int CONFIDENCE = 70;

  /** Extension names used by the signature files (dpkt names) and their code points. */
  static final Map<String, Integer> EXTENSIONS = new LinkedHashMap<>();

  static {
    EXTENSIONS.put("server_name", 0);
    EXTENSIONS.put("status_request", 5);
    EXTENSIONS.put("supported_groups", 10);
    EXTENSIONS.put("ec_point_formats", 11);
    EXTENSIONS.put("signature_algorithms", 13);
    EXTENSIONS.put("application_layer_protocol_negotiation", 16);
    EXTENSIONS.put("signed_certificate_timestamp", 18);
    EXTENSIONS.put("padding", 21);
    EXTENSIONS.put("extended_master_secret", 23);
    EXTENSIONS.put("compress_certificate", 27);
    EXTENSIONS.put("record_size_limit", 28);
    EXTENSIONS.put("delegated_credentials", 34);
    EXTENSIONS.put("session_ticket", 35);
    EXTENSIONS.put("pre_shared_key", 41);
    EXTENSIONS.put("supported_versions", 43);
    EXTENSIONS.put("psk_key_exchange_modes", 45);
    EXTENSIONS.put("keyshare", 51);
    EXTENSIONS.put("application_settings", 17513);
    EXTENSIONS.put("application_settings_new", 17613);
    EXTENSIONS.put("encrypted_client_hello", 65037);
    EXTENSIONS.put("renegotiation_info", 65281);
  }

  /** What one signature file yields. */
  record Hello(
      String file,
      String browser,
      String version,
      String os,
      boolean permuted,
      String ja3String,
      String ja3,
      String ja3n,
      String ja4,
      String statedJa3) {}

  private CurlImpersonateImporter() {}

  static List<Entry> read(List<Path> inputs, List<String> warnings)
      throws IOException, ImportException {
    List<Hello> hellos = new ArrayList<>();
    for (Path in : inputs) {
      for (Path f : yamlFiles(in)) {
        Hello h = parse(f);
        hellos.add(h);
        if (!h.permuted && h.statedJa3 != null && !h.statedJa3.equals(h.ja3)) {
          warnings.add(f + ": computed JA3 " + h.ja3 + " differs from third_party.ja3_hash "
              + h.statedJa3);
        }
      }
    }
    Map<String, List<Hello>> byJa3 = new TreeMap<>();
    Map<String, List<Hello>> byJa3n = new TreeMap<>();
    Map<String, List<Hello>> byJa4 = new TreeMap<>();
    for (Hello h : hellos) {
      if (!h.permuted) {
        byJa3.computeIfAbsent(h.ja3, k -> new ArrayList<>()).add(h);
      }
      byJa3n.computeIfAbsent(h.ja3n, k -> new ArrayList<>()).add(h);
      byJa4.computeIfAbsent(h.ja4, k -> new ArrayList<>()).add(h);
    }
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<String, List<Hello>> e : byJa4.entrySet()) {
      out.add(entry("curl-impersonate:ja4:" + e.getKey(), EntryType.JA4, e.getKey(), e.getValue()));
    }
    for (Map.Entry<String, List<Hello>> e : byJa3n.entrySet()) {
      out.add(
          entry("curl-impersonate:ja3n:" + e.getKey(), EntryType.JA3N, e.getKey(), e.getValue()));
    }
    for (Map.Entry<String, List<Hello>> e : byJa3.entrySet()) {
      out.add(entry("curl-impersonate:ja3:" + e.getKey(), EntryType.JA3, e.getKey(), e.getValue()));
    }
    return out;
  }

  private static Entry entry(String id, EntryType type, String value, List<Hello> hs) {
    List<String> builds = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (Hello h : hs) {
      builds.add(h.browser + " " + h.version + " (" + h.os + ")");
      files.add(Path.of(h.file).getFileName().toString());
    }
    return new EntryBuilder(id, type, value)
        .label(String.join(", ", builds))
        .category(Category.BROWSER)
        .disposition(Disposition.INFO)
        .confidence(CONFIDENCE)
        .source(SOURCE)
        .licence(LICENCE)
        .reference("https://github.com/lexiforest/curl-impersonate/tree/main/tests/signatures")
        .notes("browser ClientHello from " + String.join(" ", files)
            + "; also produced by impersonation libraries (curl-impersonate, curl_cffi, uTLS)")
        .build();
  }

  private static List<Path> yamlFiles(Path in) throws IOException {
    if (!Files.isDirectory(in)) {
      return List.of(in);
    }
    try (Stream<Path> s = Files.list(in)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    }
  }

  static Hello parse(Path f) throws IOException, ImportException {
    String name = f.toString();
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(f));
    JsonNode browser = root.path("browser");
    JsonNode ch = root.path("signature").path("tls_client_hello");
    if (ch.isMissingNode() || !ch.path("ciphersuites").isArray()) {
      throw new ImportException(name, 0, "no signature.tls_client_hello.ciphersuites");
    }
    boolean permuted = root.path("signature").path("options").path("tls_permute_extensions").asBoolean(false);
    int legacy = version(ch.path("handshake_version").asText(""), name);
    List<Integer> ciphers = numbers(ch.path("ciphersuites"), name, "ciphersuites");
    List<Integer> exts = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    List<Integer> points = new ArrayList<>();
    List<Integer> sigAlgs = new ArrayList<>();
    List<Integer> versions = new ArrayList<>();
    List<String> alpn = new ArrayList<>();
    for (JsonNode ext : ch.path("extensions")) {
      String type = ext.path("type").asText("");
      if (type.equals("GREASE")) {
        continue;
      }
      Integer code = EXTENSIONS.get(type);
      if (code == null) {
        throw new ImportException(name, 0, "extension type \"" + type
            + "\" unknown; expected one of " + EXTENSIONS.keySet());
      }
      exts.add(code);
      switch (type) {
        case "supported_groups":
          groups = numbers(ext.path("supported_groups"), name, "supported_groups");
          break;
        case "ec_point_formats":
          points = numbers(ext.path("ec_point_formats"), name, "ec_point_formats");
          break;
        case "signature_algorithms":
          sigAlgs = numbers(ext.path("sig_hash_algs"), name, "sig_hash_algs");
          break;
        case "supported_versions":
          for (JsonNode v : ext.path("supported_versions")) {
            if (!v.asText().equals("GREASE")) {
              versions.add(version(v.asText(), name));
            }
          }
          break;
        case "application_layer_protocol_negotiation":
          for (JsonNode n : ext.path("alpn_list")) {
            alpn.add(n.asText());
          }
          break;
        default:
      }
    }
    // The neutral hello the sensor's own fingerprint functions take (GREASE already left out).
    ClientHello hello = new ClientHello(legacy, ints(ciphers), new int[] {0}, ints(exts),
        ints(groups), ints(points), null, List.copyOf(alpn), ints(versions), ints(sigAlgs), true);
    String ja3String = Ja3.ja3String(hello);
    JsonNode stated = root.path("third_party").path("ja3_hash");
    return new Hello(
        name,
        browser.path("name").asText("?"),
        browser.path("version").asText("?"),
        browser.path("os").asText("?"),
        permuted,
        ja3String,
        Ja3.md5Hex(ja3String),
        Ja3.md5Hex(Ja3.ja3nString(hello)),
        Ja4.ja4(hello, Ja4.TCP),
        stated.isMissingNode() ? null : stated.asText().toLowerCase(Locale.ROOT));
  }

  private static int version(String s, String file) throws ImportException {
    switch (s) {
      case "TLS_VERSION_1_3": return 0x0304;
      case "TLS_VERSION_1_2": return 0x0303;
      case "TLS_VERSION_1_1": return 0x0302;
      case "TLS_VERSION_1_0": return 0x0301;
      default:
        throw new ImportException(file, 0, "version \"" + s + "\"; expected TLS_VERSION_1_0 to TLS_VERSION_1_3");
    }
  }

  private static List<Integer> numbers(JsonNode arr, String file, String field) throws ImportException {
    List<Integer> out = new ArrayList<>();
    for (JsonNode n : arr) {
      if (n.isTextual() && n.asText().equals("GREASE")
          || n.canConvertToInt() && org.ja3sensor.fingerprint.Ja3.isGrease(n.asInt())) {
        continue;
      }
      if (!n.canConvertToInt() || n.asInt() < 0 || n.asInt() > 0xffff) {
        throw new ImportException(file, 0, field + " value \"" + n.asText() + "\"; expected 0 to 65535 or GREASE");
      }
      out.add(n.asInt());
    }
    return out;
  }

  private static int[] ints(List<Integer> xs) {
    return xs.stream().mapToInt(Integer::intValue).toArray();
  }
}
