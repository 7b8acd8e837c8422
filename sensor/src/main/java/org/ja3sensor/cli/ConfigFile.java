package org.ja3sensor.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A YAML configuration file for {@code read} and {@code capture}: every key is the long name of
 * one of their options without its dashes ({@code max-flows: 500000}); a key may also be nested,
 * its parts joined by dashes ({@code kafka: {bootstrap: host:9092}} is {@code
 * --kafka-bootstrap}). A list gives a repeated option ({@code interface: [eth1, eth2]}); {@code
 * true}/{@code false} set a flag. The file supplies defaults: an option given on the command line
 * wins. It is a picocli {@link CommandLine.IDefaultValueProvider}, so every value goes through the
 * same converters and checks as the command line.
 *
 * <p>One file serves both commands: a key that is an option of {@code capture} only is ignored by
 * {@code read}, and the other way round. A key that is an option of neither, a value of the wrong
 * shape or one the option's converter refuses is an error naming the file, the line and the key.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
  /** The commands whose options a configuration file may set. */
  static final String[] COMMANDS = {"read", "capture"};

  /** Options that make no sense in a file (they name the file itself, or ask for help). */
  private static final List<String> NOT_IN_FILE =
      List.of("--config", "--help", "--version");

  /** One key of the file: its option name ({@code --max-flows}), its values, its line. */
  record Setting(String key, String option, List<String> values, int line) {}

  private final Path path;
  private final Map<String, Setting> settings;

  private ConfigFile(Path path, Map<String, Setting> settings) {
    this.path = path;
    this.settings = settings;
  }

  /** The settings by option name, in file order. */
  Map<String, Setting> settings() {
    return settings;
  }

  Path path() {
    return path;
  }

  /**
   * Reads and checks {@code path} against the options of {@link #COMMANDS}.
   *
   * @throws ConfigException naming the file (and line and key where there is one)
   */
  static ConfigFile load(Path path) throws ConfigException {
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new ConfigException(path + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read: " + e.getMessage());
    }
    Map<String, Setting> settings = parse(path, text);
    ConfigFile file = new ConfigFile(path, settings);
    file.check();
    return file;
  }

  /** The YAML, flattened to settings; only its shape is checked here. */
  private static Map<String, Setting> parse(Path path, String text) throws ConfigException {
    Map<String, Setting> out = new LinkedHashMap<>();
    YAMLFactory factory = new YAMLFactory();
    try (JsonParser p = factory.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return out; // an empty file sets nothing
      }
      if (t != JsonToken.START_OBJECT) {
        throw new ConfigException(
            path + ":" + p.currentLocation().getLineNr()
                + ": expected a mapping of option names to values");
      }
      Deque<String> prefix = new ArrayDeque<>();
      while (true) {
        t = p.nextToken();
        if (t == null) {
          break;
        }
        if (t == JsonToken.END_OBJECT) {
          if (prefix.isEmpty()) {
            break;
          }
          prefix.removeLast();
          continue;
        }
        // t is FIELD_NAME
        String name = p.currentName();
        int line = p.currentLocation().getLineNr();
        String key = prefix.isEmpty() ? name : String.join("-", prefix) + "-" + name;
        JsonToken v = p.nextToken();
        if (v == JsonToken.START_OBJECT) {
          prefix.addLast(name);
          continue;
        }
        List<String> values = new ArrayList<>();
        if (v == JsonToken.START_ARRAY) {
          for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (e == null || !e.isScalarValue()) {
              throw new ConfigException(
                  path + ":" + p.currentLocation().getLineNr() + ": key '" + key
                      + "': a list may hold only plain values");
            }
            values.add(p.getText());
          }
        } else if (v.isScalarValue()) {
          if (v == JsonToken.VALUE_NULL) {
            throw new ConfigException(path + ":" + line + ": key '" + key + "' has no value");
          }
          values.add(p.getText());
        } else {
          throw new ConfigException(path + ":" + line + ": key '" + key + "': unexpected value");
        }
        Setting s = new Setting(key, "--" + key, values, line);
        if (out.put(s.option(), s) != null) {
          throw new ConfigException(path + ":" + line + ": key '" + key + "' is set twice");
        }
      }
    } catch (IOException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
      throw new ConfigException(path + ": not valid YAML: " + msg);
    }
    return out;
  }

  /**
   * Every key must be an option of one of the commands, and every value must be one that option
   * takes: each is tried on a fresh command by picocli itself, so the checks are the command
   * line's.
   */
  private void check() throws ConfigException {
    for (Setting s : settings.values()) {
      boolean known = false;
      for (String command : COMMANDS) {
        CommandLine cl = Main.newCommandLine(command).getSubcommands().get(command);
        OptionSpec o = cl.getCommandSpec().findOption(s.option());
        if (o == null || NOT_IN_FILE.contains(o.longestName())) {
          continue;
        }
        if (!o.longestName().equals(s.option())) {
          throw new ConfigException(
              path + ":" + s.line() + ": key '" + s.key() + "': write the option's long name '"
                  + o.longestName().substring(2) + "'");
        }
        known = true;
        if (s.values().size() > 1 && !o.isMultiValue()) {
          throw new ConfigException(
              path + ":" + s.line() + ": key '" + s.key() + "' takes one value, not a list");
        }
        try {
          new CommandLine(cl.getCommandSpec().userObject().getClass().getDeclaredConstructor()
                  .newInstance())
              .parseArgs(trialArgs(o, s));
        } catch (CommandLine.ParameterException e) {
          if (e instanceof CommandLine.MissingParameterException) {
            continue; // other required options (--interface, FILE) are not this key's business
          }
          throw new ConfigException(
              path + ":" + s.line() + ": key '" + s.key() + "': " + e.getMessage());
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      if (!known) {
        throw new ConfigException(
            path + ":" + s.line() + ": unknown key '" + s.key() + "' (not an option of "
                + String.join(" or ", COMMANDS) + "; see 'ja3sensor config example')");
      }
    }
  }

  /** The command line that gives option {@code o} the values of setting {@code s}. */
  private String[] trialArgs(OptionSpec o, Setting s) throws ConfigException {
    List<String> args = new ArrayList<>();
    if (o.arity().max() == 0) {
      // A flag: true sets it, false leaves it off.
      String v = s.values().get(0);
      if (!v.equals("true") && !v.equals("false")) {
        throw new ConfigException(
            path + ":" + s.line() + ": key '" + s.key() + "' is a flag: true or false, not '" + v
                + "'");
      }
      if (v.equals("true")) {
        args.add(s.option());
      }
    } else {
      for (String v : s.values()) {
        args.add(s.option() + "=" + v);
      }
    }
    return args.toArray(new String[0]);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o)) {
      return null;
    }
    Setting s = settings.get(o.longestName());
    if (s == null) {
      return null;
    }
    if (o.isMultiValue()) {
      // picocli splits a multi-value default on the option's split regex, else takes it whole.
      String split = o.splitRegex();
      return split.isEmpty() ? s.values().get(0) : String.join(",", s.values());
    }
    return s.values().get(0);
  }

  /**
   * Whether the file gives a value for {@code o}, for options that picocli would otherwise report
   * missing (a required {@code --interface}).
   */
  boolean sets(OptionSpec o) {
    return settings.containsKey(o.longestName());
  }

  /** A configuration file that cannot be used: a message naming the file, line and key. */
  static final class ConfigException extends Exception {
    ConfigException(String message) {
      super(message);
    }
  }

  /** The path after {@code --config} in the arguments of a command, or null. */
  static String findConfigArgument(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        return null;
      }
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return null;
  }

  /** The configuration's settings for the named command only (for tests and {@code check}). */
  List<Setting> settingsFor(CommandSpec spec) {
    List<Setting> out = new ArrayList<>();
    for (Setting s : settings.values()) {
      if (spec.findOption(s.option()) != null) {
        out.add(s);
      }
    }
    return out;
  }
}
