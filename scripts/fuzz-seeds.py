#!/usr/bin/env python3
"""Writes the seed inputs of the Jazzer fuzz targets (see docs/security.md).

Sources: the TLS test vectors (sensor/src/test/resources/org/ja3sensor/tls/vectors, cut from the
shared conformance corpus by tshark), the captures in samples/ and the pcaps of ../shared/corpus
(when present). Seeds are facts of those captures (their bytes), never outputs of our code.

Usage: scripts/fuzz-seeds.py [corpus-dir]   (default: ../shared/corpus, or ../../shared/corpus)
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


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpus")
    if len(sys.argv) == 1 and not os.path.isdir(corpus):
        corpus = os.path.join(ROOT, "..", "..", "shared", "corpus")  # from a git worktree
    tls_seeds()
    tcp_seeds()
    pcaps = corpus_pcaps(os.path.join(ROOT, "samples"))
    if os.path.isdir(corpus):
        pcaps += corpus_pcaps(corpus)
    capture_seeds(pcaps)


if __name__ == "__main__":
    main()
