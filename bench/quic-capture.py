#!/usr/bin/env python3
"""Writes a QUIC-heavy capture from real QUIC flows: every QUIC flow of the input captures,
copied until the output holds at least N client Initial packets, each copy of a flow with a
client address of its own. Called by bench/make-quic-capture.sh (which says why and how).

Usage: quic-capture.py OUT.pcap MIN_CLIENT_INITIALS SPACING_US INPUT.pcap...

Inputs are classic pcap files (convert pcapng with `editcap -F pcap`) of link type Ethernet
(VLAN tags allowed), raw IP, Linux cooked (v1, v2), BSD loopback or PPP; IPv4 or IPv6 (no
extension headers), unfragmented. A QUIC flow is a UDP 4-tuple with at least one datagram that
starts with a long header of a QUIC version with a known Initial salt (v1, v2, drafts
0xff0000xx, mvfst 0xfaceb00x, Google Q05x/T05x); every datagram of such a flow is kept, in
order, nothing else.

Per copy and flow, the client (the sender of the flow's first datagram) gets a fresh address,
10.0.0.0/8 or fd00::/64 counted up, and the server's port becomes 443 (every tool then decodes
QUIC without port hints); the server's address and the client's port stay. Every Connection ID of
the flow (long-header DCID and SCID, short-header DCID) gets the copy's own value of the same
length (first 4 bytes XORed with the copy-flow number), and the Initial packets are encrypted
again with the keys of the new ID (RFC 9001 section 5: decrypted with the original keys, tag
verified, encrypted with the new ones, header protection redone), Retry integrity tags redone
(RFC 9001 section 5.8, RFC 9369). Why: tshark ties QUIC connections by Connection ID, not by
address; with the IDs of the original, it takes every copy for the first connection again and
shows one copy's hellos. An Initial that does not decrypt is copied as it is (counted:
initials_kept_per_copy). Handshake, 0-RTT and 1-RTT packets keep their bytes, CIDs aside (their
tags then fail, which nobody without the keys can tell). IPv4 header and UDP checksums are
computed afresh (captures on loopback carry offloaded, wrong UDP checksums).

Timestamps: the output's packets are SPACING_US microseconds apart, in order (the original
gaps, which span minutes to years between the input files, are not kept).

The output is Ethernet (link type 1), microsecond timestamps. Prints key=value lines on stdout:
copies, packets, flows, client_initials, server_initials, bytes, initials_reencrypted_per_copy,
initials_kept_per_copy, retry_tags_kept_per_copy, and per input file its flows, packets and
client Initials of one copy. Needs python3-cryptography (AES-GCM, AES-ECB).
"""
import collections
import hashlib
import hmac
import struct
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KNOWN_PREFIXES = (0xFF0000, 0xFACEB0, 0x513035, 0x543035)  # drafts, mvfst, Google Q05x, T05x
V1, V2 = 0x00000001, 0x6B3343CF


def known_version(v):
    return v in (V1, V2) or (v >> 8) in KNOWN_PREFIXES


def varint(p, q):
    if q >= len(p):
        return None, q
    n = 1 << (p[q] >> 6)
    if q + n > len(p):
        return None, q
    v = p[q] & 0x3F
    for i in range(1, n):
        v = (v << 8) | p[q + i]
    return v, q + n


def quic_datagram(p):
    """(is QUIC long header of a known version, Initial packets in the datagram)."""
    if len(p) < 7 or not p[0] & 0x80:
        return False, 0
    ver = int.from_bytes(p[1:5], "big")
    if not known_version(ver):
        return False, 0
    initials, pos = 0, 0
    while pos + 7 <= len(p) and p[pos] & 0x80:
        first = p[pos]
        ver = int.from_bytes(p[pos + 1:pos + 5], "big")
        if not known_version(ver):
            break
        q = pos + 5
        dl = p[q]
        q += 1 + dl
        if q >= len(p):
            break
        sl = p[q]
        q += 1 + sl
        typ = (first >> 4) & 3
        if ver == V2:  # RFC 9369: Initial 1, 0-RTT 2, Handshake 3, Retry 0
            initial, retry = typ == 1, typ == 0
        else:
            initial, retry = typ == 0, typ == 3
        if retry:
            break
        if initial:
            tlen, q = varint(p, q)
            if tlen is None:
                break
            q += tlen
        length, q = varint(p, q)
        if length is None:
            break
        if initial:
            initials += 1
        pos = q + length
    return True, initials


