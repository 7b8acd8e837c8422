package org.ja3sensor.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ja3sensor read FILE...}: fingerprint capture files. */
@Command(
    name = "read",
    mixinStandardHelpOptions = true,
    description = "Fingerprint the TLS handshakes in pcap/pcapng files; one JSON event per line on stdout.")
public final class ReadCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "pcap or pcapng files; - reads stdin")
  List<String> files;

  @Override
  public Integer call() throws Exception {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
