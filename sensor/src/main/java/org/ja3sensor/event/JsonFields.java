package org.ja3sensor.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;

/**
 * Field writes with names given as {@link SerializableString} constants: the generator copies a
 * constant's quoted UTF-8 bytes instead of checking and encoding the name character by character,
 * which a String name costs at every event (the names were a third of an event's JSON time).
 */
final class JsonFields {
  private JsonFields() {}

  static void string(JsonGenerator g, SerializableString name, String value) throws IOException {
    g.writeFieldName(name);
    g.writeString(value); // null writes null, as writeStringField does
  }

  static void string(JsonGenerator g, SerializableString name, SerializableString value)
      throws IOException {
    g.writeFieldName(name);
    g.writeString(value);
  }

  static void number(JsonGenerator g, SerializableString name, int value) throws IOException {
    g.writeFieldName(name);
    g.writeNumber(value);
  }

  static void number(JsonGenerator g, SerializableString name, long value) throws IOException {
    g.writeFieldName(name);
    g.writeNumber(value);
  }

  static void bool(JsonGenerator g, SerializableString name, boolean value) throws IOException {
    g.writeFieldName(name);
    g.writeBoolean(value);
  }

  static void object(JsonGenerator g, SerializableString name) throws IOException {
    g.writeFieldName(name);
    g.writeStartObject();
  }

  static void array(JsonGenerator g, SerializableString name) throws IOException {
    g.writeFieldName(name);
    g.writeStartArray();
  }
}
