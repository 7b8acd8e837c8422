#!/usr/bin/env python3
"""Writes the seed inputs of the Jazzer fuzz targets (see docs/security.md).

Sources: the TLS test vectors (sensor/src/test/resources/org/ja3sensor/tls/vectors, cut from the
shared conformance corpus by tshark), the captures in samples/ and the pcaps of ../shared/corpus
(when present). Seeds are facts of those captures (their bytes), never outputs of our code.

Usage: scripts/fuzz-seeds.py [corpus-dir]   (default: ../shared/corpus, or ../../shared/corpus)
       scripts/fuzz-seeds.py --only quic,cert,db,spool,event   (those targets' seeds only)
Writes sensor/src/test/resources/org/ja3sensor/<pkg>/<Class>Inputs/<method>/seed-<name>; files
already there (findings: crash-*) are kept. Needs tshark and editcap.
"""
import hashlib
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RES = os.path.join(ROOT, "sensor/src/test/resources/org/ja3sensor")
VECTORS = os.path.join(RES, "tls/vectors")
# The link types DecodeFuzzTest.LINK_TYPES lists, in its order.
LINK_TYPES = [1, 101, 12, 14, 228, 229, 0, 108, 9, 113, 276, 105, 127]
MAX_SEED = 64 * 1024


def out_dir(pkg, cls, method):
    d = os.path.join(RES, pkg, cls + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    return d


def write(d, name, data):
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def load_vector(path):
    hexdigits, prefix = [], 0
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                if "bytes are the plaintext" in line:
                    prefix = int(line.split("The first ")[1].split()[0])
                continue
            hexdigits.append(line.strip())
    return bytes.fromhex("".join(hexdigits)), prefix


def handshake_bytes(records):
    """The bodies of the handshake records, joined."""
    out, p = bytearray(), 0
    while p + 5 <= len(records):
        typ, length = records[p], struct.unpack(">H", records[p + 3:p + 5])[0]
        if typ == 22:
            out += records[p + 5:p + 5 + length]
        p += 5 + length
    return bytes(out)


def tls_seeds():
    rr = out_dir("tls", "TlsFuzzTest", "recordReader")
    ha = out_dir("tls", "TlsFuzzTest", "handshakeAssembler")
    hp = out_dir("tls", "TlsFuzzTest", "helloParser")
    for i, name in enumerate(sorted(os.listdir(VECTORS))):
        if not name.endswith(".hex"):
            continue
        stream, prefix = load_vector(os.path.join(VECTORS, name))
        base = name[:-4]
        write(rr, base, bytes([i % 4]) + stream)
        hs = handshake_bytes(stream[prefix:])
        if len(hs) < 4:
            continue
        write(ha, base, bytes([(i + 1) % 4]) + hs)
        body = hs[4:4 + int.from_bytes(hs[1:4], "big")]
        server = hs[0] == 2
        write(hp, base, bytes([((i % 8) << 1) | server]) + body)


def hello_payloads(pcap):
    """TCP payloads of the segments tshark shows carrying a ClientHello or ServerHello."""
    r = subprocess.run(
        ["tshark", "-r", pcap, "-Y", "tls.handshake.type == 1 or tls.handshake.type == 2",
         "-T", "fields", "-e", "tcp.payload"],
        capture_output=True, text=True)
    return [bytes.fromhex(l.strip().split(",")[-1].replace(":", ""))
            for l in r.stdout.splitlines() if l.strip()]


def corpus_pcaps(corpus):
    found = []
    for d, _, files in os.walk(corpus):
        for f in sorted(files):
            if f.endswith((".pcap", ".pcapng", ".cap")):
                found.append(os.path.join(d, f))
    return sorted(found)


def frames(pcap):
    """(link type, frame bytes) of a capture, via editcap to classic pcap."""
    with tempfile.NamedTemporaryFile(suffix=".pcap") as t:
        if subprocess.run(["editcap", "-F", "pcap", pcap, t.name],
                          capture_output=True).returncode != 0:
            return []
        data = open(t.name, "rb").read()
    if len(data) < 24:
        return []
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" or data[:4] == b"\x4d\x3c\xb2\xa1" else ">"
    link = struct.unpack(endian + "I", data[20:24])[0] & 0x03FFFFFF
    out, p = [], 24
    while p + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[p + 8:p + 12])[0]
        out.append((link, data[p + 16:p + 16 + caplen]))
        p += 16 + caplen
    return out


