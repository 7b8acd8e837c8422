package org.ja3sensor.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.ja3sensor.core.BuildInfo;
import org.ja3sensor.tls.ClientHello;
import org.ja3sensor.tls.ServerHello;

/**
 * Serialises a {@link TlsEvent} as one line of JSON with Elastic Common Schema field names, nested
 * objects (ECS's canonical form). The schema is documented in docs/events.md; {@link
 * #SCHEMA_VERSION} changes whenever a field is renamed or removed.
 */
public final class EventJson {
  /** Version of the event schema, also sent as a Kafka header. */
  public static final String SCHEMA_VERSION = "2";

  public static final String DATASET = "ja3sensor.tls";

  /**
   * The ECS version the events follow: that of the field definitions they are validated against
   * (../shared/ecs/ecs_flat.yml, see EcsConformanceTest).
   */
  public static final String ECS_VERSION = "9.5.0-dev";

  /**
   * Jackson writes the sensor's fields ({@link #writeSensor}, shared with the stats events), once
   * per sensor name and interface; {@link JsonWriter} writes the rest of each event the same way.
   * Characters outside the BMP go out as their four UTF-8 bytes, not as two escaped surrogates.
   */
  private static final JsonFactory FACTORY =
      new JsonFactoryBuilder()
          .rootValueSeparator((String) null)
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  /**
   * What travels beside an event and goes into its JSON (the matcher's result): given per event
   * to {@link #toJsonUtf8(TlsEvent, Extension)}.
   */
  public interface Extension {
    /** True makes the event an alert (event.kind). */
    boolean alert();

    /** Writes extra top-level fields, after EventJson's own. */
    void write(JsonWriter g);

    /**
     * Writes extra fields at the end of an object EventJson writes itself: {@code "event"},
     * {@code "tls"}, {@code "tls.client"}, {@code "tls.server"} or {@code "ja3sensor"}. Nothing by
     * default.
     */
    default void writeInto(String object, JsonWriter g) {}
  }

  /** Whether tls.server.certificate_chain (PEM) is written; off by default. */
  private boolean certificateChain;

  /** Writes the server's certificate chain as PEM into tls.server.certificate_chain. */
  public EventJson certificateChain(boolean on) {
    certificateChain = on;
    return this;
  }

  /**
   * RFC 3339 UTC with microseconds, e.g. 2024-05-01T12:00:00.123456Z, for any instant a long of
   * nanoseconds holds (years 1677 to 2262). Written by hand: java.time's formatter is most of an
   * event's cost before the JIT has compiled it (a file read is over by then).
   */
  public static String timestamp(long epochNanos) {
    char[] c = new char[TIMESTAMP_CHARS];
    timestamp(epochNanos, c);
    return new String(c);
  }

  private static final int TIMESTAMP_CHARS = 27;

  /** As {@link #timestamp(long)}, into {@code c[0, 27)}. */
  static void timestamp(long epochNanos, char[] c) {
    long secs = Math.floorDiv(epochNanos, 1_000_000_000L);
    int micros = (int) (Math.floorMod(epochNanos, 1_000_000_000L) / 1000);
    long days = Math.floorDiv(secs, 86_400L);
    int secOfDay = (int) Math.floorMod(secs, 86_400L);
    // Proleptic Gregorian date of a day count since 1970-01-01, in 400-year eras that start on
    // March 1st (so that the leap day ends a year): Howard Hinnant's civil_from_days.
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    int dayOfEra = (int) (z - era * 146_097);
    int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    int mp = (5 * dayOfYear + 2) / 153;
    int day = dayOfYear - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    digits(c, 0, year, 4);
    c[4] = '-';
    digits(c, 5, month, 2);
    c[7] = '-';
    digits(c, 8, day, 2);
    c[10] = 'T';
    digits(c, 11, secOfDay / 3600, 2);
    c[13] = ':';
    digits(c, 14, secOfDay / 60 % 60, 2);
    c[16] = ':';
    digits(c, 17, secOfDay % 60, 2);
    c[19] = '.';
    digits(c, 20, micros, 6);
    c[26] = 'Z';
  }

  /** The event's two timestamps are written from here: no String per timestamp. */
  private final char[] stampChars = new char[TIMESTAMP_CHARS];

  private void writeTimestamp(JsonWriter g, JsonWriter.Text name, long epochNanos) {
    timestamp(epochNanos, stampChars);
    g.name(name);
    g.string(stampChars, 0, TIMESTAMP_CHARS);
  }

