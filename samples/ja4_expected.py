#!/usr/bin/env python3
"""JA4, JA4_r and JA3N expectations for a sample capture, from tshark's dissected fields.

An independent route to the values ja3sensor must produce: tshark 4.0 has no JA4 or JA3N field,
so this script takes the fields tshark dissects for every ClientHello (legacy version, cipher
suites, extension types, supported_versions, signature algorithms, ALPN, supported groups, point
formats) and applies the FoxIO JA4 specification (technical_details/JA4.md) and the browserleaks
JA3N convention (JA3 with the extension field sorted numerically) to them. It shares no code with
ja3sensor.

Usage: ja4_expected.py PCAP PORT [quic]
With "quic" the hellos are those tshark decrypts from QUIC Initials on UDP port PORT (stream and
ports from udp.*) and the JA4 transport letter is "q" instead of "t".
Prints one tab-separated row per ClientHello and kind, in the columns of <name>.expected.tsv:
frame, stream, client_ip, client_port, server_ip, server_port, kind (ja3n or ja4),
fingerprint_string (the JA3N string or JA4_r), fingerprint_md5 (the JA3N md5 or the JA4).
"""
import hashlib
import subprocess
import sys

GREASE = {(b << 8) | b for b in range(0x0A, 0x100, 0x10)}
VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3",
            0x0002: "s2", 0xFEFF: "d1", 0xFEFD: "d2", 0xFEFC: "d3"}
FIELDS = ["frame.number", "tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst",
          "tcp.dstport", "tls.handshake.version", "tls.handshake.ciphersuite",
          "tls.handshake.extension.type", "tls.handshake.extensions.supported_version",
          "tls.handshake.sig_hash_alg_len", "tls.handshake.sig_hash_alg",
          "tls.handshake.extensions_alpn_str",
          "tls.handshake.extensions_supported_group", "tls.handshake.extensions_ec_point_format"]


def ints(field):
    return [int(v, 0) for v in field.split(",")] if field else []


def sha12(text, n):
    return "000000000000" if n == 0 else hashlib.sha256(text.encode()).hexdigest()[:12]


def alpn_chars(first):
    if not first:
        return "00"
    a, z = first[0], first[-1]
    if a.isascii() and a.isalnum() and z.isascii() and z.isalnum():
        return a + z
    raise SystemExit("non-alphanumeric ALPN %r: tshark shows text, not bytes; not handled here"
                     % first)


def main(pcap, port, quic=False):
    fields = [f.replace("tcp.", "udp.") for f in FIELDS] if quic else FIELDS
    decode = ["-d", "udp.port==%s,quic" % port] if quic else [
        "-o", "tls.desegment_ssl_records:TRUE", "-o", "tcp.desegment_tcp_streams:TRUE",
        "-d", "tcp.port==%s,tls" % port]
    out = subprocess.run(
        ["tshark", "-n", "-r", pcap] + decode
        + ["-Y", "tls.handshake.type==1", "-T", "fields"] + sum([["-e", f] for f in fields], []),
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        (frame, stream, ip4s, ip6s, sport, ip4d, ip6d, dport, legacy, ciphers, exts, versions,
         sig_lens, sigs, alpn, groups, formats) = line.split("\t")
        if "," in frame or "," in legacy:
            raise SystemExit("frame %s: several ClientHellos in one frame" % frame)
        exts, ciphers = ints(exts), ints(ciphers)
        # tshark lists the algorithms of signature_algorithms (13), delegated_credentials (34) and
        # signature_algorithms_cert (50) in one field; each list's byte length, in wire order, says
        # which values are extension 13's.
        carriers = [v for v in exts if v in (13, 34, 50)]
        lens = ints(sig_lens)
        if len(carriers) != len(lens):
            raise SystemExit("frame %s: %d signature algorithm lists for extensions %s"
                             % (frame, len(lens), carriers))
        start, all_sigs, sigs = 0, ints(sigs), ""
        for ext, n in zip(carriers, lens):
            if ext == 13:
                sigs = ",".join(str(v) for v in all_sigs[start:start + n // 2])
            start += n // 2
        legacy = int(legacy, 0)
        c = [v for v in ciphers if v not in GREASE]
        e = [v for v in exts if v not in GREASE]
        s = [v for v in ints(sigs) if v not in GREASE]
        sv = [v for v in ints(versions) if v not in GREASE]
        first_alpn = alpn.split(",")[0] if 16 in exts else ""
        a = "%s%s%s%02d%02d%s" % ("q" if quic else "t", VERSIONS.get(max(sv) if sv else legacy, "00"),
                                 "d" if 0 in e else "i", min(len(c), 99), min(len(e), 99),
                                 alpn_chars(first_alpn))
        cs = ",".join("%04x" % v for v in sorted(c))
        es = sorted(v for v in e if v not in (0, 16))
        ext_text = ",".join("%04x" % v for v in es)
        if s:
            ext_text += "_" + ",".join("%04x" % v for v in s)
        ja4 = "%s_%s_%s" % (a, sha12(cs, len(c)), sha12(ext_text, len(es)))
        ja4_r = "%s_%s_%s" % (a, cs, ext_text)
        g = [v for v in ints(groups) if v not in GREASE]
        ja3n = "%d,%s,%s,%s,%s" % (legacy, "-".join(map(str, c)), "-".join(map(str, sorted(e))),
                                   "-".join(map(str, g)), "-".join(map(str, ints(formats))))
        src, dst = ip4s or ip6s, ip4d or ip6d
        row = [frame, stream, src, sport, dst, dport]
        print("\t".join(row + ["ja3n", ja3n, hashlib.md5(ja3n.encode()).hexdigest()]))
        print("\t".join(row + ["ja4", ja4_r, ja4]))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[3:] not in ([], ["quic"]):
        raise SystemExit("usage: ja4_expected.py PCAP PORT [quic]")
    main(sys.argv[1], sys.argv[2], sys.argv[3:] == ["quic"])
