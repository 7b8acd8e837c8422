package org.ja3sensor.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ja3sensor.cert.CertificateMessage;
import org.ja3sensor.cert.LeafCertificate;
import org.ja3sensor.cert.ServerCertificates;
import org.ja3sensor.core.Counters;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * Coverage-guided fuzz target (Jazzer) for the event JSON: hostile strings where the wire puts
 * them. The SNI and the ALPN names (any bytes, as the parser keeps them: one char per byte, so
 * control characters and invalid UTF-8), the server's ALPN, and a certificate built around the
 * input (subject and issuer common name and organization in any of five string types with any
 * bytes, a subjectAltName with any DNS name, any serial), each up to 64 KiB. Saved inputs under
 * {@code src/test/resources/org/ja3sensor/event/EventJsonFuzzTestInputs/event/}.
 *
 * <p>Invariants: every event is one line of strict UTF-8 with no raw line break, one JSON object
 * and nothing after it; the SNI and ALPN come back exactly as the hello held them; the
 * certificate's names come back exactly as the parsed leaf holds them; the same event serialises
 * to the same bytes twice with one writer.
 */
class EventJsonFuzzTest {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final EventJson JSON = new EventJson();
  private static final EventJson JSON_PEM = new EventJson().certificateChain(true);
  private static final byte[] SPKI = spki();
  private static final byte[] STRING_TAGS = {0x0c, 0x13, 0x16, 0x1e, 0x14}; // UTF8, Printable,
  // IA5, BMP, T61

