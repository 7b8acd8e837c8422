package org.ja3sensor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ja3sensor} command: passive TLS fingerprinting (JA3/JA3S). */
@Command(
    name = "ja3sensor",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Passive TLS fingerprinting sensor: reassembles TCP streams, parses TLS ClientHello and"
          + " ServerHello, computes JA3 and JA3S and writes one JSON event per handshake."
    },
    subcommands = {
      ReadCommand.class, CaptureCommand.class, DbCommand.class, CommandLine.HelpCommand.class
    })
public final class Main {

  /** True when running as the program (not inside tests): commands may trap signals. */
  static volatile boolean standalone;

  public static void main(String[] args) {
    standalone = true;
    System.exit(newCommandLine().execute(args));
  }

  /** The command line with its error handling, for main and for tests. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new Main());
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

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ja3sensor " + (v != null ? v : "development build")};
    }
  }
}
