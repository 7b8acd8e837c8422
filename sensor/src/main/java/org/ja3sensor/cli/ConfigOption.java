package org.ja3sensor.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option of {@code read} and {@code capture}. Its value is read before
 * picocli parses the command line ({@link Main#newCommandLine(String[])}), since the file supplies
 * the defaults of the other options; this field only carries the option into the help.
 */
public final class ConfigOption {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML file setting any option of read and capture (key = the option's long"
          + " name without dashes); options on the command line win. See 'ja3sensor config"
          + " example'.")
  Path config;
}