def read_pcap(path):
    with open(path, "rb") as f:
        raw = f.read()
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
              b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}.get(raw[:4])
    if endian is None:
        raise ValueError("not a classic pcap file (convert it with editcap -F pcap)")
    linktype = struct.unpack(endian + "I", raw[20:24])[0] & 0xFFFF
    pos = 24
    while pos + 16 <= len(raw):
        incl = struct.unpack(endian + "I", raw[pos + 8:pos + 12])[0]
        yield linktype, raw[pos + 16:pos + 16 + incl]
        pos += 16 + incl


def ip_of(linktype, d):
    """The IP packet inside a frame, or None."""
    if linktype == 1:  # Ethernet
        off, et = 12, None
        while off + 2 <= len(d):
            et = int.from_bytes(d[off:off + 2], "big")
            if et in (0x8100, 0x88A8):
                off += 4
                continue
            break
        if et == 0x0800 or et == 0x86DD:
            return d[off + 2:]
        return None
    if linktype in (101, 12, 14, 228, 229):  # raw IP
        return d
    if linktype == 113:  # Linux cooked v1
        return d[16:] if d[14:16] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == 276:  # Linux cooked v2
        return d[20:] if d[0:2] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == 0:  # BSD loopback: 4-byte address family, host order
        return d[4:] if len(d) > 4 else None
    if linktype == 9:  # PPP, optionally HDLC-framed
        if d[:2] == b"\xff\x03":
            d = d[2:]
        return d[2:] if d[:2] in (b"\x00\x21", b"\x00\x57") else None
    return None


def udp_of(ip):
    """(v6, src, dst, sport, dport, udp offset, payload) of an unfragmented UDP packet, or None."""
    if len(ip) < 20:
        return None
    if ip[0] >> 4 == 4:
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17 or int.from_bytes(ip[6:8], "big") & 0x3FFF or len(ip) < ihl + 8:
            return None
        tot = int.from_bytes(ip[2:4], "big")
        ip = ip[:tot] if ihl + 8 <= tot <= len(ip) else ip
        sp, dp = struct.unpack(">HH", ip[ihl:ihl + 4])
        return False, ip[12:16], ip[16:20], sp, dp, ihl, ip
    if ip[0] >> 4 == 6 and len(ip) >= 48 and ip[6] == 17:
        plen = int.from_bytes(ip[4:6], "big")
        ip = ip[:40 + plen] if 48 <= 40 + plen <= len(ip) else ip
        sp, dp = struct.unpack(">HH", ip[40:44])
        return True, ip[8:24], ip[24:40], sp, dp, 40, ip
    return None


def words(b):
    """The one's-complement sum of b's 16-bit big-endian words (b padded to even length)."""
    if len(b) % 2:
        b = bytes(b) + b"\0"
    v = fold(sum(memoryview(bytes(b)).cast("H")))  # native order: RFC 1071 byte-order rule
    return ((v & 0xFF) << 8) | (v >> 8) if sys.byteorder == "little" else v


def udp_checksum(ip, v6, uoff):
    """The correct UDP checksum of the packet (capture offloads often leave it wrong)."""
    seg = bytearray(ip[uoff:])
    seg[6:8] = b"\0\0"
    if v6:
        pseudo = ip[8:40] + len(seg).to_bytes(4, "big") + b"\0\0\0\x11"
    else:
        pseudo = ip[12:20] + b"\0\x11" + len(seg).to_bytes(2, "big")
    return (~fold(words(pseudo) + words(seg))) & 0xFFFF or 0xFFFF


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


class Template:
    """One kept datagram: IP header, ports, UDP payload, and how a copy rewrites them."""
    __slots__ = ("v6", "flow", "from_client", "iphdr", "sport", "dport", "payload", "plan",
                 "initials")


# --- QUIC Initial protection (RFC 9001 section 5, RFC 9369 section 3.3) -----------------------
SALT_V1 = bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")
SALT_V2 = bytes.fromhex("0dede3def700a6db819381be6e269dcbf9bd2ed9")
SALT_D29 = bytes.fromhex("afbfec289993d24c9e9786f19c6111e04390a899")
SALT_D23 = bytes.fromhex("c3eef712c72ebb5a11a7d2432bb46365bef9f502")
SALT_D22 = bytes.fromhex("7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a")
SALT_T050 = bytes.fromhex("7ff579e5acd072915580304c43a2367c60488310")
SALT_T051 = bytes.fromhex("7a4edef4e7ccee5fa4506c19124fc8ccda6e033d")
# Retry integrity (RFC 9001 section 5.8, RFC 9369 section 3.3.3, draft-29): key, nonce
RETRY = {
    "v1": (bytes.fromhex("be0c690b9f66575a1d766b54e368c84e"),
           bytes.fromhex("461599d35d632bf2239825bb")),
    "v2": (bytes.fromhex("8fb4b01b56ac48e260fbcbcead7ccc92"),
           bytes.fromhex("d86969bc2d7c6d9990efb04a")),
    "d29": (bytes.fromhex("ccce187ed09a09d05728155a6cb96be1"),
            bytes.fromhex("e54930f97f2136f0530a8c1c")),
}


