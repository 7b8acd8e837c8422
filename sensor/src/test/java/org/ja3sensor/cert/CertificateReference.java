package org.ja3sensor.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.ja3sensor.cli.CliRun;

/**
 * What the reference tools say about the server certificates of a capture: tshark 4.0's dissection
 * ({@code tls.handshake.certificate}, the chain comma-separated, leaf first) and {@code openssl
 * x509} on the leaf's DER bytes; and the comparison of an event with them. Nothing here comes from
 * the sensor's own code, and nothing is cached: every value is computed when a test runs.
 */
final class CertificateReference {
  private CertificateReference() {}

  /**
   * One server Certificate message as tshark dissected it.
   *
   * @param frame tshark's frame number (reassembly on: the frame where the message completes)
   * @param serverAddresses every IPv4/IPv6 source address of that frame (outer and inner for a
   *     tunnel), one of which is the event's destination.ip
   * @param chain the DER bytes of each certificate, leaf first
   */
  record Message(int frame, Set<String> serverAddresses, int serverPort, int clientPort,
      List<byte[]> chain) {
    String where() {
      return "frame " + frame + " (server port " + serverPort + ", client port " + clientPort + ")";
    }
  }

  /** Certificate messages tshark saw in a capture, sorted into what the comparison uses and not. */
  static final class Dissection {
    final List<Message> server = new ArrayList<>();
    /** Certificate messages sent by the client side (the side that did not send the ServerHello). */
    int client;
    /** Certificate messages in a TLS 1.3 handshake (tshark decrypted them with embedded keys). */
    int tls13;
    /** Certificate messages over UDP (QUIC). */
    int udp;
  }

  /** Runs a command; stdout as text; stderr discarded (tshark warns about root there). */
  static String run(Path dir, List<String> cmd, byte[] stdin) throws IOException {
    return OpenSsl.run(dir, cmd, stdin, false, 180);
  }


