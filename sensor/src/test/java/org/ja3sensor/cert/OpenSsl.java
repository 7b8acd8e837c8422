package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test certificates made at test time with the openssl command line, and what {@code openssl x509}
 * says about them: the reference the certificate parser is compared with.
 */
final class OpenSsl {
  private OpenSsl() {}

  static boolean available() {
    try {
      return run(Path.of("."), "openssl", "version").startsWith("OpenSSL");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static void assumeAvailable() {
    assumeTrue(available(), "openssl not installed: skipped");
  }

  /** Runs a command in dir; returns stdout; fails the test on a non-zero exit. */
  static String run(Path dir, String... cmd) throws IOException {
    return run(dir, List.of(cmd), null, true, 60);
  }

  /**
   * Runs {@code cmd} in {@code dir} with {@code stdin} (none when null) and returns its output,
   * asserting exit status 0; stderr is merged into the output or discarded.
   */
  static String run(Path dir, List<String> cmd, byte[] stdin, boolean withStderr,
      long timeoutSeconds) throws IOException {
    Path out = Files.createTempFile("run", ".out");
    Path in = Files.createTempFile("run", ".in");
    try {
      Files.write(in, stdin == null ? new byte[0] : stdin);
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
          .redirectInput(in.toFile())
          .redirectOutput(out.toFile());
      if (withStderr) {
        pb.redirectErrorStream(true);
      } else {
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      }
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": timed out");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + text);
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(in);
    }
  }

  /** The DER bytes of a PEM certificate file. */
  static byte[] der(Path pem) throws IOException {
    String s = Files.readString(pem, StandardCharsets.US_ASCII);
    int a = s.indexOf("-----BEGIN CERTIFICATE-----");
    int b = s.indexOf("-----END CERTIFICATE-----");
    String body = s.substring(a + 27, b).replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  /** One "key=value" line of openssl x509 -noout output. */
  static String field(Path dir, Path pem, String key, String... opts) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("openssl", "x509", "-in", pem.toString(), "-noout"));
    cmd.addAll(List.of(opts));
    String out = run(dir, cmd.toArray(new String[0]));
    for (String line : out.split("\n")) {
      if (line.startsWith(key + "=")) {
        return line.substring(key.length() + 1).strip();
      }
    }
    throw new AssertionError("openssl printed no " + key + ": " + out);
  }

  /** The set of test certificates, made once per test class in a temporary directory. */
  static final class TestCerts {
    final Path dir;
    /** Self-signed, RSA 1024, SHA-1, subject with every ECS part, SANs (two DNS, one IP). */
    final Path weakSelfSigned;
    /** A root CA, RSA 2048, SHA-256, self-signed. */
    final Path ca;
    /** Signed by {@link #ca} with SHA-384 (SHA384-RSA): EC P-256 key, serial 0xFF01, two DNS SANs. */
    final Path leaf;

    TestCerts(Path dir) throws IOException {
      this.dir = dir;
      run(dir, "openssl", "req", "-x509", "-newkey", "rsa:1024", "-sha1", "-nodes",
          "-keyout", "weak.key", "-out", "weak.pem", "-days", "30",
          "-subj", "/C=DE/ST=Berlin/L=Berlin/O=Example Org/OU=Sensors/CN=www.example.test",
          "-addext", "subjectAltName=DNS:www.example.test,DNS:*.example.test,IP:192.0.2.1");
      run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-sha256", "-nodes",
          "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
          "-subj", "/C=US/O=Test CA Inc/OU=Roots/CN=Test Root CA");
      run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
          "-subj", "/O=Leaf Org/CN=leaf.example.test");
      Files.writeString(dir.resolve("leaf.ext"),
          "subjectAltName=DNS:leaf.example.test,DNS:alt.example.test\n");
      run(dir, "openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
          "-set_serial", "0x00FF01", "-days", "30", "-sha384", "-extfile", "leaf.ext",
          "-out", "leaf.pem");
      weakSelfSigned = dir.resolve("weak.pem");
      ca = dir.resolve("ca.pem");
      leaf = dir.resolve("leaf.pem");
    }
  }
}