def salt(v):
    if v == V1:
        return SALT_V1
    if v == V2:
        return SALT_V2
    if v >> 8 == 0xFF0000:
        d = v & 0xFF
        return (SALT_V1 if d in (33, 34) else SALT_D29 if 29 <= d <= 32
                else SALT_D23 if 23 <= d <= 28 else SALT_D22 if d == 22 else None)
    return {0xFACEB001: SALT_D22, 0xFACEB002: SALT_D23, 0x54303530: SALT_T050,
            0x54303531: SALT_T051}.get(v)


def retry_key(v):
    if v == V1 or v in (0xFF000021, 0xFF000022):
        return RETRY["v1"]
    if v == V2:
        return RETRY["v2"]
    if 0xFF00001D <= v <= 0xFF000020:
        return RETRY["d29"]
    return None


def expand_label(secret, label, length):
    full = b"tls13 " + label
    info = length.to_bytes(2, "big") + bytes([len(full)]) + full + b"\0\x01"
    return hmac.new(secret, info, hashlib.sha256).digest()[:length]


_KEYS = {}


def initial_keys(version, cid, server):
    """(AESGCM, iv, header-protection key) of one direction, or None for an unknown version."""
    k = (version, bytes(cid), server)
    if k in _KEYS:
        return _KEYS[k]
    sl = salt(version)
    if sl is None:
        return None
    secret = expand_label(hmac.new(sl, bytes(cid), hashlib.sha256).digest(),
                          b"server in" if server else b"client in", 32)
    prefix = b"quicv2 " if version == V2 else b"quic "
    keys = (AESGCM(expand_label(secret, prefix + b"key", 16)),
            expand_label(secret, prefix + b"iv", 12),
            expand_label(secret, prefix + b"hp", 16))
    if len(_KEYS) > 100000:
        _KEYS.clear()
    _KEYS[k] = keys
    return keys


def hp_mask(hp, sample):
    enc = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
    return enc.update(bytes(sample)) + enc.finalize()


def nonce_of(iv, pn):
    return (int.from_bytes(iv, "big") ^ pn).to_bytes(12, "big")


def unprotect(p, pos, pn_off, end, keys):
    """(first byte, pn length, pn, plaintext) of an Initial, or None when the tag fails."""
    aead, iv, hp = keys
    if end - pn_off < 20 or end > len(p):
        return None
    mask = hp_mask(hp, p[pn_off + 4:pn_off + 20])
    first = p[pos] ^ (mask[0] & 0x0F)
    pnlen = (first & 3) + 1
    pnb = bytes(p[pn_off + i] ^ mask[1 + i] for i in range(pnlen))
    header = bytes([first]) + bytes(p[pos + 1:pn_off]) + pnb
    try:
        plain = aead.decrypt(nonce_of(iv, int.from_bytes(pnb, "big")),
                             bytes(p[pn_off + pnlen:end]), header)
    except InvalidTag:
        return None
    return first, pnlen, pnb, plain


def protect(p, pos, pn_off, first, pnlen, pnb, plain, keys):
    """Writes the Initial at p[pos:] again: the header as p holds it, encrypted with keys."""
    aead, iv, hp = keys
    header = bytes([first]) + bytes(p[pos + 1:pn_off]) + pnb
    ct = aead.encrypt(nonce_of(iv, int.from_bytes(pnb, "big")), plain, header)
    mask = hp_mask(hp, (pnb + ct)[4:20])
    p[pos] = first ^ (mask[0] & 0x0F)
    p[pn_off:pn_off + pnlen + len(ct)] = bytes(pnb[i] ^ mask[1 + i] for i in range(pnlen)) + ct


def retry_tag(version, odcid, retry_wo_tag):
    rk = retry_key(version)
    if rk is None:
        return None
    pseudo = bytes([len(odcid)]) + bytes(odcid) + bytes(retry_wo_tag)
    return AESGCM(rk[0]).encrypt(rk[1], b"", pseudo)


class FlowState:
    """What the plan of a flow's datagrams needs to know from the ones before."""
    def __init__(self):
        self.key_cid = None     # the CID the Initial keys derive from (client's first, or Retry's)
        self.odcid = None       # the client's first DCID (Retry integrity)
        self.scid = {}          # side -> the last Source CID it sent (short headers carry it)


