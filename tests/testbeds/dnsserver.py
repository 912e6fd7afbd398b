"""A small DNS server (dnspython) for the exposure testbed, run inside a test namespace:

    python -m tests.testbeds.dnsserver ADDRESS [--port N] [--open-resolver] [--version TEXT] [ZONEFILE[:axfr]…]

Answers UDP and TCP queries from the zones; AXFR over TCP only for zones marked `:axfr`, REFUSED
otherwise. By default it is authoritative only: names outside every zone get REFUSED, no RA flag.
With --open-resolver it plays a resolver left open to anyone: RA on every reply, and a recursive query
(RD) for a name outside its zones is answered by the server itself (A 127.0.0.1, AAAA ::1, PTR
localhost., nothing for other types), never by asking another server. With --version it tells TEXT to
a CHAOS TXT `version.bind` query (REFUSED otherwise, like a server that hides its version)."""

from __future__ import annotations

import argparse
import socket
import socketserver
import struct
import sys
import threading

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

ZONES: dict[dns.name.Name, tuple[dns.zone.Zone, bool]] = {}
SETTINGS = {"open_resolver": False, "version": ""}
VERSION_BIND = dns.name.from_text("version.bind.")
# what the open resolver answers, by itself, for any name outside its zones
SELF_ANSWERS = {dns.rdatatype.A: "127.0.0.1", dns.rdatatype.AAAA: "::1", dns.rdatatype.PTR: "localhost."}


def _zone_for(name: dns.name.Name) -> tuple[dns.zone.Zone, bool] | None:
    best = None
    for origin, entry in ZONES.items():
        if name.is_subdomain(origin) and (best is None or len(origin) > len(best[0])):
            best = (origin, entry)
    return best[1] if best else None


def answer(wire: bytes, tcp: bool) -> list[bytes]:
    query = dns.message.from_wire(wire)
    response = dns.message.make_response(query)
    question = query.question[0]
    if SETTINGS["open_resolver"]:
        response.flags |= dns.flags.RA
    if question.rdclass == dns.rdataclass.CH:
        return [_chaos(question, response).to_wire()]
    found = _zone_for(question.name)
    if found is None:
        if SETTINGS["open_resolver"] and question.rdtype != dns.rdatatype.AXFR:
            return [_resolved(query, question, response).to_wire()]
        response.set_rcode(dns.rcode.REFUSED)
        return [response.to_wire()]
    response.flags |= dns.flags.AA
    zone, axfr = found
    if question.rdtype == dns.rdatatype.AXFR:
        if not (tcp and axfr and question.name == zone.origin):
            response.set_rcode(dns.rcode.REFUSED)
            return [response.to_wire()]
        soa = zone.find_rrset(zone.origin, "SOA")
        response.answer.append(soa)
        for name, node in zone.nodes.items():
            for rdataset in node.rdatasets:
                if rdataset.rdtype != dns.rdatatype.SOA or name != zone.origin:
                    response.answer.append(zone.find_rrset(name, rdataset.rdtype))
        response.answer.append(soa)
        return [response.to_wire()]
    relative = question.name
    node = zone.get_node(relative)
    if node is None:
        response.set_rcode(dns.rcode.NXDOMAIN)
        response.authority.append(zone.find_rrset(zone.origin, "SOA"))
        return [response.to_wire()]
    rdataset = None
    for candidate in node.rdatasets:
        if candidate.rdtype == question.rdtype:
            rdataset = candidate
    cname = next((c for c in node.rdatasets if c.rdtype == dns.rdatatype.CNAME), None)
    if rdataset is not None:
        response.answer.append(_absolute(zone, relative, rdataset.rdtype))
    elif cname is not None:
        response.answer.append(_absolute(zone, relative, dns.rdatatype.CNAME))
    return [response.to_wire()]


def _chaos(question: dns.rrset.RRset, response: dns.message.Message) -> dns.message.Message:
    if SETTINGS["version"] and question.name == VERSION_BIND and question.rdtype == dns.rdatatype.TXT:
        response.flags |= dns.flags.AA
        text = '"' + str(SETTINGS["version"]).replace('"', '') + '"'
        response.answer.append(dns.rrset.from_text(VERSION_BIND, 0, dns.rdataclass.CH, dns.rdatatype.TXT, text))
    else:
        response.set_rcode(dns.rcode.REFUSED)
    return response


def _resolved(query: dns.message.Message, question: dns.rrset.RRset,
              response: dns.message.Message) -> dns.message.Message:
    """The open resolver's own answer to a name outside its zones (without RD: what an empty cache has)."""
    value = SELF_ANSWERS.get(question.rdtype)
    if query.flags & dns.flags.RD and value is not None:
        response.answer.append(dns.rrset.from_text(question.name, 60, dns.rdataclass.IN, question.rdtype, value))
    return response


def _absolute(zone: dns.zone.Zone, relative: dns.name.Name, rdtype: int) -> dns.rrset.RRset:
    return zone.find_rrset(relative, rdtype)


class Udp(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        for wire in answer(data, tcp=False):
            sock.sendto(wire, self.client_address)


class Tcp(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(5)
        try:
            while True:
                head = conn.recv(2)
                if len(head) < 2:
                    return
                (length,) = struct.unpack("!H", head)
                wire = b""
                while len(wire) < length:
                    chunk = conn.recv(length - len(wire))
                    if not chunk:
                        return
                    wire += chunk
                for reply in answer(wire, tcp=True):
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.testbeds.dnsserver")
    parser.add_argument("address")
    parser.add_argument("zones", nargs="*", metavar="ZONEFILE[:axfr]")
    parser.add_argument("--open-resolver", action="store_true")
    parser.add_argument("--version", default="")
    parser.add_argument("--port", type=int, default=53)
    args = parser.parse_args(argv)
    address = args.address
    SETTINGS["open_resolver"], SETTINGS["version"] = args.open_resolver, args.version
    for spec in args.zones:
        path, _, flag = spec.partition(":")
        zone = dns.zone.from_file(path, relativize=False)
        ZONES[zone.origin] = (zone, flag == "axfr")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    class UdpServer(socketserver.ThreadingUDPServer):
        address_family = family
        allow_reuse_address = True

    class TcpServer(socketserver.ThreadingTCPServer):
        address_family = family
        allow_reuse_address = True
        daemon_threads = True

    for server in (UdpServer((address, args.port), Udp), TcpServer((address, args.port), Tcp)):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