def cut(pcap, packets, dest):
    """The first `packets` packets of a capture, in its own format."""
    r = subprocess.run(["editcap", "-r", pcap, dest, "1-%d" % packets], capture_output=True)
    return r.returncode == 0


def capture_seeds(pcaps):
    rr = out_dir("tls", "TlsFuzzTest", "recordReader")
    ha = out_dir("tls", "TlsFuzzTest", "handshakeAssembler")
    hp = out_dir("tls", "TlsFuzzTest", "helloParser")
    dec = out_dir("decode", "DecodeFuzzTest", "decode")
    cf = out_dir("source", "CaptureFileFuzzTest", "captureFile")
    pl = out_dir("pipeline", "PipelineFuzzTest", "read")
    seen = set()
    for n, pcap in enumerate(pcaps):
        name = os.path.relpath(pcap, os.path.dirname(os.path.dirname(pcap))).replace("/", "_")
        for k, payload in enumerate(hello_payloads(pcap)[:4]):
            h = hashlib.sha1(payload).hexdigest()
            if h not in seen and len(payload) <= MAX_SEED:
                seen.add(h)
                write(rr, "%s-%d" % (name, k), bytes([(n + k) % 4]) + payload)
                hs = handshake_bytes(payload)
                if len(hs) >= 4:
                    write(ha, "%s-%d" % (name, k), bytes([(n + k + 1) % 4]) + hs)
                    body = hs[4:4 + int.from_bytes(hs[1:4], "big")]
                    write(hp, "%s-%d" % (name, k), bytes([((k % 8) << 1) | (hs[0] == 2)]) + body)
        fr = frames(pcap)
        picks = fr[:2] + [f for f in fr if len(f[1]) > 200][:1]
        for k, (link, frame) in enumerate(picks):
            if link in LINK_TYPES:
                write(dec, "%s-%d" % (name, k), bytes([LINK_TYPES.index(link), 0]) + frame)
        with tempfile.TemporaryDirectory() as tmp:
            dest = os.path.join(tmp, "cut")
            for packets in (40, 20, 12, 6):
                if cut(pcap, packets, dest) and os.path.getsize(dest) <= MAX_SEED:
                    data = open(dest, "rb").read()
                    write(cf, name, data)
                    write(pl, name, data)
                    break


def tcp_seeds():
    """Scripts for TcpFuzzTest: in order, reversed, overlapping, with SYN/FIN, across wraparound."""
    d = out_dir("flow", "TcpFuzzTest", "reassembly")

    def seg(offset, length, flags):
        return struct.pack(">HBB", offset, length, flags)

    head = lambda cfg, isn, n: bytes([cfg]) + struct.pack(">I", isn) + bytes([n])
    # stream length 1 + 16 * 20 = 321 bytes; flags: bit 0 side, bits 1-2 flow, 0x08 SYN, 0x10 FIN
    in_order = b"".join(seg(o, 64, 1) for o in range(0, 321, 64))
    write(d, "in-order", head(0x3f, 0xfffffff0, 20) + seg(0, 0, 0x09) + seg(0, 0, 0x08)
          + in_order + seg(0, 0, 0x11) + seg(0, 0, 0x10))
    write(d, "reversed", head(0x2e, 0x7ffffff0, 20) + seg(0, 0, 0x09)
          + b"".join(seg(o, 32, 1) for o in range(288, -1, -32)))
    write(d, "overlap-altered", head(0x3a, 0, 20) + seg(0, 0, 0x09) + seg(50, 40, 1)
          + seg(60, 40, 0x81) + seg(0, 70, 1) + seg(100, 100, 1))
    write(d, "four-flows", head(0x15, 0x12345678, 8) + b"".join(
        seg(o, 20, side | (flow << 1)) for o in (40, 0, 20, 60) for flow in range(4)
        for side in (0, 1)) + seg(0, 0, 0x61))
    write(d, "tiny-segments", head(0x0d, 0xffffff00, 10)
          + b"".join(seg(o, 1, 1) for o in range(160, 0, -2)) + seg(0, 160, 1))


def udp_payloads(pcap):
    """UDP payloads of an Ethernet or raw-IP capture (IPv4 and IPv6, no extension headers)."""
    out = []
    for link, f in frames(pcap):
        p = 14 if link == 1 else 0
        if link == 1:
            eth = struct.unpack(">H", f[12:14])[0]
            while eth == 0x8100 and len(f) >= p + 4:
                eth = struct.unpack(">H", f[p + 2:p + 4])[0]
                p += 4
        if len(f) < p + 1:
            continue
        v = f[p] >> 4
        if v == 4:
            proto, p = f[p + 9], p + (f[p] & 15) * 4
        elif v == 6:
            proto, p = f[p + 6], p + 40
        else:
            continue
        if proto == 17 and len(f) >= p + 8:
            out.append(f[p + 8:])
    return out


