package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The event schema ({@code docs/event-fields.tsv}) against what the events carry, ECS, the
 * Elasticsearch index template and docs/events.md. The template and the field table of
 * events.md are generated from the schema: run with {@code -Dja3sensor.regenerate=true} to
 * rewrite them after changing the schema, then commit the three files.
 *
 * <p>No Elasticsearch server can be run here: the template is checked by reading it as
 * Elasticsearch would resolve a field (the {@code properties} tree, then the dynamic templates),
 * for every field of every validated event.
 */
class EventSchemaDocsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String BEGIN = "<!-- fields:begin (generated from docs/event-fields.tsv) -->";
  static final String END = "<!-- fields:end -->";

  /** One row of the schema. */
  record Row(String field, String type, boolean array, String meaning) {}

  static Path repo() {
    return ValidatedEvents.repoRoot();
  }

  static Map<String, Row> schema() throws IOException {
    Map<String, Row> rows = new LinkedHashMap<>();
    boolean header = false;
    for (String line : Files.readAllLines(repo().resolve("docs/event-fields.tsv"))) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      assertEquals(4, f.length, "columns of " + line);
      if (!header) {
        assertEquals("field", f[0]);
        header = true;
        continue;
      }
      assertTrue(f[2].equals("yes") || f[2].equals("no"), line);
      assertTrue(rows.put(f[0], new Row(f[0], f[1], f[2].equals("yes"), f[3])) == null,
          "twice: " + f[0]);
    }
    return rows;
  }

  /** The row of a field: its own, else the longest wildcard row ({@code prefix.*}) over it. */
  static Row lookup(Map<String, Row> schema, String field) {
    Row r = schema.get(field);
    String f = field;
    while (r == null && f.contains(".")) {
      f = f.substring(0, f.lastIndexOf('.'));
      r = schema.get(f + ".*");
    }
    return r;
  }

  private static boolean regenerate() {
    return Boolean.getBoolean("ja3sensor.regenerate");
  }

  @Test
  void schemaAgreesWithEcs() throws IOException {
    EcsSchema ecs = EcsSchema.load();
    for (Row r : schema().values()) {
      EcsSchema.Field f = ecs.field(r.field());
      if (r.field().endsWith(".*")) {
        assertTrue(r.field().startsWith("ja3sensor."), r.field() + ": wildcards only in ja3sensor.*");
        assertTrue(r.type().equals("long") || r.type().equals("keyword"), r.field());
      } else if (f != null) {
        assertEquals(f.type(), r.type(), r.field() + ": ECS type");
        assertEquals(f.array(), r.array(), r.field() + ": ECS array");
      } else {
        assertTrue(r.field().startsWith("ja3sensor.") || EcsSchema.EXTENSIONS.contains(r.field()),
            r.field() + ": neither ECS, nor ja3sensor.*, nor a documented extension");
      }
    }
  }

  @Test
  void everyFieldOfEveryEventIsInTheSchemaWithItsType() throws IOException {
    Map<String, Row> schema = schema();
    List<String> bad = new ArrayList<>();
    for (JsonNode e : ValidatedEvents.flat()) {
      for (EcsSchema.Leaf l : EcsSchema.leaves(e).values()) {
        boolean object = l.values().stream().allMatch(JsonNode::isObject);
        Row r = object ? schema.get(l.name()) : lookup(schema, l.name());
        if (object && (r == null || !r.type().equals("nested"))) {
          continue; // an object on the way to its fields
        }
        if (r == null) {
          bad.add(l.name() + ": not in docs/event-fields.tsv (document it)");
          continue;
        }
        if (r.array() != l.array()) {
          bad.add(l.name() + ": array " + l.array() + ", the schema says " + r.array());
        }
        if (!r.type().equals("nested")) {
          EcsSchema.Field f = new EcsSchema.Field(r.field(), r.type(), r.array(), null);
          for (JsonNode v : l.values()) {
            String why = EcsSchema.typeError(f, v);
            if (why != null) {
              bad.add(l.name() + ": " + v + " " + why);
            }
          }
        }
      }
    }
    assertEquals(List.of(), bad.stream().distinct().limit(30).toList());
  }

  // --- the index template ---

  static Path templatePath() {
    return repo().resolve("docs/elasticsearch/ja3sensor-template.json");
  }

  /** The composable index template the schema gives. */
  static String template(Map<String, Row> schema) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.putArray("index_patterns").add("ja3sensor-*");
    root.put("priority", 200);
    ObjectNode meta = root.putObject("_meta");
    meta.put("description", "ja3sensor events (ECS " + EventJson.ECS_VERSION
        + "); generated from docs/event-fields.tsv by EventSchemaDocsTest");
    meta.put("ecs_version", EventJson.ECS_VERSION);
    meta.put("schema_version", EventJson.SCHEMA_VERSION);
    ObjectNode mappings = root.putObject("template").putObject("mappings");
    mappings.put("date_detection", false);
    ArrayNode dyn = mappings.putArray("dynamic_templates");
    for (Row r : schema.values()) {
      if (r.field().endsWith(".*")) {
        ObjectNode t = dyn.addObject().putObject(r.field().replace(".*", "").replace('.', '_'));
        t.put("path_match", r.field());
        t.put("match_mapping_type", r.type().equals("long") ? "long" : "string");
        t.putObject("mapping").put("type", r.type());
      }
    }
    ObjectNode own = dyn.addObject().putObject("ja3sensor_strings_as_keywords");
    own.put("path_match", "ja3sensor.*");
    own.put("match_mapping_type", "string");
    own.putObject("mapping").put("type", "keyword").put("ignore_above", 1024);
    ObjectNode props = mappings.putObject("properties");
    for (Row r : schema.values()) {
      if (r.field().endsWith(".*")) {
        continue; // a dynamic template
      }
      ObjectNode at = props;
      String[] parts = r.field().split("\\.");
      for (int i = 0; i < parts.length - 1; i++) {
        ObjectNode child = (ObjectNode) at.get(parts[i]);
        if (child == null) {
          child = at.putObject(parts[i]);
          child.putObject("properties");
        }
        at = (ObjectNode) child.get("properties");
      }
      ObjectNode leaf = (ObjectNode) at.get(parts[parts.length - 1]);
      if (leaf == null) {
        leaf = at.putObject(parts[parts.length - 1]);
      }
      leaf.put("type", r.type());
      if (r.type().equals("keyword")) {
        leaf.put("ignore_above", r.field().endsWith("_string") ? 8191 : 1024);
      }
      if (r.type().equals("nested") && !leaf.has("properties")) {
        leaf.putObject("properties");
      }
    }
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter();
    pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    return MAPPER.writer(pp).writeValueAsString(root).replace("\r\n", "\n") + "\n";
  }

  @Test
  void templateIsGeneratedFromTheSchema() throws IOException {
    String want = template(schema());
    if (regenerate()) {
      Files.writeString(templatePath(), want);
    }
    assertEquals(want, Files.readString(templatePath()),
        "docs/elasticsearch/ja3sensor-template.json is stale: run with -Dja3sensor.regenerate=true");
  }

  /**
   * The Elasticsearch type the template gives a field: its mapping in the properties tree
   * (through objects and nested objects), else the first dynamic template whose path_match
   * matches a string; null when the template leaves it to dynamic mapping.
   */
  static String mappedType(JsonNode template, String field, JsonNode sample) {
    JsonNode mappings = template.at("/template/mappings");
    JsonNode at = mappings;
    for (String part : field.split("\\.")) {
      at = at.path("properties").path(part);
      if (at.isMissingNode()) {
        break;
      }
    }
    if (!at.isMissingNode()) {
      return at.path("type").asText("object");
    }
    for (JsonNode d : mappings.path("dynamic_templates")) {
      JsonNode t = d.elements().next();
      String glob = t.path("path_match").asText();
      boolean match = glob.endsWith("*") && field.startsWith(glob.substring(0, glob.length() - 1));
      String kind = t.path("match_mapping_type").asText();
      if (match && (kind.equals("string") && sample.isTextual()
          || kind.equals("long") && sample.isIntegralNumber())) {
        return t.at("/mapping/type").asText();
      }
    }
    return null;
  }

  @Test
  void everyFieldOfTheValidatedEventsIsMappedWithTheRightType() throws IOException {
    JsonNode template = MAPPER.readTree(templatePath().toFile());
    assertEquals("ja3sensor-*", template.at("/index_patterns/0").asText());
    assertTrue(template.at("/template/mappings/date_detection").isBoolean());
    EcsSchema ecs = EcsSchema.load();
    List<String> bad = new ArrayList<>();
    int checked = 0;
    for (JsonNode e : ValidatedEvents.flat()) {
      for (EcsSchema.Leaf l : EcsSchema.leaves(e).values()) {
        if (l.values().isEmpty()) {
          continue;
        }
        JsonNode v = l.values().get(0);
        String type = mappedType(template, l.name(), v);
        if (v.isObject()) {
          boolean nestedArray = l.array();
          if (nestedArray && !"nested".equals(type)) {
            bad.add(l.name() + ": an array of objects mapped as " + type + ", expected nested");
          }
          continue;
        }
        checked++;
        String want = expectedType(ecs, l.name(), v);
        if (!want.equals(type)) {
          bad.add(l.name() + ": mapped as " + type + ", expected " + want + " (value " + v + ")");
        }
      }
    }
    assertTrue(checked > 1000, "fields checked: " + checked);
    assertEquals(List.of(), bad.stream().distinct().limit(30).toList());
  }

  /** What a field must be mapped as: its ECS type, else from its JSON value. */
  private static String expectedType(EcsSchema ecs, String name, JsonNode v) {
    EcsSchema.Field f = ecs.field(name);
    if (f != null) {
      return f.type();
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    if (v.isIntegralNumber()) {
      return "long";
    }
    if (v.isNumber()) {
      return "float";
    }
    return "keyword";
  }

  // --- docs/events.md ---

  static String fieldTable(Map<String, Row> schema) {
    StringBuilder sb = new StringBuilder();
    sb.append("| field | type | meaning |\n|---|---|---|\n");
    Set<String> ecsFree = EcsSchema.EXTENSIONS;
    for (Row r : schema.values()) {
      String kind = r.type() + (r.array() ? " (array)" : "");
      String meaning = r.meaning().replace("|", "\\|");
      if (ecsFree.contains(r.field())) {
        meaning = meaning.replaceFirst("^extension: ", "");
        kind += ", extension";
      }
      sb.append("| `").append(r.field()).append("` | ").append(kind).append(" | ")
          .append(meaning).append(" |\n");
    }
    return sb.toString();
  }

  @Test
  void eventsMdFieldTableIsGeneratedFromTheSchema() throws IOException {
    Path md = repo().resolve("docs/events.md");
    String text = Files.readString(md, StandardCharsets.UTF_8);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    assertTrue(b >= 0 && e > b, "docs/events.md has the markers " + BEGIN + " ... " + END);
    String want = text.substring(0, b + BEGIN.length()) + "\n" + fieldTable(schema())
        + text.substring(e);
    if (regenerate()) {
      Files.writeString(md, want, StandardCharsets.UTF_8);
    }
    assertEquals(want, text, "docs/events.md is stale: run with -Dja3sensor.regenerate=true");
  }
}
