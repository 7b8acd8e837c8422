package org.ja3sensor.db;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Reads database files into a {@link Snapshot}, all or nothing: every file is parsed and every
 * row validated before the snapshot exists, and any error rejects the whole load.
 *
 * <p>Each location is a directory (its {@code *.csv} files are read in name order, others
 * ignored) or a single file. Locations are read in the order given; an entry whose id was already
 * defined by an earlier file replaces it (overrides are reported as warnings); a repeated id
 * inside one file is an error.
 */
public final class DatabaseLoader {
  /** Files larger than this are refused (a database is a few hundred KB). */
  public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
  /** Loading stops collecting after this many errors. */
  static final int MAX_PROBLEMS = 100;

  private DatabaseLoader() {}

  /** The files a location stands for, in load order. */
  public static List<Path> files(Path location) throws IOException {
    if (!Files.isDirectory(location)) {
      return List.of(location);
    }
    try (Stream<Path> s = Files.list(location)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".csv"))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(Files::isRegularFile)
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
          .toList();
    }
  }

  /** Loads the locations into a snapshot, or throws with every problem found. */
  public static Snapshot load(List<Path> locations) throws DatabaseException {
    Load load = new Load();
    for (Path location : locations) {
      List<Path> files;
      String where = display(location);
      if (!Files.exists(location)) {
        load.problems.add(
            new Problem(where, 0, "does not exist; expected a directory of *.csv files"));
        continue;
      }
      try {
        files = files(location);
      } catch (IOException e) {
        load.problems.add(new Problem(where, 0, "cannot list: " + e.getMessage()));
        continue;
      }
      if (files.isEmpty()) {
        load.warnings.add(new Problem(where, 0, "no *.csv files"));
      }
      for (Path f : files) {
        String name = display(f);
        byte[] bytes;
        try {
          long size = Files.size(f);
          if (size > MAX_FILE_BYTES) {
            load.fileNames.add(name);
            load.problems.add(new Problem(name, 0, size + " bytes, more than the limit of "
                + MAX_FILE_BYTES));
            continue;
          }
          bytes = Files.readAllBytes(f);
        } catch (IOException e) {
          load.fileNames.add(name);
          load.problems.add(new Problem(name, 0, "cannot read: " + e));
          continue;
        }
        if (!load.add(name, f.getFileName().toString(), bytes)) {
          break;
        }
      }
    }
    return load.finish();
  }

  /**
   * Loads files given by content, in the order given, as {@link #load(List)} loads the files of a
   * directory (the shipped database read straight from the jar).
   *
   * @param files display name (messages, {@link Snapshot#files()}), file name (the entries' source
   *     stem and the version hash), bytes
   */
  static Snapshot loadContents(List<Map.Entry<String, Map.Entry<String, byte[]>>> files)
      throws DatabaseException {
    Load load = new Load();
    for (Map.Entry<String, Map.Entry<String, byte[]>> f : files) {
      if (!load.add(f.getKey(), f.getValue().getKey(), f.getValue().getValue())) {
        break;
      }
    }
    return load.finish();
  }

  /** One load in progress: the files read so far, their entries, problems and content hash. */
  private static final class Load {
    final List<Problem> problems = new ArrayList<>();
    final List<Problem> warnings = new ArrayList<>();
    // Content hash over names and bytes: CRC-32 and CRC-32C side by side (native, cheap even
    // before the JIT has compiled anything; the version only tells one set of files from another).
    final CRC32 crc = new CRC32();
    final CRC32C crcC = new CRC32C();
    final LinkedHashMap<String, Entry> byId = new LinkedHashMap<>();
    final List<String> fileNames = new ArrayList<>();

    /** Adds one file; false when enough problems were found to stop. */
    boolean add(String name, String fileName, byte[] bytes) {
      fileNames.add(name);
      byte[] fileNameBytes = fileName.getBytes(StandardCharsets.UTF_8);
      for (Checksum c : new Checksum[] {crc, crcC}) {
        c.update(fileNameBytes, 0, fileNameBytes.length);
        c.update(0);
        c.update(bytes, 0, bytes.length);
        c.update(0);
      }
      String text = utf8(bytes);
      if (text == null) {
        int at = firstInvalidUtf8(bytes);
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
          if (bytes[i] == '\n') {
            line++;
            lineStart = i + 1;
          }
        }
        problems.add(new Problem(name, line, String.format(Locale.ROOT,
            "not valid UTF-8: byte 0x%02x at column %d", bytes[at] & 0xff, at - lineStart + 1)));
        return true;
      }
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      List<Entry> entries = parseFile(name, stem(fileName), text, problems, warnings);
      Map<String, Entry> inFile = new HashMap<>();
      for (Entry e : entries) {
        Entry same = inFile.put(e.id(), e);
        if (same != null) {
          problems.add(new Problem(name, e.line(), "id \"" + e.id()
              + "\" already used on line " + same.line() + " of this file"));
          continue;
        }
        Entry old = byId.remove(e.id());
        if (old != null) {
          warnings.add(new Problem(name, e.line(), "id \"" + e.id() + "\" overrides "
              + old.origin()));
        }
        byId.put(e.id(), e);
      }
      return problems.size() < MAX_PROBLEMS;
    }

    Snapshot finish() throws DatabaseException {
      if (!problems.isEmpty()) {
        throw new DatabaseException(problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS)));
      }
      String version = hex(crc.getValue(), 8) + hex(crcC.getValue() & 0xffff, 4);
      return new Snapshot(
          version, Instant.now(), fileNames, new ArrayList<>(byId.values()), warnings);
    }
  }

  /** Parses one file's text; problems and warnings are appended. */
  public static List<Entry> parseFile(
      String name, String stem, String text, List<Problem> problems, List<Problem> warnings) {
    List<Entry> out = new ArrayList<>();
    int before = problems.size();
    CsvReader r = new CsvReader(text, true);
    DbFormat.Header header = null;
    try {
      CsvReader.Row row;
      while ((row = r.next()) != null) {
        if (header == null) {
          header = DbFormat.header(row.fields(), name, row.line(), problems, warnings);
          if (header == null) {
            return out;
          }
          continue;
        }
        Entry e =
            DbFormat.parse(
                header, row.fields(), name, row.line(), stem + ":" + row.line(), stem, problems);
        if (e != null) {
          out.add(e);
        }
        if (problems.size() >= MAX_PROBLEMS) {
          return out;
        }
      }
    } catch (CsvReader.CsvException e) {
      problems.add(new Problem(name, e.line, e.getMessage()));
    }
    if (header == null && problems.size() == before) {
      warnings.add(new Problem(name, 0, "empty file (no header line)"));
    }
    return out;
  }

  private static String stem(String n) {
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  /** How a path appears in messages: as given, or shipped:NAME inside the jar. */
  static String display(Path p) {
    if (p.getFileSystem() == FileSystems.getDefault()) {
      return p.toString();
    }
    return "shipped:" + p;
  }

  private static String hex(long v, int digits) {
    String h = Long.toHexString(v);
    return "0".repeat(Math.max(0, digits - h.length())) + h;
  }

  /**
   * The offset of the first byte that does not start a well-formed UTF-8 sequence (of text that
   * {@link #utf8} refused); the last byte when the text ends inside a sequence.
   */
  static int firstInvalidUtf8(byte[] bytes) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(4096);
    while (true) {
      CoderResult r = d.decode(in, out, true);
      if (r.isError()) {
        return in.position();
      }
      if (r.isUnderflow()) {
        return Math.max(0, bytes.length - 1); // not reached for text utf8() refused
      }
      out.clear();
    }
  }

  /** Strict UTF-8 decoding, or null; the fast JDK decoder first, the strict one only when it
   * had to replace something. */
  static String utf8(byte[] bytes) {
    String fast = new String(bytes, StandardCharsets.UTF_8);
    if (fast.indexOf('\uFFFD') < 0) {
      return fast;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
