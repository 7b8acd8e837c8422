package org.ja3sensor.fleet;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * A count of distinct strings (client hosts, sensors) that stays bounded: the values themselves
 * up to a limit, then an Apache DataSketches HLL sketch (lgK 12, HLL_4: about 2.6 KB serialised,
 * relative error about 1.6 %). Once estimated it stays estimated. Mutable, not thread-safe.
 */
public final class DistinctSet {
  static final int LG_K = 12;

  private LinkedHashSet<String> exact = new LinkedHashSet<>();
  private HllSketch hll;

  /** Adds a value; past {@code limit} distinct values the set turns into a sketch. */
  public void add(String value, int limit) {
    if (value == null) {
      return;
    }
    if (hll != null) {
      hll.update(value);
      return;
    }
    if (exact.add(value) && exact.size() > limit) {
      hll = new HllSketch(LG_K, TgtHllType.HLL_4);
      for (String v : exact) {
        hll.update(v);
      }
      exact = null;
    }
  }

  /** The number of distinct values (exact, or the sketch's estimate rounded). */
  public long count() {
    return hll == null ? exact.size() : Math.round(hll.getEstimate());
  }

  public boolean isExact() {
    return hll == null;
  }

  /** Up to {@code n} of the values, first added first; empty once estimated. */
  public List<String> sample(int n) {
    List<String> out = new ArrayList<>(Math.min(n, exact == null ? 0 : exact.size()));
    if (exact != null) {
      for (String v : exact) {
        if (out.size() == n) {
          break;
        }
        out.add(v);
      }
    }
    return out;
  }

  void write(DataOutputStream o) throws IOException {
    if (hll == null) {
      o.writeByte(0);
      o.writeInt(exact.size());
      for (String v : exact) {
        o.writeUTF(v);
      }
    } else {
      o.writeByte(1);
      byte[] b = hll.toCompactByteArray();
      o.writeInt(b.length);
      o.write(b);
    }
  }

  static DistinctSet read(DataInputStream in) throws IOException {
    DistinctSet s = new DistinctSet();
    int mode = in.readByte();
    int n = in.readInt();
    if (mode == 0) {
      for (int i = 0; i < n; i++) {
        s.exact.add(in.readUTF());
      }
    } else if (mode == 1) {
      byte[] b = new byte[n];
      in.readFully(b);
      s.hll = HllSketch.heapify(b);
      s.exact = null;
    } else {
      throw new IOException("distinct set mode " + mode + ", expected 0 or 1");
    }
    return s;
  }
}
