#!/usr/bin/env python3
"""Out-of-order and duplicated QUIC Initials from a real capture, for the sample
chromium-quic-reordered.

Usage: reorder.py IN.pcap OUT.pcap SERVER_PORT
For every UDP flow to SERVER_PORT, the client's first two datagrams (Chromium's ClientHello spans
two Initials) are swapped, and the first one is repeated right after them. Timestamps stay with
their slots, so the file stays in time order. Only the record order changes: no byte of any
packet is altered. Reads and writes classic pcap (Ethernet or raw IP; IPv4, IPv6 without extension
headers) only.
"""
import struct
import sys


def udp_ports(linktype, data):
    if linktype == 1:  # Ethernet
        if len(data) < 14 or data[12:14] not in (b"\x08\x00", b"\x86\xdd"):
            return None
        ip = data[14:]
    elif linktype == 101:  # raw IP
        ip = data
    else:
        raise SystemExit("link type %d not handled" % linktype)
    if len(ip) >= 28 and ip[0] >> 4 == 4 and ip[9] == 17:
        ihl = (ip[0] & 15) * 4
        return ip[12:16], struct.unpack(">HH", ip[ihl:ihl + 4])
    if len(ip) >= 48 and ip[0] >> 4 == 6 and ip[6] == 17:  # no extension headers
        return ip[8:24], struct.unpack(">HH", ip[40:44])
    return None


def main(src, dst, port):
    with open(src, "rb") as f:
        raw = f.read()
    magic = raw[:4]
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
              b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
    if endian is None:
        raise SystemExit("%s: not a classic pcap file" % src)
    linktype = struct.unpack(endian + "I", raw[20:24])[0]
    records, pos = [], 24
    while pos < len(raw):
        ts_sec, ts_frac, incl, orig = struct.unpack(endian + "IIII", raw[pos:pos + 16])
        records.append([(ts_sec, ts_frac), raw[pos + 16:pos + 16 + incl], orig])
        pos += 16 + incl
    first_two = {}
    for i, (_, data, _) in enumerate(records):
        p = udp_ports(linktype, data)
        if p and p[1][1] == port:
            key = (p[0], p[1][0])
            if len(first_two.setdefault(key, [])) < 2:
                first_two[key].append(i)
    inserts = {}
    for key, idx in first_two.items():
        if len(idx) < 2:
            raise SystemExit("flow %s sends fewer than two datagrams" % (key,))
        a, b = idx
        da, oa = records[a][1], records[a][2]
        records[a][1], records[a][2] = records[b][1], records[b][2]
        records[b][1], records[b][2] = da, oa
        inserts[b] = [records[b][0], da, oa]
    out = [raw[:24]]
    for i, (ts, data, orig) in enumerate(records):
        for r in [(ts, data, orig)] + ([tuple(inserts[i])] if i in inserts else []):
            out.append(struct.pack(endian + "IIII", r[0][0], r[0][1], len(r[1]), r[2]) + r[1])
    with open(dst, "wb") as f:
        f.write(b"".join(out))
    print("%s: %d flows, first two client datagrams swapped, first repeated" % (dst, len(first_two)))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: reorder.py IN.pcap OUT.pcap SERVER_PORT")
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
