#!/usr/bin/env python3
"""Benchmark TLS client: many short handshakes from Python's ssl stack.

Used by bench/make-capture.sh inside its own network namespace; it only connects to the
addresses given on the command line. Each connection: TCP connect, TLS handshake with a
configuration drawn (seeded) from a small set of variants, one HTTP/1.0 GET, read to EOF.

With --fixed-port P the client binds every connection to source port P (SO_REUSEADDR),
so consecutive connections to the same server reuse the same 4-tuple within seconds, as
busy clients do. Prints "ok=N failed=M" at the end.
"""
import argparse
import os
import random
import socket
import ssl
import sys
import time

TLS12_CIPHERS = [
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE+AESGCM:ECDHE+CHACHA20:ECDHE+AES",
    "DEFAULT",
]
ALPNS = [None, ["http/1.1"], ["h2", "http/1.1"]]
SNIS = ["bench.test", "www.bench.test", "api.bench.test", "cdn.bench.test", None]


def make_contexts(rng):
    contexts = []
    for version in ("1.2", "1.3", "any"):
        for ciphers in TLS12_CIPHERS:
            for alpn in ALPNS:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                if version == "1.2":
                    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
                elif version == "1.3":
                    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
                ctx.set_ciphers(ciphers)
                if alpn:
                    ctx.set_alpn_protocols(alpn)
                contexts.append(ctx)
    rng.shuffle(contexts)
    return contexts


def one(ctx, host, port, sni, fixed_port, bind_ip, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if fixed_port or bind_ip:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((bind_ip or "0.0.0.0", fixed_port or 0))
        s.connect((host, port))
        with ctx.wrap_socket(s, server_hostname=sni) as t:
            t.sendall(b"GET / HTTP/1.0\r\nHost: bench.test\r\n\r\n")
            while t.recv(65536):
                pass
        return True
    except (OSError, ssl.SSLError):
        return False
    finally:
        s.close()


def progress(path, ok):
    with open(path + ".tmp", "w") as f:
        f.write(f"{ok}\n")
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", action="append", required=True, help="host:port, repeatable")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=0, help="also stop after this long (0: no limit)")
    ap.add_argument("--stop-file", help="stop when this file exists")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fixed-port", type=int, default=0)
    ap.add_argument("--bind-ip", default="")
    ap.add_argument("--pause", type=float, default=0.0, help="sleep between connections")
    ap.add_argument("--progress-file", help="rewritten with the number of successful connections")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    contexts = make_contexts(rng)
    targets = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in a.target]
    ok = failed = 0
    start = time.monotonic()
    for i in range(a.count):
        if a.stop_file and os.path.exists(a.stop_file):
            break
        if a.seconds and time.monotonic() - start > a.seconds:
            break
        host, port = rng.choice(targets)
        if one(rng.choice(contexts), host, port, rng.choice(SNIS), a.fixed_port, a.bind_ip, 5.0):
            ok += 1
        else:
            failed += 1
        if a.progress_file and (ok + failed) % 20 == 0:
            progress(a.progress_file, ok)
        if a.pause:
            time.sleep(a.pause)
    if a.progress_file:
        progress(a.progress_file, ok)
    print(f"ok={ok} failed={failed}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
