#!/usr/bin/env python3
"""Makes fragmented variants of a classic pcap of Ethernet frames (samples/fragments/README.md).

  fragment.py ipv6-reverse SIZE in.pcap out.pcap
      every IPv6 packet longer than 40 + SIZE bytes is sent as IPv6 fragments of SIZE data bytes
      (a multiple of 8), last fragment first; other frames unchanged.
  fragment.py erspan SIZE in.pcap out.pcap
      every frame is mirrored as ERSPAN type II in GRE over IPv4 (192.0.2.1 -> 192.0.2.2), and
      every outer packet longer than 20 + SIZE bytes is sent as IPv4 fragments of SIZE data bytes,
      in order (what a mirror port does when the tunnel's path MTU is small).

Written for this repository with the standard library only: RFC 8200 section 4.5 (IPv6
fragment header), RFC 791 (IPv4 fragmentation), RFC 2784/2890 (GRE), the ERSPAN type II
header as Wireshark dissects it (version 1, VLAN, session, index).
"""
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        sys.exit(path + ": not a little-endian classic pcap")
    header = data[:24]
    if struct.unpack("<I", data[20:24])[0] != 1:
        sys.exit(path + ": link type is not Ethernet")
    records = []
    p = 24
    while p < len(data):
        sec, frac, incl, orig = struct.unpack("<IIII", data[p:p + 16])
        records.append((sec, frac, data[p + 16:p + 16 + incl]))
        p += 16 + incl
    return header, records


def write_pcap(path, header, records):
    with open(path, "wb") as f:
        f.write(header)
        for sec, frac, frame in records:
            f.write(struct.pack("<IIII", sec, frac, len(frame), len(frame)))
            f.write(frame)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_header(src, dst, proto, ident, flags_offset, payload_len):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, flags_offset, 64, proto,
                    0, src, dst)
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:]


def ipv6_reverse(size, records):
    out = []
    ident = 0x5000
    for sec, frac, frame in records:
        if len(frame) < 54 or frame[12:14] != b"\x86\xdd" or len(frame) - 54 <= size:
            out.append((sec, frac, frame))
            continue
        eth, ip = frame[:14], frame[14:]
        nxt = ip[6]
        payload = ip[40:40 + struct.unpack("!H", ip[4:6])[0]]
        ident += 1
        frags = []
        for off in range(0, len(payload), size):
            data = payload[off:off + size]
            more = 1 if off + size < len(payload) else 0
            fh = struct.pack("!BBHI", nxt, 0, off | more, ident)
            fixed = ip[:4] + struct.pack("!H", 8 + len(data)) + bytes([44]) + ip[7:40]
            frags.append((sec, frac, eth + fixed + fh + data))
        out.extend(reversed(frags))
    return out


def erspan(size, records):
    out = []
    src, dst = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    ident = 0x100
    for seq, (sec, frac, frame) in enumerate(records):
        gre = struct.pack("!HHI", 0x1000, 0x88BE, seq)  # S bit: ERSPAN type II
        header = struct.pack("!HHI", 0x1000 | 10, 5, 7)  # version 1, VLAN 10, session 5, index 7
        payload = gre + header + frame
        ident += 1
        if len(payload) <= size:
            out.append((sec, frac, eth + ipv4_header(src, dst, 47, ident, 0, len(payload)) + payload))
            continue
        for off in range(0, len(payload), size):
            data = payload[off:off + size]
            more = 0x2000 if off + size < len(payload) else 0
            h = ipv4_header(src, dst, 47, ident, more | (off >> 3), len(data))
            out.append((sec, frac, eth + h + data))
    return out


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("ipv6-reverse", "erspan"):
        sys.exit(__doc__)
    size = int(sys.argv[2])
    if size <= 0 or size % 8:
        sys.exit("SIZE is %s, expected a positive multiple of 8" % sys.argv[2])
    header, records = read_pcap(sys.argv[3])
    make = ipv6_reverse if sys.argv[1] == "ipv6-reverse" else erspan
    write_pcap(sys.argv[4], header, make(size, records))


if __name__ == "__main__":
    main()
