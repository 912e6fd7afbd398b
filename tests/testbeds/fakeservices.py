"""Small servers that answer like the real daemons do, for the exposure testbed. Run inside a test
network namespace:  python -m tests.testbeds.fakeservices ADDRESS CERTDIR PORT:KIND [PORT:KIND…]

KIND is one of SERVERS' keys; https-* kinds use CERTDIR/<kind>.pem (certificate and key)."""

from __future__ import annotations

import socket
import socketserver
import ssl
import struct
import sys
import threading
from collections.abc import Callable

Handler = Callable[[socket.socket], None]


def _http(body: str, *, status: str = "200 OK", server: str = "nginx/1.22.1", headers: str = "",
          content_type: str = "text/html; charset=utf-8") -> Handler:
    def handle(conn: socket.socket) -> None:
        request = conn.recv(4096)
        if not request.startswith(b"GET"):
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        data = body.encode()
        conn.sendall(f"HTTP/1.1 {status}\r\nServer: {server}\r\nContent-Type: {content_type}\r\n{headers}"
                     f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
    return handle


def _pages(pages: dict[str, tuple[str, str, str]], server: str = "nginx/1.22.1") -> Handler:
    """A web server with a page per path: path -> (status, extra header lines, body); others 404."""
    def handle(conn: socket.socket) -> None:
        request = conn.recv(4096)
        parts = request.split(b" ")
        path = parts[1].decode("latin-1") if request.startswith(b"GET") and len(parts) > 1 else ""
        status, headers, body = pages.get(path, ("404 Not Found", "", "<html><title>Not found</title></html>"))
        data = body.encode()
        conn.sendall(f"HTTP/1.1 {status}\r\nServer: {server}\r\nContent-Type: text/html; charset=utf-8\r\n{headers}"
                     f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
    return handle


def _banner(text: bytes, reply: bytes = b"") -> Handler:
    def handle(conn: socket.socket) -> None:
        conn.sendall(text)
        try:
            if conn.recv(1024) and reply:
                conn.sendall(reply)
        except OSError:
            pass
    return handle


def _redis(auth: bool) -> Handler:
    def handle(conn: socket.socket) -> None:
        while True:
            line = conn.recv(1024)
            if not line:
                return
            if auth:
                conn.sendall(b"-NOAUTH Authentication required.\r\n")
            elif line.upper().startswith(b"PING"):
                conn.sendall(b"+PONG\r\n")
            elif line.upper().startswith(b"INFO"):
                info = b"# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n"
                conn.sendall(b"$%d\r\n%s\r\n" % (len(info), info))
    return handle


def _postgresql(conn: socket.socket) -> None:
    if conn.recv(8) == struct.pack("!II", 8, 80877103):
        conn.sendall(b"N")


def _rdp(conn: socket.socket) -> None:
    conn.recv(1024)
    neg = struct.pack("<BBHI", 2, 0, 8, 2)  # RDP_NEG_RSP, CredSSP selected (NLA)
    x224 = bytes([len(neg) + 6, 0xD0, 0, 0, 0x12, 0x34, 0]) + neg
    conn.sendall(struct.pack("!BBH", 3, 0, len(x224) + 4) + x224)


def _smb(conn: socket.socket) -> None:
    conn.recv(4096)
    header = b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ16s", 64, 0, 0, 0, 1, 1, 0, 0, 0xFEFF, 0, 0, b"")
    body = struct.pack("<HHHH16sIIII", 65, 1, 0x0302, 0, b"vigie-testbed-smb", 0, 65536, 65536, 65536)
    body += bytes(16) + struct.pack("<HHI", 128, 0, 0)
    packet = header + body
    conn.sendall(struct.pack("!I", len(packet)) + packet)


def _bson(items: list[tuple[str, object]]) -> bytes:
    out = b""
    for key, value in items:
        name = key.encode() + b"\x00"
        if isinstance(value, bool):
            out += b"\x08" + name + (b"\x01" if value else b"\x00")
        elif isinstance(value, int):
            out += b"\x10" + name + struct.pack("<i", value)
        elif isinstance(value, float):
            out += b"\x01" + name + struct.pack("<d", value)
        else:
            text = str(value).encode() + b"\x00"
            out += b"\x02" + name + struct.pack("<i", len(text)) + text
    return struct.pack("<i", len(out) + 5) + out + b"\x00"


def _mongodb(conn: socket.socket) -> None:
    while True:
        head = conn.recv(16)
        if len(head) < 16:
            return
        length, request_id = struct.unpack("<ii", head[:8])
        rest = b""
        while len(rest) < length - 16:
            rest += conn.recv(length - 16 - len(rest))
        if b"isMaster" in rest:
            doc = _bson([("ismaster", True), ("maxWireVersion", 17), ("ok", 1.0)])
        elif b"buildinfo" in rest:
            doc = _bson([("version", "6.0.14"), ("ok", 1.0)])
        else:
            doc = _bson([("totalSize", 0), ("ok", 1.0)])
        reply = struct.pack("<iqii", 8, 0, 0, 1) + doc
        conn.sendall(struct.pack("<iiii", 16 + len(reply), 1, request_id, 1) + reply)


def _ber(tag: int, value: bytes) -> bytes:
    return bytes([tag, len(value)]) + value if len(value) < 128 else bytes([tag, 0x81, len(value)]) + value


def _ldap(conn: socket.socket) -> None:
    conn.recv(4096)
    attribute = _ber(0x30, _ber(0x04, b"namingContexts") + _ber(0x31, _ber(0x04, b"dc=ch-test,dc=test")))
    version = _ber(0x30, _ber(0x04, b"supportedLDAPVersion") + _ber(0x31, _ber(0x04, b"3")))
    entry = _ber(0x64, _ber(0x04, b"") + _ber(0x30, attribute + version))
    done = _ber(0x65, b"\x0a\x01\x00" + _ber(0x04, b"") + _ber(0x04, b""))
    conn.sendall(_ber(0x30, b"\x02\x01\x01" + entry) + _ber(0x30, b"\x02\x01\x01" + done))


def _dicom(conn: socket.socket) -> None:
    request = conn.recv(4096)
    if request[:1] != b"\x01":
        return
    body = request[6:74]  # protocol version, reserved, called and calling AE titles, reserved
    conn.sendall(struct.pack("!BBI", 0x02, 0, len(body)) + body)
    conn.recv(64)


def _hl7(conn: socket.socket) -> None:
    if conn.recv(4096).startswith(b"\x0b"):
        ack = b"MSH|^~\\&|PACS|CH-TEST|VIGIE|VIGIE|20260101000000||ACK^A19|ACK1|P|2.5\rMSA|AA|VIGIE1\r"
        conn.sendall(b"\x0b" + ack + b"\x1c\r")


MYSQL = (b"\x0a5.5.5-10.11.6-MariaDB-0+deb12u1\x00" + struct.pack("<I", 7) + b"abcdefgh\x00"
         + b"\xfe\xf7\x08\x02\x00\xff\x81\x15" + bytes(10) + b"ijklmnopqrst\x00mysql_native_password\x00")
ELASTIC = ('{"name":"es1","cluster_name":"dpi","version":{"number":"7.17.9","lucene_version":"8.11.1"},'
           '"tagline":"You Know, for Search"}')

SERVERS: dict[str, Handler] = {
    "http": _http("<html><head><title>Portail patient</title></head><body>Bienvenue</body></html>"),
    "http-apache": _http("<html><head><title>Apache2 Debian Default Page</title></head></html>",
                         server="Apache/2.4.62 (Debian)"),
    "elasticsearch": _http(ELASTIC, content_type="application/json"),
    "redis": _redis(auth=False),
    "redis-auth": _redis(auth=True),
    "postgresql": _postgresql,
    "rdp": _rdp,
    "smb": _smb,
    "mongodb": _mongodb,
    "ldap": _ldap,
    "dicom": _dicom,
    "hl7": _hl7,
    "mysql": _banner(struct.pack("<I", len(MYSQL))[:3] + b"\x00" + MYSQL),
    "telnet": _banner(b"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27"),
    "vnc": _banner(b"RFB 003.008\n"),
    "ftp": _banner(b"220 (vsFTPd 3.0.3)\r\n", b"530 Please login with USER and PASS.\r\n"),
    "smtp": _banner(b"220 mail.ch-test.test ESMTP Postfix (Debian/GNU)\r\n", b"250 mail.ch-test.test\r\n"),
    # the weak and clean web hosts of the checks tests
    "http-weak": _pages({
        "/": ("200 OK", "", '<html><head><title>Intranet</title></head><body><form method="post">'
                            '<input name="login"><input type="password" name="pw"></form></body></html>'),
        "/backup/": ("200 OK", "", "<html><head><title>Index of /backup</title></head><body>"
                                   '<a href="dump.sql">dump.sql</a></body></html>'),
        "/phpmyadmin/": ("200 OK", "", "<html><head><title>phpMyAdmin</title></head></html>"),
    }, server="Apache/2.4.49 (Unix)"),
    "http-redirect": _pages({"/": ("301 Moved Permanently", "Location: https://securise.ch-test.test/\r\n", "")}),
    "https-strict": _pages({"/": ("200 OK", "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n",
                                  "<html><head><title>Portail s\u00e9curis\u00e9</title></head><body>Bienvenue</body></html>")}),
}
TLS_KINDS = ("https-good", "https-expired", "https-self", "https-strict", "https-legacy", "https-old",
             "https-chain", "https-chain-short", "https-chain-expired", "https-weak-ciphers")
# offer TLS 1.0/1.1 and every suite OpenSSL still has (security level 0): the weak hosts
LEGACY_TLS = ("https-legacy", "https-old")
# TLS 1.2 with a strong suite first, then two that the checks call weak: NULL encryption (eNULL, which
# "ALL" leaves out) and RSA key exchange (no forward secrecy). Debian's OpenSSL 3 no longer has 3DES or RC4.
WEAK_SUITES = "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:NULL-SHA256:@SECLEVEL=0"


def serve(address: str, port: int, kind: str, certdir: str) -> socketserver.ThreadingTCPServer:
    handler = SERVERS.get(kind, SERVERS["http"]) if kind.startswith("https") else SERVERS[kind]
    context: ssl.SSLContext | None = None
    if kind.startswith("https"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if kind in LEGACY_TLS:
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.set_ciphers("ALL:@SECLEVEL=0")
        elif kind == "https-weak-ciphers":
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.maximum_version = ssl.TLSVersion.TLSv1_2  # TLS 1.3 suites are all strong
            context.set_ciphers(WEAK_SUITES)
        # the scanner's old-TLS host reuses the good certificate; the checks' one has its own
        context.load_cert_chain(f"{certdir}/{'https-good' if kind == 'https-old' else kind}.pem")

    class Handle(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            conn: socket.socket = self.request
            conn.settimeout(5)
            try:
                if context is not None:
                    conn = context.wrap_socket(conn, server_side=True)
                handler(conn)
            except (OSError, ssl.SSLError, struct.error):
                pass

    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    class Server(socketserver.ThreadingTCPServer):
        address_family = family
        allow_reuse_address = True
        daemon_threads = True
        request_queue_size = 128

    server = Server((address, port), Handle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str]) -> None:
    addresses, certdir, specs = argv[0].split(","), argv[1], argv[2:]
    for spec in specs:
        port, kind = spec.split(":", 1)
        for address in addresses:
            serve(address, int(port), kind, certdir)
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
