"""HTTP(S): one GET per path, Location resolved but followed only within scope."""

from __future__ import annotations

import html
import re
import socket
import ssl
from urllib.parse import urljoin, urlsplit

from .._model import HttpResponse
from ..limits import Limits
from ..net import Connector
from . import tls as tlsprobe

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
MAX_BODY = 64 * 1024


def read_all(sock: socket.socket, limit: int) -> bytes:
    data = b""
    while len(data) < limit:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, socket.timeout, ssl.SSLError, OSError):
            break
        if not chunk:
            break
        data += chunk
    return data


def get(connector: Connector, address: str, port: int, path: str, *, host: str, secure: bool,
        limits: Limits) -> HttpResponse | None:
    """GET `path`; None when the answer is not HTTP."""
    sock = connector.connect(address, port, limits.read_timeout)
    try:
        if secure:
            sock = tlsprobe.wrap(sock, host if host and not host[0].isdigit() and ":" not in host else "")
        hostport = host if port in (80, 443) else f"{host}:{port}"
        request = (f"GET {path} HTTP/1.1\r\nHost: {hostport}\r\nUser-Agent: Vigie exposure scanner\r\n"
                   "Accept: */*\r\nConnection: close\r\n\r\n")
        sock.sendall(request.encode("ascii", "replace"))
        raw = read_all(sock, MAX_BODY + 16384)
    except (OSError, ssl.SSLError):
        return None
    finally:
        sock.close()
    return parse(raw, f"{'https' if secure else 'http'}://{hostport}{path}")


def parse(raw: bytes, url: str) -> HttpResponse | None:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    match = re.match(rb"HTTP/\d(?:\.\d)? (\d{3})", lines[0]) if lines else None
    if not match:
        return None
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            headers.append((name.decode("latin-1").strip(), value.decode("latin-1").strip()))
    if any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers):
        body = _dechunk(body)
    title_match = _TITLE.search(body)
    title = html.unescape(title_match.group(1).decode("utf-8", "replace")).strip()[:300] if title_match else ""
    location = next((v for k, v in headers if k.lower() == "location"), "")
    return HttpResponse(url=url, status=int(match.group(1)), headers=tuple(headers), title=" ".join(title.split()),
                        body=body[:MAX_BODY].decode("utf-8", "replace"), location=urljoin(url, location) if location else "")


def _dechunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            return out + body
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return out


def redirect_host(response: HttpResponse) -> str:
    return (urlsplit(response.location).hostname or "") if response.location else ""


FRAMEWORKS: tuple[tuple[str, str, str], ...] = (
    # (where: header name or "body", marker, framework)
    ("x-powered-by", "php", "PHP"), ("x-powered-by", "asp.net", "ASP.NET"), ("x-aspnet-version", "", "ASP.NET"),
    ("x-powered-by", "express", "Express"), ("set-cookie", "jsessionid", "Java servlet"),
    ("set-cookie", "phpsessid", "PHP"), ("set-cookie", "csrftoken", "Django"), ("x-generator", "drupal", "Drupal"),
    ("body", "wp-content", "WordPress"), ("body", "/owa/", "Outlook Web App"), ("body", "fortinet", "Fortinet"),
    ("body", "citrix", "Citrix"), ("body", "webmin", "Webmin"), ("body", "glpi", "GLPI"),
)


def frameworks(response: HttpResponse) -> tuple[str, ...]:
    found: list[str] = []
    for where, marker, name in FRAMEWORKS:
        text = response.body.lower() if where == "body" else response.header(where).lower()
        if (text and marker in text) or (not marker and text):
            found.append(name)
    return tuple(dict.fromkeys(found))