def plan_datagram(p, st, from_client, stats):
    """The rewrite plan of one UDP payload: CID positions, Initials to re-encrypt, Retry tags."""
    plan = []
    pos = 0
    while pos + 7 <= len(p) and p[pos] & 0x80:
        first = p[pos]
        ver = int.from_bytes(p[pos + 1:pos + 5], "big")
        q = pos + 5
        dl = p[q]
        dcid_off = q + 1
        q = dcid_off + dl
        if q >= len(p):
            return plan
        sl = p[q]
        scid_off = q + 1
        q = scid_off + sl
        if q > len(p):
            return plan
        if dl:
            plan.append(("cid", dcid_off, dl))
        if sl:
            plan.append(("cid", scid_off, sl))
            st.scid[from_client] = bytes(p[scid_off:scid_off + sl])
        if ver == 0:  # Version Negotiation: CIDs only
            return plan
        if not known_version(ver):
            return plan
        typ = (first >> 4) & 3
        initial, retry = (typ == 1, typ == 0) if ver == V2 else (typ == 0, typ == 3)
        if retry:
            if not from_client and len(p) - pos >= q - pos + 16:
                old = retry_tag(ver, st.odcid or b"", p[pos:len(p) - 16])
                if old is not None and old == bytes(p[len(p) - 16:]):
                    plan.append(("retry", pos, ver, st.odcid or b""))
                else:
                    stats["retry_tag_kept"] += 1
                st.key_cid = bytes(p[scid_off:scid_off + sl])
            return plan
        if initial:
            tlen, q = varint(p, q)
            if tlen is None:
                return plan
            q += tlen
        length, q = varint(p, q)
        if length is None:
            return plan
        end = q + length
        if initial:
            if st.key_cid is None and from_client:
                st.key_cid = st.odcid = bytes(p[dcid_off:dcid_off + dl])
            keys = st.key_cid is not None and initial_keys(ver, st.key_cid, not from_client)
            u = keys and unprotect(p, pos, q, end, keys)
            if u:
                plan.append(("initial", pos, q, ver, not from_client, st.key_cid) + u)
                stats["initials_reencrypted"] += 1
            else:
                stats["initials_kept"] += 1
        pos = end
    if pos < len(p) and p[pos] & 0x40 and not p[pos] & 0x80:  # short header: DCID of known length
        peer = st.scid.get(not from_client)
        if peer and pos + 1 + len(peer) <= len(p) and p[pos + 1:pos + 1 + len(peer)] == peer:
            plan.append(("cid", pos + 1, len(peer)))
    return plan


def rewrite(payload, plan, cmap):
    """A copy's UDP payload: every CID mapped by cmap, Initials and Retry tags redone."""
    p = bytearray(payload)
    for op in plan:
        if op[0] == "cid":
            _, off, n = op
            p[off:off + n] = cmap(bytes(payload[off:off + n]))
    for op in plan:
        if op[0] == "initial":
            _, pos, pn_off, ver, server, key_cid, first, pnlen, pnb, plain = op
            protect(p, pos, pn_off, first, pnlen, pnb, plain,
                    initial_keys(ver, cmap(key_cid), server))
        elif op[0] == "retry":
            _, pos, ver, odcid = op
            p[len(p) - 16:] = retry_tag(ver, cmap(odcid), p[pos:len(p) - 16])
    return bytes(p)


def load(path, stats):
    """The QUIC flows of one file as templates (in file order) and the number of flows."""
    rows, flows, quic = [], {}, set()
    for linktype, frame in read_pcap(path):
        ip = ip_of(linktype, frame)
        u = ip and udp_of(ip)
        if not u:
            continue
        v6, src, dst, sp, dp, uoff, ip = u
        key = (src, sp, dst, dp) if (src, sp) <= (dst, dp) else (dst, dp, src, sp)
        is_quic, initials = quic_datagram(ip[uoff + 8:])
        if is_quic:
            quic.add(key)
        rows.append((key, v6, src, sp, dst, dp, uoff, ip, initials))
    out, states = [], {}
    for key, v6, src, sp, dst, dp, uoff, ip, initials in rows:
        if key not in quic:
            continue
        if key not in flows:
            flows[key] = (len(flows), (src, sp))  # the first sender is the client
            states[key] = FlowState()
        fid, client = flows[key]
        t = Template()
        t.v6, t.flow = v6, fid
        t.from_client = (src, sp) == client
        t.iphdr = bytearray(ip[:uoff])
        t.sport, t.dport = sp, dp
        t.payload = bytes(ip[uoff + 8:])
        t.plan = plan_datagram(t.payload, states[key], t.from_client, stats)
        t.initials = initials if t.from_client else -initials
        out.append(t)
    return out, len(flows)


