package org.ja3sensor.fingerprint;

import java.util.List;
import org.ja3sensor.tls.ClientHello;

/**
 * The six fingerprints of a ClientHello an event carries: JA3 and JA3N (strings and MD5) and JA4
 * with JA4_r, as {@link Ja3#ja3String}, {@link Ja3#ja3nString}, {@link Ja3#md5Hex} and {@link
 * Ja4#sorted} compute them.
 *
 * <p>{@link #of} remembers them per thread: a network, and even more a flood of new flows, repeats
 * the same few hellos (same client software) over and over, and a lookup (one hash over the
 * hello's packed values, one array compare) costs far less than building the strings (JA3, JA3N,
 * JA4's sorted hex lists) and looking up their digests. The key is the hello's content as {@link
 * ClientHello#sameContent} compares it (legacy version, the seven lists, extensions-block
 * presence, ALPN names), not the server name, which no fingerprint here reads (JA4 reads only
 * whether extension 0 is in the list): hellos to different hosts share an entry. The transport
 * letter is part of the key.
 *
 * <p>Direct-mapped, fixed size ({@link #SLOTS} slots; a new hello takes its slot). A hello with
 * more than {@link #MAX_VALUES} values, more than {@link #MAX_ALPN_NAMES} ALPN names or more than
 * {@link #MAX_ALPN_CHARS} ALPN characters is computed, never kept. A slot keeps a copy of the key
 * ({@link ClientHello#contentKey()}: the packed values and ALPN list, not the server name nor the
 * unpacked lists) and the six strings, at worst about 6 KB (values 0.5 KB; JA3 and JA3N 1.6 KB
 * each at 6 characters a value; JA4_r 1.3 KB at 5; ALPN about 0.4 KB; hashes and objects 0.5 KB):
 * at most about 1.5 MB per thread, whatever the traffic; about 1 KB a slot for real hellos (the
 * corpus's have 14 to 114 values). One memo per thread ({@code ThreadLocal}), so no locking; the
 * values are those the functions give, hit or miss. The key also holds what no fingerprint reads
 * (the compression methods, the ALPN names after the first, the extensions-block flag): comparing
 * the whole packed array is simpler, and such hellos only get entries of their own.
 *
 * @param ja3String the JA3 string
 * @param ja3Hash its MD5, lower-case hex
 * @param ja3nString the JA3N string (JA3 with its extensions sorted)
 * @param ja3nHash its MD5
 * @param ja4 JA4 ({@code a_b_c})
 * @param ja4Raw JA4_r
 */
public record ClientFingerprints(
    String ja3String,
    String ja3Hash,
    String ja3nString,
    String ja3nHash,
    String ja4,
    String ja4Raw) {

  static final int SLOTS = 256;
  static final int MAX_VALUES = 256;
  static final int MAX_ALPN_NAMES = 8;
  static final int MAX_ALPN_CHARS = 64;

  private static final ThreadLocal<Memo> MEMO = ThreadLocal.withInitial(Memo::new);

  /**
   * The fingerprints of {@code ch} carried by {@code transport} ({@link Ja4#TCP}, {@link
   * Ja4#QUIC}, {@link Ja4#DTLS}), remembered by this thread.
   *
   * @throws IllegalArgumentException for another transport letter
   */
  public static ClientFingerprints of(ClientHello ch, char transport) {
    return MEMO.get().get(ch, transport);
  }

  /**
   * The hello this thread's memo keeps as the key of {@code ch}'s content and transport (no server
   * name: {@link ClientHello#contentKey}), or null when it keeps none. A pipeline keeps it and
   * the server name instead of the hello while the flow waits, and makes the hello again with
   * {@link ClientHello#withServerName} when the event goes out: one object less per waiting flow.
   */
  public static ClientHello keptContent(ClientHello ch, char transport) {
    Memo.Entry e = MEMO.get().kept(ch, transport);
    return e == null ? null : e.key();
  }

  /** The fingerprints computed, without the memo. */
  static ClientFingerprints compute(ClientHello ch, char transport) {
    String ja3 = Ja3.ja3String(ch);
    String ja3n = Ja3.ja3nString(ch);
    Ja4.Result r = Ja4.sorted(ch, transport);
    return new ClientFingerprints(
        ja3, Ja3.md5Hex(ja3), ja3n, Ja3.md5Hex(ja3n), r.fingerprint(), r.raw());
  }

  /** Whether the memo may keep {@code ch}: its key is small. */
  static boolean keepable(ClientHello ch) {
    if (ch.valueCount() > MAX_VALUES) {
      return false;
    }
    List<String> alpn = ch.alpn();
    if (alpn.size() > MAX_ALPN_NAMES) {
      return false;
    }
    int chars = 0;
    for (String name : alpn) {
      chars += name.length();
    }
    return chars <= MAX_ALPN_CHARS;
  }

  /** One thread's memo. */
  static final class Memo {
    private final Entry[] slots = new Entry[SLOTS];

    record Entry(ClientHello key, char transport, ClientFingerprints fingerprints) {}

    private static int slot(ClientHello ch, char transport) {
      int h = ch.contentHash() * 31 + transport;
      return (h ^ (h >>> 16) ^ (h >>> 8)) & (SLOTS - 1);
    }

    ClientFingerprints get(ClientHello ch, char transport) {
      Entry e = kept(ch, transport);
      if (e != null) {
        return e.fingerprints;
      }
      ClientFingerprints f = compute(ch, transport);
      if (keepable(ch)) {
        slots[slot(ch, transport)] = new Entry(ch.contentKey(), transport, f);
      }
      return f;
    }

    /** The entry kept for this content and transport, or null. */
    Entry kept(ClientHello ch, char transport) {
      Entry e = slots[slot(ch, transport)];
      return e != null && e.transport == transport && e.key.sameContent(ch) ? e : null;
    }

    /** Whether an entry for this content and transport is kept (for tests). */
    boolean holds(ClientHello ch, char transport) {
      return kept(ch, transport) != null;
    }
  }
}