def quic_seeds():
    """QuicFuzzTest: real Initials (samples, RFC vectors), CRYPTO scripts over real hellos."""
    dg = out_dir("quic", "QuicFuzzTest", "datagram")
    vi = out_dir("quic", "QuicFuzzTest", "validInitial")
    cf = out_dir("quic", "QuicFuzzTest", "cryptoFrames")
    vec = os.path.join(ROOT, "sensor/src/test/resources/quic")
    for name in sorted(os.listdir(vec)):
        if name.endswith(".hex"):
            write(dg, name[:-4], bytes.fromhex(open(os.path.join(vec, name)).read().strip()))
    qdir = os.path.join(ROOT, "samples/quic")
    for name in sorted(os.listdir(qdir)):
        if name.endswith(".pcap"):
            longs = [u for u in udp_payloads(os.path.join(qdir, name)) if u and u[0] & 0x80]
            for k, u in enumerate(longs[:6]):
                write(dg, "%s-%d" % (name[:-5], k), u)
    a2 = bytes.fromhex(
        "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
        "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
        "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
        "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
        "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
        "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
        "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
        "75300901100f088394c8f03e51570806048000ffff")
    a3 = bytes.fromhex(
        "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
        "88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
        "0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
        "020304")
    dcid = bytes.fromhex("8394c8f03e515708")
    for k, (ver, dl, payload, flip) in enumerate([
            (0, 8, a2 + bytes(900), 0), (1, 8, a2, 0), (2, 0, a3, 0), (0, 20, a3, 0x41),
            (0, 8, a2, 0x01)]):
        d = (dcid * 3)[:dl]
        write(vi, "rfc9001-%d" % k,
              bytes([ver, dl, 0, k, 0, 7 * k, flip]) + d + payload)
    hello = a2[4:4 + 241]
    write(cf, "a2-whole", bytes([0]) + hello)
    # pieces: (offset, length, flags) over the A2 hello: in order, reversed, overlapping,
    # an altered copy first, wide varints, one piece past the cap
    scripts = {
        "a2-in-order": [(0, 100, 0), (100, 100, 0), (200, 41, 0)],
        "a2-reversed": [(200, 41, 2), (100, 100, 4), (0, 100, 6)],
        "a2-overlaps": [(50, 120, 0), (0, 60, 0), (160, 81, 0), (10, 20, 0)],
        "a2-altered-first": [(30, 20, 1), (0, 241, 0)],
        "a2-past-cap": [(0, 100, 0), (5, 10, 0x80), (100, 141, 0)],
    }
    for name, sc in scripts.items():
        b = bytes([len(sc)])
        for off, ln, fl in sc:
            b += struct.pack(">HBB", off, ln, fl)
        write(cf, name, b + hello)
    ha = out_dir("tls", "TlsFuzzTest", "handshakeAssembler")
    for name in sorted(os.listdir(ha))[:12]:
        if name.startswith("seed-"):
            hs = open(os.path.join(ha, name), "rb").read()[1:]
            write(cf, "tls-" + name[5:], bytes([0]) + hs)


def pem_certs(path):
    import base64
    out, cur = [], None
    for line in open(path):
        line = line.strip()
        if line.startswith("-----BEGIN CERTIFICATE"):
            cur = []
        elif line.startswith("-----END CERTIFICATE") and cur is not None:
            out.append(base64.b64decode("".join(cur)))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def cert_seeds():
    """CertificateFuzzTest: the samples' certificates in honest, lying, cut and long chains."""
    ch = out_dir("cert", "CertificateFuzzTest", "chain")
    cdir = os.path.join(ROOT, "samples/certs")
    ders = []
    for name in sorted(os.listdir(cdir)):
        if name.endswith(".pem"):
            ders += [(name[:-4], d) for d in pem_certs(os.path.join(cdir, name))]
    variants = [("honest-1", 1, 0, 1, 0), ("honest-3", 3, 0, 2, 0), ("long-100", 100, 0, 5, 0),
                ("long-17", 17, 0, 0, 0), ("list-longer", 2, 0x01, 3, 0),
                ("last-longer", 3, 0x04, 7, 0), ("trailing", 1, 0x08, 1, 0),
                ("cut", 2, 0, 0, 128), ("hello-request", 1, 0x20, 9, 0),
                ("message-longer", 1, 0x10, 2, 0)]
    for i, (cname, der) in enumerate(ders):
        for vname, count, lies, mode, cut_at in variants[i % 3::3] if i else variants:
            write(ch, "%s-%s" % (cname, vname), bytes([count, lies, mode, cut_at]) + der)
    write(ch, "garbage-64k", bytes([1, 0x80, 4, 0]) + bytes(range(256)))
    write(ch, "empty-list", bytes([0, 0, 0, 0]))


