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
    subcommands = {ReadCommand.class, DbCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The command line with its error handling, for main and for tests. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          cmd.getErr().println("ja3sensor: " + ex.getMessage());
          return 2;
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
