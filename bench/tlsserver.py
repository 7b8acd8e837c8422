#!/usr/bin/env python3
"""Benchmark TLS server (Python ssl stack), one thread per connection.

Used by bench/make-capture.sh inside its own network namespace. Answers any request with a
small HTTP/1.0 page, except "GET /bulk/<bytes>" which streams that many pseudo-random bytes
(for bulk transfers), then closes the connection.
"""
import argparse
import os
import socket
import socketserver
import ssl

CHUNK = os.urandom(1 << 16)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = self.server.ctx.wrap_socket(self.request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        try:
            conn.settimeout(30)
            req = b""
            while b"\r\n\r\n" not in req and len(req) < 8192:
                data = conn.recv(4096)
                if not data:
                    return
                req += data
            parts = req.split(b" ", 2)
            path = parts[1].decode("latin-1") if len(parts) > 1 else "/"
            if path.startswith("/bulk/"):
                size = int(path[6:]) if path[6:].isdigit() else 0
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
                             b"Content-Length: %d\r\n\r\n" % size)
                while size > 0:
                    n = min(size, len(CHUNK))
                    conn.sendall(CHUNK[:n])
                    size -= n
            else:
                body = b"<html><body>ja3sensor benchmark</body></html>\n"
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                             % len(body) + body)
            try:
                conn.unwrap()
            except (OSError, ssl.SSLError):
                pass
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            conn.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True, help="ip:port")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    a = ap.parse_args()
    host, port = a.listen.rsplit(":", 1)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    ctx.set_alpn_protocols(["http/1.1"])
    srv = Server((host, int(port)), Handler)
    srv.ctx = ctx
    srv.serve_forever()


if __name__ == "__main__":
    main()
