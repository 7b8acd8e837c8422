package org.ja3sensor.cli;

import java.util.Arrays;
import org.ja3sensor.db.ShippedDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code ja3sensor} command: passive TLS fingerprinting (JA3/JA3S). */
@Command(
    name = "ja3sensor",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Passive TLS fingerprinting sensor: reassembles TCP streams, parses TLS ClientHello and"
          + " ServerHello, computes JA3 and JA3S and writes one JSON event per handshake."
    })
public final class Main {

  /** True when running as the program (not inside tests): commands may trap signals. */
  static volatile boolean standalone;

  public static void main(String[] args) {
    standalone = true;
    if (args.length > 0 && ("read".equals(args[0]) || "capture".equals(args[0]))) {
      // Load the shipped fingerprint database on the other core while picocli parses the options
      // (together they are most of a short read's start-up); --db or --no-db leave it unused.
      ShippedDatabase.preload();
    }
    System.exit(newCommandLine(args.length > 0 ? args[0] : null).execute(args));
  }

  /** The subcommands, by name, in the order help lists them. */
  private static final String[] SUBCOMMANDS = {"read", "capture", "db", "help"};

  private static Object newSubcommand(String name) {
    switch (name) {
      case "read":
        return new ReadCommand();
      case "capture":
        return new CaptureCommand();
      case "db":
        return new DbCommand();
      default:
        return new CommandLine.HelpCommand();
    }
  }

  /** The command line with every subcommand and its error handling, for tests. */
  public static CommandLine newCommandLine() {
    return newCommandLine(null);
  }

  /**
   * The command line with its error handling. When {@code firstArg} names a subcommand exactly,
   * only that one is built: picocli builds each command's model by reflection, and building the
   * others would be most of a short {@code read}'s start-up. Anything else (an option, a typo, no
   * argument) gets all of them, for help and for picocli's suggestions.
   */
  public static CommandLine newCommandLine(String firstArg) {
    CommandLine cl = new CommandLine(new Main());
    boolean one = firstArg != null && Arrays.asList(SUBCOMMANDS).contains(firstArg)
        && !"help".equals(firstArg);
    for (String name : SUBCOMMANDS) {
      if (!one || name.equals(firstArg)) {
        cl.addSubcommand(name, newSubcommand(name));
      }
    }
    // A bad flag or value: one line naming the problem, and where to look, exit 2.
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          cmd.getErr().println(
              "ja3sensor: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName()
                  + " --help')");
          cmd.getErr().flush();
          return 2;
        });
    // An unexpected failure: one line, exit 70 (EX_SOFTWARE); the stack trace only on request.
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          String msg = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getName();
          cmd.getErr().println("ja3sensor: " + msg);
          if (Boolean.getBoolean("ja3sensor.debug")) {
            ex.printStackTrace(cmd.getErr());
          }
          cmd.getErr().flush();
          return 70;
        });
    return cl;
  }

  /** Reports the build version (the Maven project version, see core.BuildInfo). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ja3sensor " + org.ja3sensor.core.BuildInfo.version()};
    }
  }
}
