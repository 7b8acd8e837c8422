package org.ja3sensor.cert;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * The leaf certificates a thread analysed lately, keyed by their DER bytes, so that a server seen
 * again (most handshakes of a network go to servers seen before) costs one pass over its bytes
 * instead of three hashes, a parse and a signature check.
 *
 * <p>One cache per thread (the threads that serialise or match events: the emitter, a Kafka or
 * report thread): no locking, and a cached {@link LeafCertificate} is fully computed ({@link
 * LeafCertificate#analyse}) before it is shared, so it is only read afterwards. Bounded by entries
 * and by the bytes of the certificates it holds ({@link #MAX_ENTRIES}, {@link #MAX_BYTES}); the
 * least recently used goes first. An attacker sending a new certificate every time only makes
 * every lookup a miss: the cost of no cache plus one copy. The anomaly of an unparseable
 * certificate is counted on every use, as without the cache.
 */
final class LeafCache {
  static final int MAX_ENTRIES = 256;
  static final long MAX_BYTES = 1L << 20;
  /** Certificates larger than this are analysed but not kept. */
  static final int MAX_CERT_BYTES = 16 * 1024;

  private static final ThreadLocal<LeafCache> PER_THREAD = ThreadLocal.withInitial(LeafCache::new);

  private final Map<Key, LeafCertificate> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, LeafCertificate> eldest) {
      if (size() > MAX_ENTRIES || bytes > MAX_BYTES) {
        bytes -= eldest.getKey().len;
        return true;
      }
      return false;
    }
  };
  private long bytes;
  private long hits;
  private long misses;

  /** This thread's cache. */
  static LeafCache get() {
    return PER_THREAD.get();
  }

  /** The analysed leaf for {@code data[off, off+len)}: from the cache, or made and kept. */
  LeafCertificate leaf(byte[] data, int off, int len, Counters counters) {
    Key probe = new Key(data, off, len);
    LeafCertificate l = entries.get(probe);
    if (l != null) {
      hits++;
      if (!l.parsed()) {
        counters.anomalyFromAnyThread(Anomaly.X509_UNPARSEABLE);
      }
      return l;
    }
    misses++;
    byte[] der = Arrays.copyOfRange(data, off, off + len);
    l = new LeafCertificate(der, 0, len, counters).analyse();
    if (len <= MAX_CERT_BYTES) {
      bytes += len;
      entries.put(new Key(der, 0, len), l);
    }
    return l;
  }

  int size() {
    return entries.size();
  }

  long bytes() {
    return bytes;
  }

  long hits() {
    return hits;
  }

  long misses() {
    return misses;
  }

  /** DER bytes as a map key: a range of an array, compared by content. */
  private static final class Key {
    final byte[] data;
    final int off;
    final int len;
    final int hash;

    Key(byte[] data, int off, int len) {
      this.data = data;
      this.off = off;
      this.len = len;
      int h = len;
      for (int i = off, end = off + len; i < end; i++) {
        h = 31 * h + data[i];
      }
      this.hash = h;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return k.hash == hash && k.len == len
          && Arrays.equals(data, off, off + len, k.data, k.off, k.off + k.len);
    }
  }
}