  @FuzzTest(maxDuration = "10s")
  void event(FuzzedDataProvider d) throws Exception {
    boolean big = d.consumeBoolean();
    String sni = latin1(d.consumeBytes(big ? d.consumeInt(0, 65536) : d.consumeInt(0, 300)));
    List<String> alpn = new ArrayList<>();
    for (int i = d.consumeInt(0, 4); i > 0; i--) {
      alpn.add(latin1(d.consumeBytes(d.consumeInt(0, 255))));
    }
    String serverAlpn = d.consumeBoolean() ? latin1(d.consumeBytes(d.consumeInt(1, 255))) : null;
    TlsEvent e = new TlsEvent();
    e.timestampNanos = d.consumeLong();
    e.clientLo = 0x0000_ffff_0a00_0001L;
    e.clientPort = d.consumeInt(0, 65535);
    e.serverLo = 0x0000_ffff_0a00_0002L;
    e.serverPort = 443;
    e.trigger = TlsEvent.Trigger.SERVER_HELLO;
    e.clientHello =
        new ClientHello(0x0303, new int[] {0x1301, 0xc02b}, new int[] {0}, new int[] {0, 16, 43},
            new int[0], new int[0], sni, alpn, new int[] {0x0304}, new int[0], true);
    e.serverHello = new ServerHello(0x0303, 0xc02f, 0, new int[] {16}, 0, serverAlpn, false);
    if (d.consumeBoolean()) {
      byte[] cert = certificate(d);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      u24(body, cert.length + 3);
      u24(body, cert.length);
      body.writeBytes(cert);
      byte[] b = body.toByteArray();
      e.serverCertificates = CertificateMessage.split(b, 0, b.length, true, new Counters());
    }
    e.deriveFields();
    EventJson writer = d.consumeBoolean() ? JSON_PEM : JSON;
    byte[] utf8 = writer.toJsonUtf8(e);
    String line = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(utf8)).toString();
    assertFalse(line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0, "a raw line break");
    JsonNode n = MAPPER.readTree(line);
    assertTrue(n.isObject());
    assertEquals(sni, n.at("/tls/client/server_name").textValue(), "SNI");
    JsonNode a = n.at("/ja3sensor/tls/client/alpn");
    assertEquals(alpn.size(), a.isMissingNode() ? 0 : a.size());
    for (int i = 0; i < alpn.size(); i++) {
      assertEquals(alpn.get(i), a.get(i).textValue(), "ALPN " + i);
    }
    if (serverAlpn != null) {
      assertEquals(serverAlpn, n.at("/tls/next_protocol").textValue());
    }
    ServerCertificates chain = e.serverCertificates;
    LeafCertificate.Fields f = chain == null || chain.leaf() == null ? null : chain.leaf().fields();
    if (f != null) {
      assertEquals(f.subject.distinguishedName, n.at("/tls/server/subject").textValue());
      assertEquals(f.issuer.distinguishedName, n.at("/tls/server/issuer").textValue());
      JsonNode cn = n.at("/tls/server/x509/subject/common_name");
      assertEquals(f.subject.commonName.size(), cn.isMissingNode() ? 0 : cn.size());
      for (int i = 0; i < f.subject.commonName.size(); i++) {
        assertEquals(f.subject.commonName.get(i), cn.get(i).textValue());
      }
      JsonNode alt = n.at("/tls/server/x509/alternative_names");
      assertEquals(f.alternativeNames.size(), alt.isMissingNode() ? 0 : alt.size());
    }
    assertTrue(java.util.Arrays.equals(utf8, writer.toJsonUtf8(e)), "another line the second time");
  }

  /** A certificate whose names, SAN and serial come from the input (signature not valid). */
  private static byte[] certificate(FuzzedDataProvider d) {
    boolean big = d.consumeBoolean();
    byte[] serial = d.consumeBytes(d.consumeInt(1, 30));
    if (serial.length == 0) {
      serial = new byte[] {1};
    }
    byte[] tbs =
        tlv(0x30,
            tlv(0xa0, tlv(0x02, new byte[] {2})),
            tlv(0x02, serial),
            tlv(0x30, oid("2a8648ce3d040302")), // ecdsa-with-SHA256
            name(d, big),
            tlv(0x30, tlv(0x17, ascii("250101000000Z")), tlv(0x17, ascii("350101000000Z"))),
            name(d, big),
            SPKI,
            tlv(0xa3, tlv(0x30, tlv(0x30, oid("551d11"),
                tlv(0x04, tlv(0x30, tlv(0x82, value(d, big)), tlv(0x87, d.consumeBytes(16))))))));
    return tlv(0x30, tbs, tlv(0x30, oid("2a8648ce3d040302")),
        tlv(0x03, new byte[] {0, 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}));
  }

  private static byte[] name(FuzzedDataProvider d, boolean big) {
    byte[] cn = tlv(0x31, tlv(0x30, oid("550403"), tlv(tag(d), value(d, big))));
    byte[] o = tlv(0x31, tlv(0x30, oid("55040a"), tlv(tag(d), value(d, big))));
    return d.consumeBoolean() ? tlv(0x30, o, cn) : tlv(0x30, cn);
  }

  private static int tag(FuzzedDataProvider d) {
    return STRING_TAGS[d.consumeInt(0, STRING_TAGS.length - 1)];
  }

  private static byte[] value(FuzzedDataProvider d, boolean big) {
    return d.consumeBytes(big ? d.consumeInt(0, 65536) : d.consumeInt(0, 100));
  }

  private static byte[] oid(String hex) {
    return tlv(0x06, java.util.HexFormat.of().parseHex(hex));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** DER tag, definite length (long form as needed), then the parts. */
  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream c = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      c.writeBytes(p);
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(tag);
    int n = c.size();
    if (n < 0x80) {
      o.write(n);
    } else if (n < 0x100) {
      o.write(0x81);
      o.write(n);
    } else if (n < 0x10000) {
      o.write(0x82);
      o.write(n >>> 8);
      o.write(n);
    } else {
      o.write(0x83);
      o.write(n >>> 16);
      o.write(n >>> 8);
      o.write(n);
    }
    o.writeBytes(c.toByteArray());
    return o.toByteArray();
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1); // as HelloParser keeps SNI and ALPN
  }

  private static void u24(ByteArrayOutputStream o, int v) {
    o.write(v >>> 16);
    o.write(v >>> 8);
    o.write(v);
  }

  /** The public key of samples/certs/leaf.pem (EC P-256), as SubjectPublicKeyInfo DER. */
  private static byte[] spki() {
    return java.util.HexFormat.of().parseHex(
        "3059301306072a8648ce3d020106082a8648ce3d03010703420004470d374a7c904248c7c9ef98eda30189"
            + "6b45f9061821d9695577f29b4ac2e6a205e95e1d047ed8d04d640989eb04d265ca0eb7de9c5bf7648fe1"
            + "ba133a5a7b7e");
  }

}
