package org.ja3sensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The capture files a rotating writer ({@code tcpdump -G}/{@code -C}, dumpcap's ring buffer)
 * leaves in a directory, handed out one at a time, oldest first, once each is complete; which
 * ones are finished is kept in a small state file, so a restart goes on where the last run
 * stopped, neither reading a finished file again (duplicate events) nor skipping one (lost
 * events).
 *
 * <p>Order: modification time, then name ({@code dump2} before {@code dump10}). A file is complete
 * when a newer one exists (the writer has moved on) or when it has not changed for {@code settle}
 * (a writer that stopped). Names starting with a dot are not captures (the state file lives
 * there by default). A file that is not pcap or pcapng is passed over, with one warning.
 *
 * <p>A finished file is identified by its name, size, modification time and inode, so a ring
 * buffer that reuses a name ({@code tcpdump -C 10 -W 5}) is read again when it is rewritten. The
 * state forgets files that have left the directory, so it stays as small as the directory.
 */
final class FollowDirectory {
  /** What becomes of a file once read. */
  enum Done {
    KEEP,
    DELETE,
    MOVE
  }

  /** A state file or directory that cannot be used: the message names it and the way out. */
  static final class FollowException extends Exception {
    FollowException(String message) {
      super(message);
    }
  }

  private record Id(String name, long size, long mtimeNanos, Object inode) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path state;
  private final Done done;
  private final Path moveTo;
  private final long settleNanos;
  private final long pollMillis;
  private final java.util.function.Consumer<String> warn;
  /** Finished files, by name. */
  private final Map<String, Id> finished = new LinkedHashMap<>();
  private final Set<String> warned = new HashSet<>();
  private volatile boolean stopped;

  private FollowDirectory(Path dir, Path state, Done done, Path moveTo, long settleNanos,
      long pollMillis, java.util.function.Consumer<String> warn) {
    this.dir = dir;
    this.state = state;
    this.done = done;
    this.moveTo = moveTo;
    this.settleNanos = settleNanos;
    this.pollMillis = pollMillis;
    this.warn = warn;
  }

  /**
   * Opens the directory and its state.
   *
   * @param state the state file; null for {@code DIR/.ja3sensor-follow.json}
   * @param reset start afresh, ignoring (and replacing) an existing state file
   */
  static FollowDirectory open(Path dir, Path state, boolean reset, Done done, Path moveTo,
      long settleSeconds, long pollMillis, java.util.function.Consumer<String> warn)
      throws FollowException {
    if (!Files.isDirectory(dir)) {
      throw new FollowException("--follow: " + dir + ": not a directory");
    }
    if (done == Done.MOVE && (moveTo == null || !Files.isDirectory(moveTo))) {
      throw new FollowException("--follow-move-to: " + moveTo + ": not a directory");
    }
    Path st = state != null ? state : dir.resolve(".ja3sensor-follow.json");
    FollowDirectory f = new FollowDirectory(dir, st, done, moveTo,
        TimeUnit.SECONDS.toNanos(settleSeconds), pollMillis, warn);
    if (!reset && Files.exists(st)) {
      f.load();
    }
    try {
      f.save(); // fails now, not after the first file, if the state cannot be written
    } catch (IOException e) {
      throw new FollowException("--follow-state: " + st + ": cannot write: " + e.getMessage());
    }
    return f;
  }

  private void load() throws FollowException {
    String hint = " (move it away, or start afresh with --follow-reset: files already read"
        + " would then be read again)";
    JsonNode root;
    try {
      root = JSON.readTree(state.toFile());
    } catch (IOException e) {
      throw new FollowException("--follow-state: " + state + ": not a state file this version"
          + " wrote: " + firstLine(e.getMessage()) + hint);
    }
    if (root == null || root.path("version").asInt() != 1 || !root.path("files").isArray()) {
      throw new FollowException(
          "--follow-state: " + state + ": not a state file this version wrote" + hint);
    }
    for (JsonNode n : root.get("files")) {
      if (!n.path("name").isTextual() || !n.path("size").canConvertToLong()
          || !n.path("mtime_ns").canConvertToLong()) {
        throw new FollowException("--follow-state: " + state + ": a file entry lacks name, size"
            + " or mtime_ns" + hint);
      }
      String inode = n.path("inode").isNull() ? null : n.path("inode").asText(null);
      Id id = new Id(n.get("name").asText(), n.get("size").asLong(), n.get("mtime_ns").asLong(),
          inode);
      finished.put(id.name(), id);
    }
  }

  /** Writes the state atomically: a temporary file, synced, renamed over the old one. */
  private void save() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.put("directory", dir.toAbsolutePath().toString());
    ArrayNode files = root.putArray("files");
    for (Id id : finished.values()) {
      ObjectNode n = files.addObject();
      n.put("name", id.name());
      n.put("size", id.size());
      n.put("mtime_ns", id.mtimeNanos());
      if (id.inode() != null) {
        n.put("inode", id.inode().toString());
      }
    }
    Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsBytes(root)));
      ch.force(true);
    }
    try {
      Files.move(tmp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Makes {@link #next()} return null: the command is stopping. */
  void stop() {
    stopped = true;
  }

  /**
   * The next complete file, waiting for one; null once {@link #stop()} was called (a file being
   * waited for is not read: it is left for the next run).
   */
  Path next() throws IOException, InterruptedException {
    while (!stopped) {
      Path p = nextComplete();
      if (p != null) {
        return p;
      }
      Thread.sleep(pollMillis);
    }
    return null;
  }

  private record Candidate(Path path, Id id, long mtimeNanos) {}

  private Path nextComplete() throws IOException {
    List<Candidate> all = new ArrayList<>();
    Set<String> present = new HashSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") || p.equals(state)) {
          continue;
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // moved away meanwhile
        }
        if (!a.isRegularFile()) {
          continue;
        }
        present.add(name);
        long mtime = TimeUnit.SECONDS.toNanos(a.lastModifiedTime().toInstant().getEpochSecond())
            + a.lastModifiedTime().toInstant().getNano();
        all.add(new Candidate(p, new Id(name, a.size(), mtime,
            a.fileKey() == null ? null : a.fileKey().toString()), mtime));
      }
    }
    // Forget files that left the directory.
    if (finished.keySet().retainAll(present)) {
      save();
    }
    all.sort(Comparator.comparingLong(Candidate::mtimeNanos)
        .thenComparing(c -> c.path().getFileName().toString(), FollowDirectory::natural));
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < all.size(); i++) {
      Candidate c = all.get(i);
      if (c.id().equals(finished.get(c.id().name()))) {
        continue;
      }
      boolean newerExists = false;
      for (int j = i + 1; j < all.size(); j++) {
        if (all.get(j).mtimeNanos() > c.mtimeNanos()) {
          newerExists = true;
          break;
        }
      }
      if (!newerExists && now - c.mtimeNanos() < settleNanos) {
        return null; // the writer may still be at it; files after it are not complete either
      }
      if (!isCapture(c.path())) {
        if (warned.add(c.id().name())) {
          warn.accept("--follow: " + c.path() + ": not a pcap or pcapng file, passed over");
        }
        continue;
      }
      return c.path();
    }
    return null;
  }

  /**
   * Records {@code file} as finished (the state is written before this returns), then deletes or
   * moves it as asked.
   */
  void finished(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    long mtime = TimeUnit.SECONDS.toNanos(a.lastModifiedTime().toInstant().getEpochSecond())
        + a.lastModifiedTime().toInstant().getNano();
    String name = file.getFileName().toString();
    finished.put(name, new Id(name, a.size(), mtime,
        a.fileKey() == null ? null : a.fileKey().toString()));
    save();
    if (done == Done.DELETE) {
      Files.deleteIfExists(file);
    } else if (done == Done.MOVE) {
      Files.move(file, moveTo.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean isCapture(Path p) {
    byte[] m = new byte[4];
    try (InputStream in = Files.newInputStream(p)) {
      if (in.readNBytes(m, 0, 4) < 4) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    int magic = ((m[0] & 0xff) << 24) | ((m[1] & 0xff) << 16) | ((m[2] & 0xff) << 8) | (m[3] & 0xff);
    return magic == 0xa1b2c3d4 || magic == 0xd4c3b2a1 || magic == 0xa1b23c4d
        || magic == 0x4d3cb2a1 || magic == 0x0a0d0d0a;
  }

  /** Natural order: runs of digits compare as numbers ({@code dump2 < dump10}). */
  static int natural(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length())
            : na.compareTo(nb);
        if (c != 0) {
          return c;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.split("\n")[0];
  }
}
