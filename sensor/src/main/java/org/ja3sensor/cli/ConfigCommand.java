package org.ja3sensor.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ja3sensor config check|example}: the YAML configuration file ({@link ConfigFile}). */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Check a configuration file, or print a commented example of one.",
    subcommands = {ConfigCommand.Check.class, ConfigCommand.Example.class})
final class ConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** {@code config check FILE}: loads the file as {@code read} and {@code capture} would. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = "Check a configuration file: every key an option of read or capture, every"
          + " value one it takes. Exit 0 if it is valid, 2 with the file, line and key if not.")
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The YAML file.")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ConfigFile cfg;
      try {
        cfg = ConfigFile.load(file);
      } catch (ConfigFile.ConfigException e) {
        err.println("ja3sensor: " + e.getMessage());
        err.flush();
        return 2;
      }
      for (String command : ConfigFile.COMMANDS) {
        CommandSpec cs = Main.newCommandLine(command).getSubcommands().get(command)
            .getCommandSpec();
        List<String> keys = new ArrayList<>();
        for (ConfigFile.Setting s : cfg.settingsFor(cs)) {
          keys.add(s.key());
        }
        out.println(command + ": " + (keys.isEmpty() ? "(nothing)" : String.join(", ", keys)));
      }
      out.println(file + ": valid, " + cfg.settings().size() + " settings");
      out.flush();
      return 0;
    }
  }

  /** {@code config example}: every option of read and capture, commented, with its default. */
  @Command(
      name = "example",
      mixinStandardHelpOptions = true,
      description = "Print a commented example configuration: every option of read and capture"
          + " with its description and default value, all commented out.")
  static final class Example implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(example());
      out.flush();
      return 0;
    }
  }

  /** The example text; every setting line is a comment of the form {@code # key: value}. */
  static String example() {
    // option name -> (the option, the commands that have it), in the commands' order
    Map<String, OptionSpec> options = new LinkedHashMap<>();
    Map<String, List<String>> commands = new LinkedHashMap<>();
    for (String command : ConfigFile.COMMANDS) {
      CommandLine cl = Main.newCommandLine(command).getSubcommands().get(command);
      for (OptionSpec o : cl.getCommandSpec().options()) {
        String name = o.longestName();
        if (o.usageHelp() || o.versionHelp() || name.equals("--config")) {
          continue;
        }
        options.putIfAbsent(name, o);
        commands.computeIfAbsent(name, k -> new ArrayList<>()).add(command);
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# ja3sensor configuration (YAML), for 'ja3sensor read --config FILE' and\n")
        .append("# 'ja3sensor capture --config FILE'. Each key is the long name of an option\n")
        .append("# without its dashes; options given on the command line win over the file.\n")
        .append("# A list repeats an option; true/false set a flag. Keys may be nested:\n")
        .append("# 'kafka: {bootstrap: host:9092}' is kafka-bootstrap. Check a file with\n")
        .append("# 'ja3sensor config check FILE'. Every setting below is commented out and\n")
        .append("# shows its default value.\n");
    for (Map.Entry<String, OptionSpec> e : options.entrySet()) {
      OptionSpec o = e.getValue();
      List<String> in = commands.get(e.getKey());
      sb.append('\n');
      for (String line : o.description()) {
        for (String wrapped : wrap(line, 76)) {
          sb.append("# ").append(wrapped).append('\n');
        }
      }
      if (in.size() < ConfigFile.COMMANDS.length) {
        sb.append("# (").append(String.join(", ", in)).append(" only)\n");
      }
      sb.append("# ").append(e.getKey().substring(2)).append(": ").append(exampleValue(o))
          .append('\n');
    }
    return sb.toString();
  }

  private static String exampleValue(OptionSpec o) {
    if (o.arity().max() == 0) {
      return "false";
    }
    String d = o.defaultValue();
    if (d == null) {
      Object initial = o.initialValue();
      d = initial == null || initial instanceof java.util.Collection ? null : initial.toString();
    }
    if (o.isMultiValue()) {
      return d == null || d.isEmpty() ? "[]" : "[" + quote(d) + "]";
    }
    return d == null ? "\"\"  # no default" : quote(d);
  }

  /** A YAML scalar that reads back as {@code s}. */
  private static String quote(String s) {
    if (s.matches("[A-Za-z0-9_./-][A-Za-z0-9_./:-]*") && !s.equals("true") && !s.equals("false")
        && !s.equals("null") && !s.equals("~")) {
      return s;
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }
}