  /**
   * tshark's server Certificate messages of a capture (TLS 1.2 and older over TCP; client
   * certificates, TLS 1.3 and QUIC counted apart). The server of a TCP stream is the side that sent
   * a ServerHello; in a stream without one, the side that received the ClientHello.
   */
  static Dissection dissect(Path capture, String... extraTsharkArgs) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString()));
    cmd.addAll(List.of(extraTsharkArgs));
    cmd.addAll(List.of("-o", "tls.desegment_ssl_records:TRUE",
        "-o", "tcp.desegment_tcp_streams:TRUE", "-Y", "tls.handshake.type", "-T", "fields",
        "-E", "separator=/t", "-e", "frame.number", "-e", "tcp.stream", "-e", "ip.src",
        "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tls.handshake.type",
        "-e", "tls.handshake.extensions.supported_version", "-e", "tls.handshake.certificate"));
    String out = run(capture.getParent(), cmd, null);
    List<String[]> rows = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isEmpty()) {
        rows.add(line.split("\t", -1));
      }
    }
    // Per TCP stream: ports that sent a ClientHello, a ServerHello, and whether TLS 1.3 was chosen.
    Map<String, Set<String>> clientHelloFrom = new HashMap<>();
    Map<String, Set<String>> serverHelloFrom = new HashMap<>();
    Set<String> tls13 = new HashSet<>();
    for (String[] r : rows) {
      List<String> types = List.of(r[6].split(","));
      if (types.contains("1")) {
        clientHelloFrom.computeIfAbsent(r[1], k -> new HashSet<>()).add(r[4]);
      }
      if (types.contains("2")) {
        serverHelloFrom.computeIfAbsent(r[1], k -> new HashSet<>()).add(r[4]);
        if (List.of(r[7].split(",")).contains("0x0304")) {
          tls13.add(r[1]);
        }
      }
    }
    Dissection d = new Dissection();
    HexFormat hex = HexFormat.of();
    for (String[] r : rows) {
      if (!List.of(r[6].split(",")).contains("11")) {
        continue;
      }
      String stream = r[1];
      if (stream.isEmpty()) {
        d.udp++;
        continue;
      }
      if (tls13.contains(stream)) {
        d.tls13++;
        continue;
      }
      Set<String> sh = serverHelloFrom.getOrDefault(stream, Set.of());
      boolean fromServer = sh.isEmpty()
          ? clientHelloFrom.getOrDefault(stream, Set.of()).contains(r[5])
          : sh.contains(r[4]);
      if (!fromServer) {
        d.client++;
        continue;
      }
      Set<String> addresses = new HashSet<>();
      for (String a : (r[2] + "," + r[3]).split(",")) {
        if (!a.isEmpty()) {
          addresses.add(a);
        }
      }
      List<byte[]> chain = new ArrayList<>();
      for (String c : r[8].split(",")) {
        chain.add(hex.parseHex(c));
      }
      d.server.add(new Message(Integer.parseInt(r[0]), addresses, Integer.parseInt(r[4]),
          Integer.parseInt(r[5]), chain));
    }
    return d;
  }

  /** What {@code openssl x509} prints of a DER certificate (keys as openssl prints them). */
  static Map<String, String> openssl(Path dir, byte[] der) throws IOException {
    return openssl(dir, der, "RFC2253,-esc_msb,utf8");
  }

  /** Same, with the given -nameopt. */
  static Map<String, String> openssl(Path dir, byte[] der, String nameopt) throws IOException {
    String out = run(dir, List.of("openssl", "x509", "-inform", "DER", "-noout", "-subject",
        "-issuer", "-serial", "-startdate", "-enddate", "-fingerprint", "-sha1",
        "-nameopt", nameopt, "-dateopt", "iso_8601"), der);
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return m;
  }

  static String digest(String algorithm, byte[] der) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance(algorithm).digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** openssl's "2014-12-23 00:00:00Z" as an Instant. */
  static Instant opensslDate(String s) {
    return Instant.parse(s.replace(' ', 'T'));
  }

  /** The event whose flow is the message's (server port and address, client port), or null. */
  static JsonNode eventOf(List<JsonNode> events, Message m) {
    for (JsonNode e : events) {
      if (String.valueOf(m.serverPort()).equals(CliRun.text(e, "destination.port"))
          && String.valueOf(m.clientPort()).equals(CliRun.text(e, "source.port"))
          && m.serverAddresses().contains(CliRun.text(e, "destination.ip"))
          && CliRun.text(e, "tls.server.hash.sha1") != null) {
        return e;
      }
    }
    return null;
  }

  /**
   * Differences between an event's certificate fields and the reference: hashes of the leaf's DER,
   * chain length, and (when {@code parsed}) subject, issuer, serial number and validity as openssl
   * prints them. Empty when they agree.
   */
  static List<String> compare(JsonNode e, Message m, Map<String, String> ossl, boolean parsed) {
    List<String> problems = new ArrayList<>();
    byte[] leaf = m.chain().get(0);
    check(problems, "tls.server.hash.sha1", digest("SHA-1", leaf), CliRun.text(e, "tls.server.hash.sha1"));
    check(problems, "tls.server.hash.sha1 (openssl -fingerprint)",
        ossl.get("sha1 Fingerprint").replace(":", ""), CliRun.text(e, "tls.server.hash.sha1"));
    check(problems, "tls.server.hash.sha256", digest("SHA-256", leaf),
        CliRun.text(e, "tls.server.hash.sha256"));
    check(problems, "tls.server.hash.md5", digest("MD5", leaf), CliRun.text(e, "tls.server.hash.md5"));
    check(problems, "ja3sensor.tls.server.certificate_chain_length",
        String.valueOf(m.chain().size()),
        CliRun.text(e, "ja3sensor.tls.server.certificate_chain_length"));
    if (!parsed) {
      return problems;
    }
    check(problems, "tls.server.subject", ossl.get("subject"), CliRun.text(e, "tls.server.subject"));
    check(problems, "tls.server.issuer", ossl.get("issuer"), CliRun.text(e, "tls.server.issuer"));
    check(problems, "tls.server.x509.serial_number", ossl.get("serial"),
        CliRun.text(e, "tls.server.x509.serial_number"));
    check(problems, "tls.server.not_before", String.valueOf(opensslDate(ossl.get("notBefore"))),
        instant(CliRun.text(e, "tls.server.not_before")));
    check(problems, "tls.server.not_after", String.valueOf(opensslDate(ossl.get("notAfter"))),
        instant(CliRun.text(e, "tls.server.not_after")));
    check(problems, "tls.server.x509.not_before", CliRun.text(e, "tls.server.not_before"),
        CliRun.text(e, "tls.server.x509.not_before"));
    check(problems, "tls.server.x509.not_after", CliRun.text(e, "tls.server.not_after"),
        CliRun.text(e, "tls.server.x509.not_after"));
    check(problems, "tls.server.x509.subject.distinguished_name",
        CliRun.text(e, "tls.server.subject"),
        CliRun.text(e, "tls.server.x509.subject.distinguished_name"));
    return problems;
  }

  private static String instant(String s) {
    return s == null ? null : String.valueOf(Instant.parse(s));
  }

  private static void check(List<String> problems, String field, String expected, String got) {
    if (expected == null || !expected.equals(got)) {
      problems.add(field + ": got " + got + ", expected " + expected);
    }
  }
}
