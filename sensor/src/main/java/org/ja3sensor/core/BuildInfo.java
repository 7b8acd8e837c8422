package org.ja3sensor.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What the running sensor is: its build version (the Maven project version, written into {@code
 * build.properties} by resource filtering and into the jar manifest) and the host it runs on.
 * Used by {@code --version} and the events' {@code observer.*} fields. Both values are looked up
 * once.
 */
public final class BuildInfo {
  /** Said when no version can be found (classes run outside a Maven build). */
  public static final String UNKNOWN_VERSION = "development build";

  private static volatile String version;
  private static volatile String hostName;

  private BuildInfo() {}

  /** The build version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    String v = version;
    if (v == null) {
      v = lookUpVersion();
      version = v;
    }
    return v;
  }

  private static String lookUpVersion() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "").trim();
        if (!v.isEmpty() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // fall back to the manifest
    }
    String v = BuildInfo.class.getPackage().getImplementationVersion();
    return v != null ? v : UNKNOWN_VERSION;
  }

  /** The host name (Linux: the kernel's; else the resolver's; else "ja3sensor"). */
  public static String hostName() {
    String h = hostName;
    if (h == null) {
      h = lookUpHostName();
      hostName = h;
    }
    return h;
  }

  private static String lookUpHostName() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: ask the resolver
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "ja3sensor";
    }
  }
}
