package org.ja3sensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the ja3sensor command line in-process with captured stdout/stderr. */
public final class CliRun {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public final int exitCode;
  public final String out;
  public final String err;

  private CliRun(int exitCode, String out, String err) {
    this.exitCode = exitCode;
    this.out = out;
    this.err = err;
  }

  public static CliRun run(String... args) {
    CommandLine cl = Main.newCommandLine(args); // as main builds it
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The JSON events written to stdout, one per line. */
  public List<JsonNode> events() {
    List<JsonNode> list = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        list.add(MAPPER.readTree(line));
      } catch (Exception e) {
        throw new UncheckedIOException(new java.io.IOException("not JSON: " + line, e));
      }
    }
    return list;
  }

  /** The text of a dotted path such as "tls.client.ja3", or null. */
  public static String text(JsonNode event, String path) {
    JsonNode n = event;
    for (String part : path.split("\\.")) {
      n = n.get(part);
      if (n == null) {
        return null;
      }
    }
    return n.isNull() ? null : n.asText();
  }

  /**
   * Event lines without the fields that differ from run to run for the same input ({@code
   * event.id}, {@code event.created}), to compare two runs' output.
   */
  public static String withoutRunFields(String out) {
    return out.replaceAll(",\"id\":\"[0-9a-f]{16}-\\d+\",\"created\":\"[^\"]*\"", "");
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stderr ---\n" + err;
  }
}