def new_address(n, v6):
    if v6:
        return bytes.fromhex("fd00000000000000") + n.to_bytes(8, "big")
    return bytes([10]) + n.to_bytes(3, "big")


def cid_mapper(n):
    """Connection IDs of copy-flow number n: the first 4 bytes XORed with n (same length)."""
    k = n.to_bytes(4, "big")
    return lambda cid: bytes(c ^ k[i] if i < 4 else c for i, c in enumerate(cid))


def packet(t, addr, cmap):
    """The IP packet of template t in a copy: client address addr, server port 443, CIDs mapped."""
    payload = rewrite(t.payload, t.plan, cmap) if t.plan else t.payload
    ip = bytearray(t.iphdr)
    if t.v6:
        off = 8 if t.from_client else 24
        ip[off:off + 16] = addr
        ip[4:6] = (8 + len(payload)).to_bytes(2, "big")
    else:
        off = 12 if t.from_client else 16
        ip[off:off + 4] = addr
        ip[2:4] = (len(ip) + 8 + len(payload)).to_bytes(2, "big")
        ip[10:12] = b"\0\0"
        ip[10:12] = ((~fold(words(ip))) & 0xFFFF).to_bytes(2, "big")
    sp, dp = (t.sport, 443) if t.from_client else (443, t.dport)
    udp = bytearray(struct.pack(">HHHH", sp, dp, 8 + len(payload), 0) + payload)
    udp[6:8] = udp_checksum(bytes(ip) + bytes(udp), t.v6, len(ip)).to_bytes(2, "big")
    return bytes(ip) + bytes(udp)


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__.split("\n\n")[1])
    out_path, want, spacing_us = argv[1], int(argv[2]), int(argv[3])
    files = []
    stats = collections.Counter(initials_reencrypted=0, initials_kept=0, retry_tag_kept=0)
    for path in argv[4:]:
        try:
            t, nflows = load(path, stats)
        except (OSError, ValueError, struct.error) as e:
            print("skipped=%s: %s" % (path, e))
            continue
        if t:
            files.append((path, t, nflows))
    if not files:
        sys.exit("quic-capture.py: no QUIC flow in the inputs")
    per_copy = sum(x.initials for _, ts, _ in files for x in ts if x.initials > 0)
    if per_copy == 0:
        sys.exit("quic-capture.py: the QUIC flows hold no client Initial")
    copies = -(-want // per_copy)
    ts_us = 1767225600 * 1_000_000  # 2026-01-01T00:00:00Z
    next_flow = 1
    packets = nbytes = flows = cinit = sinit = 0
    eth = {False: b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00",
           True: b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x86\xdd"}
    out = bytearray()
    with open(out_path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for _ in range(copies):
            for _, templates, nflows in files:
                per_flow = {}
                for t in templates:
                    a = per_flow.get(t.flow)
                    if a is None:
                        if next_flow >= 1 << 24:
                            sys.exit("quic-capture.py: more than 16 M flows; ask for fewer")
                        a = per_flow[t.flow] = (new_address(next_flow, t.v6),
                                                cid_mapper(next_flow))
                        next_flow += 1
                    ip = packet(t, a[0], a[1])
                    frame_len = 14 + len(ip)
                    out += struct.pack("<IIII", ts_us // 1_000_000, ts_us % 1_000_000,
                                       frame_len, frame_len)
                    out += eth[t.v6]
                    out += ip
                    ts_us += spacing_us
                    packets += 1
                    nbytes += frame_len
                    if t.initials > 0:
                        cinit += t.initials
                    else:
                        sinit -= t.initials
                flows += nflows
                if len(out) > 1 << 22:
                    f.write(out)
                    out.clear()
        f.write(out)
    print("copies=%d" % copies)
    print("packets=%d" % packets)
    print("flows=%d" % flows)
    print("client_initials=%d" % cinit)
    print("server_initials=%d" % sinit)
    print("bytes=%d" % (24 + 16 * packets + nbytes))
    print("initials_reencrypted_per_copy=%d" % stats["initials_reencrypted"])
    print("initials_kept_per_copy=%d" % stats["initials_kept"])
    print("retry_tags_kept_per_copy=%d" % stats["retry_tag_kept"])
    for path, templates, nflows in files:
        print("source=%s flows=%d packets=%d client_initials=%d" % (
            path, nflows, len(templates), sum(t.initials for t in templates if t.initials > 0)))


if __name__ == "__main__":
    main(sys.argv)
