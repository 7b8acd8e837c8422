#!/usr/bin/env python3
"""False-alert measurement helper (docs/detection.md): rewrites a classic pcap recorded on
loopback so that every TCP connection's client is in HOME_NET and its server outside, then the
caller reads it with ja3sensor's shipped database and counts alerts:

  bench/false-alerts.py IN.pcap OUT.pcap [SERVER_PORT ...]     (default ports 443 8443 9443 10443)
  java -jar sensor/target/ja3sensor.jar read -q OUT.pcap | python3 -c '...count...'

IPv4 frames only (Ethernet): the side on a server port gets 203.0.113.<last octet of its address>,
the other side 10.1.2.<last octet>; the IPv4 header checksum is recomputed (ja3sensor does not
check TCP checksums, which are left as they were). IPv6 frames are copied unchanged.
"""
import struct
import sys


def ip_checksum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    src, dst = sys.argv[1], sys.argv[2]
    ports = {int(p) for p in sys.argv[3:]} or {443, 8443, 9443, 10443}
    with open(src, "rb") as f, open(dst, "wb") as o:
        gh = f.read(24)
        magic, = struct.unpack("<I", gh[:4])
        if magic != 0xA1B2C3D4 or struct.unpack("<I", gh[20:24])[0] != 1:
            sys.exit(f"{src}: expected a little-endian microsecond pcap of Ethernet frames")
        o.write(gh)
        n = 0
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                break
            caplen = struct.unpack("<I", rh[8:12])[0]
            frame = bytearray(f.read(caplen))
            if caplen >= 54 and frame[12:14] == b"\x08\x00" and frame[23] == 6:
                ihl = (frame[14] & 0x0F) * 4
                t = 14 + ihl
                sport, dport = struct.unpack("!HH", frame[t:t + 4])
                from_server = sport in ports
                if from_server or dport in ports:
                    s_ip, d_ip = frame[26:30], frame[30:34]
                    server, client = (s_ip, d_ip) if from_server else (d_ip, s_ip)
                    new_server = bytes([203, 0, 113, server[3]])
                    new_client = bytes([10, 1, 2, client[3]])
                    frame[26:30] = new_server if from_server else new_client
                    frame[30:34] = new_client if from_server else new_server
                    frame[24:26] = b"\x00\x00"
                    frame[24:26] = struct.pack("!H", ip_checksum(bytes(frame[14:14 + ihl])))
                    n += 1
            o.write(rh)
            o.write(frame)
    print(f"{n} frames rewritten", file=sys.stderr)


if __name__ == "__main__":
    main()
