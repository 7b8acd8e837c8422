package org.ja3sensor.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.ja3sensor.core.MetricsSnapshot;

/**
 * The Prometheus endpoint of {@code --metrics-listen HOST:PORT}: {@code /metrics} in the text
 * exposition format (and the client's other formats on request), served by the Prometheus Java
 * client's HTTP server on one daemon thread. Each scrape takes one {@link MetricsSnapshot} from
 * the supplier and renders it with {@link PrometheusMetrics}, plus the JVM's own metrics; nothing
 * is counted on the packet path for it.
 */
public final class MetricsEndpoint implements Closeable {
  /** A bad {@code --metrics-listen} value; the message is one line naming the flag and value. */
  public static final class ListenException extends Exception {
    public ListenException(String message) {
      super(message);
    }
  }

  private static final String FLAG = "--metrics-listen";

  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** The port bound (the one asked for, or the one chosen for port 0). */
  public int port() {
    return server.getPort();
  }

  /**
   * Binds {@code hostPort} and starts serving. Fails (before anything is read) when the value does
   * not parse, the host is not an address of this machine, or the port is taken.
   */
  public static MetricsEndpoint start(String hostPort, Supplier<MetricsSnapshot> snapshots)
      throws ListenException {
    InetSocketAddress at = parse(hostPort);
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register((MultiCollector) () -> PrometheusMetrics.render(snapshots.get()));
    JvmMetrics.builder().register(registry);
    ExecutorService one = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ja3sensor-metrics");
      t.setDaemon(true);
      return t;
    });
    try {
      return new MetricsEndpoint(HTTPServer.builder()
          .inetAddress(at.getAddress())
          .port(at.getPort())
          .registry(registry)
          .executorService(one)
          .buildAndStart());
    } catch (BindException e) {
      one.shutdownNow();
      throw new ListenException(FLAG + " " + hostPort + ": port " + at.getPort()
          + " is already in use on " + at.getAddress().getHostAddress());
    } catch (IOException e) {
      one.shutdownNow();
      throw new ListenException(FLAG + " " + hostPort + ": cannot listen (" + e.getMessage() + ")");
    }
  }

  /**
   * {@code HOST:PORT}, {@code [IPV6]:PORT} or {@code :PORT} (all addresses); HOST a name or
   * address of this machine.
   */
  static InetSocketAddress parse(String hostPort) throws ListenException {
    String bad = FLAG + " " + hostPort + ": ";
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new ListenException(bad + "expected HOST:PORT (e.g. 127.0.0.1:9810 or :9810)");
    }
    String host = hostPort.substring(0, colon);
    String portText = hostPort.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new ListenException(bad + "port must be a number 0 to 65535, got '" + portText + "'");
    }
    if (port < 0 || port > 65535) {
      throw new ListenException(bad + "port must be 0 to 65535, got " + port);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new ListenException(bad + "write an IPv6 address in brackets: [ADDRESS]:PORT");
    }
    InetAddress addr;
    try {
      addr = host.isEmpty() ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new ListenException(bad + "unknown host '" + host + "'");
    }
    if (!isLocal(addr)) {
      throw new ListenException(bad + addr.getHostAddress()
          + " is not an address of this machine");
    }
    return new InetSocketAddress(addr, port);
  }

  private static boolean isLocal(InetAddress a) {
    if (a.isAnyLocalAddress() || a.isLoopbackAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(a) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  /** Stops serving (a scrape in progress is cut short). */
  @Override
  public void close() {
    server.close();
  }
}