def db_seeds():
    """DatabaseFuzzTest: lines of the shipped files, and small files whole."""
    lf = out_dir("db", "DatabaseFuzzTest", "loadFile")
    fdir = os.path.join(ROOT, "fingerprints")
    for name in sorted(os.listdir(fdir)):
        if not name.endswith(".csv"):
            continue
        data = open(os.path.join(fdir, name), "rb").read()
        lines = [l for l in data.split(b"\n")[1:] if l and not l.startswith(b"#")]
        for k, l in enumerate(lines[:2]):
            write(lf, "%s-line%d" % (name[:-4], k), b"\x01" + l)
        if len(data) < 8192:
            write(lf, name[:-4], b"\x00" + data)


def spool_record(alert, key, js):
    import zlib
    t = b"A" if alert else b"E"
    k = key if key else b"-"
    crc = zlib.crc32(t + k + js) & 0xffffffff
    return t + b"\t" + k + b"\t" + b"%08x" % crc + b"\t" + js + b"\n"


def spool_seeds():
    """SpoolFuzzTest: spools as the format describes them, whole, cut, altered, resumed."""
    sf = out_dir("sink", "SpoolFuzzTest", "spoolFile")
    events = b"\x00".join(bytes([h]) + b'{"seq":%d,"tls":{"client":{"ja3":"x"}}}' % i
                          for i, h in enumerate([0, 1, 2, 3, 6, 9, 4]))
    write(sf, "events", bytes([1, 0, 0, 0, 0, 0, 0, 0, 0]) + events)
    write(sf, "events-torn", bytes([1, 0, 0, 0, 0, 0, 0, 0, 200]) + events)
    write(sf, "events-altered", bytes([9, 0, 0, 0, 0, 0, 40, 0x20, 0]) + events)
    write(sf, "events-two-segments", bytes([5, 0, 0, 0, 90, 0, 0, 0, 0]) + events)
    recs = b"".join(spool_record(i % 2, b"k%d" % i if i % 3 else None, b'{"n":%d}' % i)
                    for i in range(6))
    first = len(spool_record(0, None, b'{"n":0}'))
    write(sf, "raw", bytes([0, 0, 0, 0, 0, 0, 0, 0, 0]) + recs)
    write(sf, "raw-resumed", bytes([2, 0, first, 0, 0, 0, 0, 0, 0]) + recs)
    write(sf, "raw-resumed-mid", bytes([2, 0, first + 3, 0, 0, 0, 0, 0, 0]) + recs)
    write(sf, "raw-resumed-second", bytes([0x46, 0, first, 0, 60, 0, 0, 0, 0]) + recs)


def event_seeds():
    """EventJsonFuzzTest (FuzzedDataProvider input): a few deterministic byte strings."""
    ev = out_dir("event", "EventJsonFuzzTest", "event")
    for k in range(6):
        b = b""
        while len(b) < 200 * (k + 1):
            b += hashlib.sha256(b"%d-%d" % (k, len(b))).digest()
        write(ev, "bytes-%d" % k, b)
    write(ev, "sni-controls", bytes(range(32)) + b"example.com\xff\xfe\xc3(" * 4)


NEW_TARGETS = {"quic": quic_seeds, "cert": cert_seeds, "db": db_seeds, "spool": spool_seeds,
               "event": event_seeds}


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--only":
        for name in sys.argv[2].split(","):
            NEW_TARGETS[name]()
        return
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpus")
    if len(sys.argv) == 1 and not os.path.isdir(corpus):
        corpus = os.path.join(ROOT, "..", "..", "shared", "corpus")  # from a git worktree
    tls_seeds()
    tcp_seeds()
    pcaps = corpus_pcaps(os.path.join(ROOT, "samples"))
    if os.path.isdir(corpus):
        pcaps += corpus_pcaps(corpus)
    capture_seeds(pcaps)
    for f in NEW_TARGETS.values():
        f()


if __name__ == "__main__":
    main()
