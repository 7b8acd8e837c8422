package org.ja3sensor.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ECS field definitions ({@code ../shared/ecs/ecs_flat.yml}) and the rule every event field
 * obeys: an ECS field with a value of its ECS type (an array exactly where ECS says array, allowed
 * values where ECS lists them), a field of the project's own namespace {@code ja3sensor.*}, or one
 * of the documented fingerprint extensions ({@link #EXTENSIONS}). Nothing else.
 */
public final class EcsSchema {
  /** Fingerprint fields in ECS's style beside ECS's own tls.client.ja3 / tls.server.ja3s. */
  public static final Set<String> EXTENSIONS =
      Set.of(
          "tls.client.ja3_string",
          "tls.server.ja3s_string",
          "tls.client.ja3n",
          "tls.client.ja3n_string",
          "tls.client.ja4",
          "tls.client.ja4_r",
          "tls.client.ja4_o",
          "tls.client.ja4_ro");

  public static final String OWN = "ja3sensor";

  /** One ECS field. */
  public record Field(String name, String type, boolean array, Set<String> allowed) {}

  private final Map<String, Field> fields = new HashMap<>();
  /** event.category value -> the event.type values ECS expects with it. */
  private final Map<String, Set<String>> expectedTypes = new HashMap<>();

  public static Path ecsFlatYml() {
    return sharedDir().resolve("ecs/ecs_flat.yml");
  }

  /**
   * The shared reference directory: {@code ../shared} beside the repository (CI), else {@code
   * ../../shared} (a git worktree one level further down).
   */
  public static Path sharedDir() {
    Path root = Path.of(System.getProperty("ja3sensor.repoRoot", ".")).toAbsolutePath();
    Path beside = root.resolve("../shared").normalize();
    Path above = root.resolve("../../shared").normalize();
    return java.nio.file.Files.isDirectory(beside) || !java.nio.file.Files.isDirectory(above)
        ? beside
        : above;
  }

  private static EcsSchema loaded;

  /** The shared definitions, parsed once. */
  public static synchronized EcsSchema load() throws IOException {
    if (loaded == null) {
      loaded = new EcsSchema(new ObjectMapper(new YAMLFactory()).readTree(ecsFlatYml().toFile()));
    }
    return loaded;
  }

  private EcsSchema(JsonNode root) {
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode d = f.getValue();
      boolean array = false;
      for (JsonNode n : d.path("normalize")) {
        array |= n.asText().equals("array");
      }
      Set<String> allowed = null;
      if (d.has("allowed_values")) {
        allowed = new HashSet<>();
        for (JsonNode a : d.get("allowed_values")) {
          allowed.add(a.get("name").asText());
          if (f.getKey().equals("event.category")) {
            Set<String> types = new HashSet<>();
            for (JsonNode t : a.path("expected_event_types")) {
              types.add(t.asText());
            }
            expectedTypes.put(a.get("name").asText(), types);
          }
        }
      }
      fields.put(f.getKey(), new Field(f.getKey(), d.get("type").asText(), array, allowed));
    }
  }

  /** The ECS field of that flat name, or null. */
  public Field field(String flatName) {
    return fields.get(flatName);
  }

  /** A leaf of an event: its flat name, its values (one, or the elements of an array). */
  public record Leaf(String name, boolean array, List<JsonNode> values) {}

  /**
   * The leaves of an event by flat name. Objects are walked; an array of objects (ECS "nested",
   * or an array of our own) is walked element by element under the same name; other arrays are
   * leaves.
   */
  public static Map<String, Leaf> leaves(JsonNode event) {
    Map<String, Leaf> out = new TreeMap<>();
    walk("", event, false, out);
    return out;
  }

  private static void walk(String prefix, JsonNode n, boolean inArray, Map<String, Leaf> out) {
    if (n.isObject()) {
      if (!prefix.isEmpty()) {
        out.putIfAbsent(prefix, new Leaf(prefix, inArray, new ArrayList<>()));
        out.get(prefix).values().add(n);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String name = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
        JsonNode v = f.getValue();
        if (v.isArray() && v.size() > 0 && v.get(0).isObject()) {
          for (JsonNode el : v) {
            walk(name, el, true, out);
          }
        } else {
          walk(name, v, false, out);
        }
      }
      return;
    }
    Leaf l = out.computeIfAbsent(prefix, k -> new Leaf(k, n.isArray(), new ArrayList<>()));
    if (n.isArray()) {
      n.forEach(l.values()::add);
    } else {
      l.values().add(n);
    }
  }

  /** What is wrong with an event's fields (empty: nothing). */
  public List<String> violations(JsonNode event) {
    List<String> bad = new ArrayList<>();
    if (!event.isObject()) {
      bad.add("not a JSON object");
      return bad;
    }
    Map<String, Leaf> leaves = leaves(event);
    for (String required : List.of("@timestamp", "ecs.version")) {
      if (!leaves.containsKey(required)) {
        bad.add(required + ": missing (ECS requires it on every event)");
      }
    }
    for (Leaf l : leaves.values()) {
      String name = l.name();
      if (name.equals(OWN) || name.startsWith(OWN + ".")) {
        for (JsonNode v : l.values()) {
          if (v.isNull() || v.isArray()) {
            bad.add(name + ": " + v + " (null or an array of arrays)");
          }
        }
        continue;
      }
      if (EXTENSIONS.contains(name)) {
        for (JsonNode v : l.values()) {
          if (!v.isTextual() || l.array()) {
            bad.add(name + ": " + v + ", expected one keyword string");
          }
        }
        continue;
      }
      Field f = fields.get(name);
      if (f == null) {
        // An object whose children are all ECS fields (e.g. "tls.client") is not a field itself.
        if (l.values().stream().allMatch(JsonNode::isObject) && hasEcsChildren(name)) {
          continue;
        }
        bad.add(name + ": not an ECS field, not under " + OWN + ".*, not a documented extension");
        continue;
      }
      boolean nested = f.type().equals("nested") || f.type().equals("object");
      if (nested) {
        if (f.type().equals("nested") && !l.array()) {
          bad.add(name + ": an object, expected an array of objects (ECS nested)");
        }
        continue;
      }
      if (l.array() != f.array()) {
        bad.add(name + ": " + (l.array() ? "an array" : "a single value")
            + ", ECS says " + (f.array() ? "array" : "not an array"));
      }
      for (JsonNode v : l.values()) {
        String why = typeError(f, v);
        if (why != null) {
          bad.add(name + ": " + v + " " + why);
        }
      }
    }
    checkCategories(event, bad);
    return bad;
  }

  private boolean hasEcsChildren(String prefix) {
    String p = prefix + ".";
    for (String k : fields.keySet()) {
      if (k.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private void checkCategories(JsonNode event, List<String> bad) {
    JsonNode cats = event.at("/event/category");
    JsonNode types = event.at("/event/type");
    if (cats.isMissingNode() || types.isMissingNode()) {
      return;
    }
    for (JsonNode t : types) {
      boolean ok = false;
      for (JsonNode c : cats) {
        ok |= expectedTypes.getOrDefault(c.asText(), Set.of()).contains(t.asText());
      }
      if (!ok) {
        bad.add("event.type: " + t + " is not an expected type of event.category " + cats);
      }
    }
  }

  /** Null when {@code v} is a value of the field's ECS type (and allowed), else why not. */
  static String typeError(Field f, JsonNode v) {
    switch (f.type()) {
      case "keyword", "constant_keyword", "wildcard", "match_only_text", "text" -> {
        if (!v.isTextual()) {
          return "is not a string (ECS type " + f.type() + ")";
        }
        if (f.allowed() != null && !f.allowed().contains(v.asText())) {
          return "is not one of the allowed values " + f.allowed();
        }
        return null;
      }
      case "long", "integer" -> {
        return v.isIntegralNumber() ? null : "is not an integer (ECS type " + f.type() + ")";
      }
      case "float", "double", "scaled_float" -> {
        return v.isNumber() ? null : "is not a number (ECS type " + f.type() + ")";
      }
      case "boolean" -> {
        return v.isBoolean() ? null : "is not a boolean";
      }
      case "ip" -> {
        return v.isTextual() && isIpLiteral(v.asText()) ? null : "is not an IP address";
      }
      case "date" -> {
        return v.isTextual() && isDate(v.asText()) ? null : "is not an ISO 8601 date";
      }
      default -> {
        return "has ECS type " + f.type() + ", which events do not use";
      }
    }
  }

  static boolean isIpLiteral(String s) {
    if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      for (String p : s.split("\\.")) {
        if (Integer.parseInt(p) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) {
      return false; // never resolve a name
    }
    try {
      InetAddress.getByName(s);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean isDate(String s) {
    try {
      OffsetDateTime.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      try {
        LocalDate.parse(s);
        return true;
      } catch (DateTimeParseException e2) {
        return false;
      }
    }
  }

  /** Every ECS field by name (for the template and documentation generators). */
  public Map<String, Field> fields() {
    return new LinkedHashMap<>(fields);
  }
}