  /** Writes {@code v} (not negative) as exactly {@code n} decimal digits at {@code c[at]}. */
  private static void digits(char[] c, int at, int v, int n) {
    for (int i = at + n - 1; i >= at; i--) {
      c[i] = (char) ('0' + v % 10);
      v /= 10;
    }
  }

  /** A QUIC version as 8 lower-case hex digits after "0x" (e.g. 0x00000001, 0x6b3343cf). */
  static String quicVersion(int v) {
    String h = Integer.toHexString(v);
    return "0x" + "00000000".substring(h.length()) + h;
  }

  /** ECS tls.version for a protocol version value: "1.3", "1.2", ..., "3.0"; null if unknown. */
  public static String versionString(int v) {
    switch (v) {
      case 0x0304:
        return "1.3";
      case 0x0303:
        return "1.2";
      case 0x0302:
        return "1.1";
      case 0x0301:
        return "1.0";
      case 0x0300:
        return "3.0";
      case 0x0002:
        return "2.0";
      default:
        if ((v & 0xff00) == 0x7f00 || v == 0xfb1a || (v & 0xff00) == 0x7e00) {
          return "1.3"; // TLS 1.3 drafts and experiments
        }
        return null;
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** ECS tls.version_protocol. */
  public static String versionProtocol(int v) {
    return v <= 0x0300 ? "ssl" : "tls";
  }

  /** Bytes of the event being written; reused. */
  private final JsonWriter out = new JsonWriter();

  /**
   * The event as one line of JSON in UTF-8. One writer and its buffer serve every event of this
   * instance. Safe to call from several threads (serialised).
   */
  public byte[] toJsonUtf8(TlsEvent e) {
    return toJsonUtf8(e, null);
  }

  /** As {@link #toJsonUtf8(TlsEvent)}, with what travels beside the event (may be null). */
  public synchronized byte[] toJsonUtf8(TlsEvent e, Extension x) {
    generate(e, x);
    return out.toByteArray();
  }

  /** Takes the UTF-8 bytes of an event, valid during the call only. */
  @FunctionalInterface
  public interface Utf8Out {
    void accept(byte[] buf, int off, int len) throws IOException;
  }

  /**
   * As {@link #toJsonUtf8(TlsEvent, Extension)}, handing the bytes to {@code sink} from this
   * instance's buffer instead of a new array per event: for an output that copies them at once.
   */
  public synchronized void writeUtf8(TlsEvent e, Extension x, Utf8Out sink) throws IOException {
    generate(e, x);
    sink.accept(out.buffer(), 0, out.length());
  }

  /** The event's JSON into {@link #out}; a failure spoils this event only. */
  private void generate(TlsEvent e, Extension x) {
    out.reset();
    write(e, x, out);
  }

  /** The event as one line of JSON: {@link #toJsonUtf8} as a String. */
  public String toJson(TlsEvent e) {
    return toJson(e, null);
  }

  /** As {@link #toJson(TlsEvent)}, with what travels beside the event (may be null). */
  public String toJson(TlsEvent e, Extension x) {
    return new String(toJsonUtf8(e, x), StandardCharsets.UTF_8);
  }

  /** Random per process, so that event ids of different sensors and runs do not collide. */
  private static final String ID_PREFIX = idPrefix();

  private static final AtomicLong ID_SEQUENCE = new AtomicLong();

  private static String idPrefix() {
    long r = new SecureRandom().nextLong();
    char[] c = new char[17];
    for (int i = 0; i < 16; i++) {
      c[i] = HEX[(int) (r >>> (60 - 4 * i)) & 15];
    }
    c[16] = '-';
    return new String(c);
  }

  /**
   * A new event id: 16 hex digits random per process, a dash, a sequence number. Assigned once
   * per event (see {@link TlsEvent#eventId}), so a re-sent event (Kafka spool replay) keeps it and
   * an index can drop the duplicate.
   */
  public static String newEventId() {
    return ID_PREFIX + ID_SEQUENCE.incrementAndGet();
  }

  /** Fills {@code event.id} and {@code event.created} of an event that has none yet. */
  static void stamp(TlsEvent e) {
    if (e.eventId == null) {
      e.eventId = newEventId();
      e.createdNanos = System.currentTimeMillis() * 1_000_000L;
    }
  }

  /**
   * Writes {@code ecs} and {@code observer} (the sensor), the same for every kind of event.
   *
   * @param observerName the sensor's name ({@code --sensor-name}); null: the host name
   * @param ingressInterface capture's interface, or null
   */
  public static void writeSensor(JsonGenerator g, String observerName, String ingressInterface)
      throws IOException {
    g.writeObjectFieldStart("ecs");
    g.writeStringField("version", ECS_VERSION);
    g.writeEndObject();
    g.writeObjectFieldStart("observer");
    g.writeStringField("type", "sensor");
    g.writeStringField("vendor", "ja3sensor");
    g.writeStringField("product", "ja3sensor");
    g.writeStringField("version", BuildInfo.version());
    String host = BuildInfo.hostName();
    g.writeStringField("hostname", host);
    g.writeStringField("name", observerName != null ? observerName : host);
    if (ingressInterface != null) {
      g.writeObjectFieldStart("ingress");
      g.writeObjectFieldStart("interface");
      g.writeStringField("name", ingressInterface);
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * The fields of {@code event} after {@code kind} that are the same in every TLS event, as the
   * UTF-8 bytes the generator would write (a leading comma: they follow {@code kind}), written raw.
   */
  private static final byte[] EVENT_CONSTANTS =
      (",\"category\":[\"network\"],\"type\":[\"protocol\"],\"dataset\":\"" + DATASET
          + "\",\"module\":\"ja3sensor\"").getBytes(StandardCharsets.UTF_8);

  /** {@link #SENSOR_SLOTS} recent (observer name, interface) pairs and their raw fields. */
  private static final int SENSOR_SLOTS = 8;

  private final String[] sensorNames = new String[SENSOR_SLOTS];
  private final String[] sensorInterfaces = new String[SENSOR_SLOTS];
  private final byte[][] sensorFields = new byte[SENSOR_SLOTS][];
  private int sensorNext;

  /**
   * What {@link #writeSensor} writes for this pair, after a leading comma, as raw UTF-8: the same
   * for every event of a sensor and interface, so it is generated once per pair (one of the few
   * recent pairs kept), not field by field for each event.
   */
  private byte[] sensorFields(String observerName, String ingressInterface) {
    for (int i = 0; i < SENSOR_SLOTS; i++) {
      if (sensorFields[i] != null && java.util.Objects.equals(sensorNames[i], observerName)
          && java.util.Objects.equals(sensorInterfaces[i], ingressInterface)) {
        return sensorFields[i];
      }
    }
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(256);
    try (JsonGenerator s = FACTORY.createGenerator(b, JsonEncoding.UTF8)) {
      s.writeStartObject();
      writeSensor(s, observerName, ingressInterface);
      s.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex); // a byte array does not fail
    }
    byte[] object = b.toByteArray(); // {"ecs":...,"observer":...}
    byte[] f = Arrays.copyOf(object, object.length - 1);
    f[0] = ',';
    int i = sensorNext;
    sensorNext = (i + 1) % SENSOR_SLOTS;
    sensorNames[i] = observerName;
    sensorInterfaces[i] = ingressInterface;
    sensorFields[i] = f;
    return f;
  }

  /** Recurring strings lately written (fingerprints, versions, cipher names), as JSON. */
  private final EncodedStrings encoded = new EncodedStrings();

  /**
   * Writes a string field whose value recurs as the same String object: a ClientHello
   * fingerprint (the strings of a repeated hello are the same objects from event to event, the
   * memo of {@code fingerprint.ClientFingerprints}), a version or a cipher suite's name (String
   * constants). The quoted UTF-8 form of the last few is kept, by identity, and copied out instead
   * of being escaped and encoded character by character again (the long JA3, JA3N and JA4_r
   * strings were most of the generator's string work). A null value writes null.
   */
  private void writeRecurring(JsonWriter g, JsonWriter.Text name, String value) {
    if (value == null) {
      g.name(name);
      g.nullValue();
      return;
    }
    g.name(name);
    g.string(encoded.get(value, System.identityHashCode(value)));
  }

  /**
   * The JSON form of strings lately written, found by identity: 128 sets of two, the most recent
   * first in its set. Two ways, not one: with one slot per hash, two of an event's six strings
   * whose identity hashes fell on one slot took it from each other at every event, and each was
   * encoded again every time (about a sixth of what capture's emitter allocated in one run).
   */
  static final class EncodedStrings {
    private static final int SETS = 128;
    private final JsonWriter.Text[] slots = new JsonWriter.Text[2 * SETS];

    JsonWriter.Text get(String value, int hash) {
      int i = 2 * ((hash ^ (hash >>> 7)) & (SETS - 1));
      JsonWriter.Text s = slots[i];
      if (s != null && s.value == value) {
        return s;
      }
      JsonWriter.Text other = slots[i + 1];
      if (other != null && other.value == value) {
        slots[i + 1] = s; // the most recent first
        slots[i] = other;
        return other;
      }
      JsonWriter.Text made = JsonWriter.value(value);
      slots[i + 1] = s;
      slots[i] = made;
      return made;
    }
  }

  // Field names, encoded once (see JsonWriter).
  private static final JsonWriter.Text N_ALPN = JsonWriter.name("alpn");
  private static final JsonWriter.Text N_CIPHER = JsonWriter.name("cipher");
  private static final JsonWriter.Text N_CLIENT = JsonWriter.name("client");
  private static final JsonWriter.Text N_COMMUNITY_ID = JsonWriter.name("community_id");
  private static final JsonWriter.Text N_CREATED = JsonWriter.name("created");
  private static final JsonWriter.Text N_DESTINATION = JsonWriter.name("destination");
  private static final JsonWriter.Text N_ESTABLISHED = JsonWriter.name("established");
  private static final JsonWriter.Text N_EVENT = JsonWriter.name("event");
  private static final JsonWriter.Text N_FILE = JsonWriter.name("file");
  private static final JsonWriter.Text N_HELLO_RETRY_REQUEST =
      JsonWriter.name("hello_retry_request");
  private static final JsonWriter.Text N_HOSTS = JsonWriter.name("hosts");
  private static final JsonWriter.Text N_ID = JsonWriter.name("id");
  private static final JsonWriter.Text N_IP = JsonWriter.name("ip");
  private static final JsonWriter.Text N_JA3 = JsonWriter.name("ja3");
  private static final JsonWriter.Text N_JA3N = JsonWriter.name("ja3n");
  private static final JsonWriter.Text N_JA3N_STRING = JsonWriter.name("ja3n_string");
  private static final JsonWriter.Text N_JA3S = JsonWriter.name("ja3s");
  private static final JsonWriter.Text N_JA3SENSOR = JsonWriter.name("ja3sensor");
  private static final JsonWriter.Text N_JA3S_STRING = JsonWriter.name("ja3s_string");
  private static final JsonWriter.Text N_JA3_STRING = JsonWriter.name("ja3_string");
  private static final JsonWriter.Text N_JA4 = JsonWriter.name("ja4");
  private static final JsonWriter.Text N_JA4_O = JsonWriter.name("ja4_o");
  private static final JsonWriter.Text N_JA4_R = JsonWriter.name("ja4_r");
  private static final JsonWriter.Text N_JA4_RO = JsonWriter.name("ja4_ro");
  private static final JsonWriter.Text N_KIND = JsonWriter.name("kind");
  private static final JsonWriter.Text N_LEGACY_VERSION = JsonWriter.name("legacy_version");
  private static final JsonWriter.Text N_LOG = JsonWriter.name("log");
  private static final JsonWriter.Text N_NETWORK = JsonWriter.name("network");
  private static final JsonWriter.Text N_NEXT_PROTOCOL = JsonWriter.name("next_protocol");
  private static final JsonWriter.Text N_PATH = JsonWriter.name("path");
  private static final JsonWriter.Text N_PORT = JsonWriter.name("port");
  private static final JsonWriter.Text N_PROTOCOL = JsonWriter.name("protocol");
  private static final JsonWriter.Text N_QUIC = JsonWriter.name("quic");
  private static final JsonWriter.Text N_RELATED = JsonWriter.name("related");
  private static final JsonWriter.Text N_SERVER = JsonWriter.name("server");
  private static final JsonWriter.Text N_SERVER_NAME = JsonWriter.name("server_name");
  private static final JsonWriter.Text N_SOURCE = JsonWriter.name("source");
  private static final JsonWriter.Text N_SSLV2_HELLO = JsonWriter.name("sslv2_hello");
  private static final JsonWriter.Text N_SUPPORTED_VERSIONS = JsonWriter.name("supported_versions");
  private static final JsonWriter.Text N_TIMESTAMP = JsonWriter.name("@timestamp");
  private static final JsonWriter.Text N_TLS = JsonWriter.name("tls");
  private static final JsonWriter.Text N_TRANSPORT = JsonWriter.name("transport");
  private static final JsonWriter.Text N_TRIGGER = JsonWriter.name("trigger");
  private static final JsonWriter.Text N_TUNNEL_DEPTH = JsonWriter.name("tunnel_depth");
  private static final JsonWriter.Text N_TYPE = JsonWriter.name("type");
  private static final JsonWriter.Text N_VERSION = JsonWriter.name("version");
  private static final JsonWriter.Text N_VERSION_PROTOCOL = JsonWriter.name("version_protocol");

  // Values from a fixed set, encoded once.
  private static final JsonWriter.Text V_ALERT = JsonWriter.value("alert");
  private static final JsonWriter.Text V_EVENT = JsonWriter.value("event");
  private static final JsonWriter.Text V_TCP = JsonWriter.value("tcp");
  private static final JsonWriter.Text V_UDP = JsonWriter.value("udp");
  private static final JsonWriter.Text V_IPV4 = JsonWriter.value("ipv4");
  private static final JsonWriter.Text V_IPV6 = JsonWriter.value("ipv6");
  private static final JsonWriter.Text V_TLS = JsonWriter.value("tls");
  private static final JsonWriter.Text V_QUIC = JsonWriter.value("quic");

  /** ja3sensor.trigger of each {@link TlsEvent.Trigger}, by ordinal: its name in lower case. */
  private static final JsonWriter.Text[] TRIGGERS =
      java.util.Arrays.stream(TlsEvent.Trigger.values())
          .map(t -> JsonWriter.value(t.name().toLowerCase(java.util.Locale.ROOT)))
          .toArray(JsonWriter.Text[]::new);

  /** Characters of {@link #writeHex16}; reused. */
  private final char[] hexChars = {'0', 'x', '0', '0', '0', '0'};

  /**
   * A 16-bit code point as "0x" and four lower-case hex digits, from a reused char array: a field,
   * or an array element when name is null.
   */
  private void writeHex16(JsonWriter g, JsonWriter.Text name, int v) {
    char[] c = hexChars;
    c[2] = HEX[(v >>> 12) & 15];
    c[3] = HEX[(v >>> 8) & 15];
    c[4] = HEX[(v >>> 4) & 15];
    c[5] = HEX[v & 15];
    if (name != null) {
      g.name(name);
    }
    g.string(c, 0, 6);
  }

  public void write(TlsEvent e, Extension x, JsonWriter g) {
    stamp(e);
    g.startObject();
    writeTimestamp(g, N_TIMESTAMP, e.timestampNanos);
    // Raw: @timestamp came first, so the generator puts the comma before the next field itself.
    g.raw(sensorFields(e.observerName, e.ingressInterface));

    g.object(N_EVENT);
    g.string(N_KIND, x != null && x.alert() ? V_ALERT : V_EVENT);
    g.raw(EVENT_CONSTANTS);
    g.string(N_ID, e.eventId);
    writeTimestamp(g, N_CREATED, e.createdNanos);
    if (x != null) {
      x.writeInto("event", g);
    }
    g.endObject();

    g.object(N_SOURCE);
    g.string(N_IP, e.clientIp);
    g.number(N_PORT, e.clientPort);
    g.endObject();
    g.object(N_DESTINATION);
    g.string(N_IP, e.serverIp);
    g.number(N_PORT, e.serverPort);
    g.endObject();

    g.object(N_NETWORK);
    g.string(N_TRANSPORT, e.quic ? V_UDP : V_TCP);
    g.string(N_TYPE, e.ipv6 ? V_IPV6 : V_IPV4);
    g.string(N_PROTOCOL, e.quic ? V_QUIC : V_TLS);
    g.string(N_COMMUNITY_ID, e.communityId);
    g.endObject();

    g.object(N_RELATED);
    g.array(N_IP);
    g.string(e.clientIp);
    if (!e.serverIp.equals(e.clientIp)) {
      g.string(e.serverIp);
    }
    g.endArray();
    String sni = e.clientHello != null ? e.clientHello.serverName() : null;
    if (sni != null) {
      g.array(N_HOSTS);
      g.string(sni);
      g.endArray();
    }
    g.endObject();

    writeTls(e, x, g);

    if (e.filePath != null) {
      g.object(N_LOG);
      g.object(N_FILE);
      g.string(N_PATH, e.filePath);
      g.endObject();
      g.endObject();
    }

    writeOwn(e, x, g);

    if (x != null) {
      x.write(g);
    }
    g.endObject();
  }

  private void writeTls(TlsEvent e, Extension x, JsonWriter g) {
    g.object(N_TLS);
    ServerHello sh = e.serverHello;
    ClientHello ch = e.clientHello;
    if (sh != null) {
      int v = sh.negotiatedVersion();
      String vs = versionString(v);
      if (vs != null) {
        writeRecurring(g, N_VERSION, vs);
        writeRecurring(g, N_VERSION_PROTOCOL, versionProtocol(v));
      }
      String cipher = CipherSuites.name(sh.cipherSuite());
      if (cipher != null) {
        writeRecurring(g, N_CIPHER, cipher);
      }
      if (sh.alpn() != null) {
        g.string(N_NEXT_PROTOCOL, sh.alpn());
      }
    }
    if (sh == null && !e.quic
        && (e.trigger == TlsEvent.Trigger.FLOW_CLOSED || e.trigger == TlsEvent.Trigger.FLOW_REUSED)) {
      // Known not established: the connection ended (RST, FIN both ways, or a new connection on
      // its 4-tuple) before the server's hello. Established is never claimed: the sensor stops
      // reading at the hellos (docs/events.md, "tls.established").
      g.bool(N_ESTABLISHED, false);
    }
    if (ch != null) {
      g.object(N_CLIENT);
      writeRecurring(g, N_JA3, e.ja3Hash);
      writeRecurring(g, N_JA3_STRING, e.ja3String);
      // JA3N and JA4 (docs/ja4.md), named after ECS's tls.client.ja3.
      writeRecurring(g, N_JA3N, e.ja3nHash);
      writeRecurring(g, N_JA3N_STRING, e.ja3nString);
      writeRecurring(g, N_JA4, e.ja4);
      writeRecurring(g, N_JA4_R, e.ja4Raw);
      if (e.ja4Original != null) {
        g.string(N_JA4_O, e.ja4Original);
        g.string(N_JA4_RO, e.ja4OriginalRaw);
      }
      if (ch.serverName() != null) {
        g.string(N_SERVER_NAME, ch.serverName());
      }
      if (x != null) {
        x.writeInto("tls.client", g);
      }
      g.endObject();
    }
    if (sh != null) {
      g.object(N_SERVER);
      g.string(N_JA3S, e.ja3sHash);
      g.string(N_JA3S_STRING, e.ja3sString);
      CertificateJson.writeServerFields(e.serverCertificates, certificateChain, g);
      if (x != null) {
        x.writeInto("tls.server", g);
      }
      g.endObject();
    }
    if (x != null) {
      x.writeInto("tls", g);
    }
    g.endObject();
  }

  /**
   * The project's own fields ({@code ja3sensor.*}): why the event went out, tunnel depth, and the
   * raw hello values ECS has no field for, under {@code ja3sensor.tls} in the shape of {@code
   * tls}.
   */
  private void writeOwn(TlsEvent e, Extension x, JsonWriter g) {
    g.object(N_JA3SENSOR);
    g.string(N_TRIGGER, TRIGGERS[e.trigger.ordinal()]);
    if (e.tunnelDepth > 0) {
      g.number(N_TUNNEL_DEPTH, e.tunnelDepth);
    }
    if (e.quic) {
      g.object(N_QUIC);
      g.string(N_VERSION, quicVersion(e.quicVersion));
      g.endObject();
    }
    ServerHello sh = e.serverHello;
    ClientHello ch = e.clientHello;
    g.object(N_TLS);
    if (sh != null) {
      writeHex16(g, N_CIPHER, sh.cipherSuite());
    }
    if (ch != null || e.sslv2ClientHello) {
      g.object(N_CLIENT);
      if (ch != null) {
        if (!ch.alpn().isEmpty()) {
          g.array(N_ALPN);
          for (String p : ch.alpn()) {
            g.string(p);
          }
          g.endArray();
        }
        writeHex16(g, N_LEGACY_VERSION, ch.legacyVersion());
        if (ch.supportedVersions().length > 0) {
          g.array(N_SUPPORTED_VERSIONS);
          for (int v : ch.supportedVersions()) {
            writeHex16(g, null, v);
          }
          g.endArray();
        }
      } else {
        g.bool(N_SSLV2_HELLO, true);
      }
      g.endObject();
    }
    if (sh != null && (sh.helloRetryRequest() || e.serverCertificates != null)) {
      g.object(N_SERVER);
      if (sh.helloRetryRequest()) {
        g.bool(N_HELLO_RETRY_REQUEST, true);
      }
      CertificateJson.writeProjectServerFields(e.serverCertificates, g);
      g.endObject();
    }
    g.endObject();
    if (x != null) {
      x.writeInto("ja3sensor", g);
    }
    g.endObject();
  }
}
