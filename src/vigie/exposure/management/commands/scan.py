"""`vigie scan exposure …`: scan internet exposure from the command line, with the engine only.

    vigie scan exposure ch-test.test 198.18.1.0/28 --scope ch-test.test --scope 198.18.1.0/24 \\
        --nameserver 198.18.0.53 --ports 22,80,443,8000-8100 --format html -o report.html

Progress goes to stderr, the report to stdout (or -o)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from vigie.core.management.engine import EngineCommand, Progress
from vigie.exposure.engine import ExposureError, Limits, Resolver, Scope, read_names, render_html, scan, to_json


def parse_ports(text: str) -> list[int]:
    """"22,80,8000-8100" -> the ports; CommandError naming the bad part."""
    ports: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        low, _, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise CommandError(f"--ports: {part!r} is not a port or a range") from None
        if not (1 <= first <= last <= 65535):
            raise CommandError(f"--ports: {part!r} is outside 1-65535")
        ports.extend(range(first, last + 1))
    return list(dict.fromkeys(ports))


class Command(EngineCommand):
    help = "Scan internet exposure: `scan exposure TARGET… --scope ENTRY…` (engine only, no database)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        exposure = sub.add_parser("exposure", help="ports, services, TLS, HTTP and DNS of the targets")
        exposure.add_argument("targets", nargs="+", help="domains, host names, addresses or CIDR ranges")
        exposure.add_argument("--scope", action="append", required=True,
                              help="an attested scope entry (domain, =host, address, CIDR); repeat")
        exposure.add_argument("--ports", help="e.g. 22,80,443,8000-8100 (default: Vigie's list)")
        exposure.add_argument("--nameserver", action="append", default=[], help="DNS server to ask; repeat")
        exposure.add_argument("--names-file", type=Path, help="names to follow: a CT export or any text file")
        exposure.add_argument("--wordlist", type=Path, help="subdomain words, one a line")
        exposure.add_argument("--ca-file", help="trust store for certificate verification")
        exposure.add_argument("--timeout", type=float, default=Limits().connect_timeout)
        exposure.add_argument("--concurrency", type=int, default=Limits().concurrency)
        exposure.add_argument("--rate", type=float, default=0.0, help="new connections per second per host")
        exposure.add_argument("--retries", type=int, default=Limits().retries)
        exposure.add_argument("--workers", type=int, default=Limits().workers,
                              help="port-scan processes, hosts shared among them (default 0: one per CPU)")
        exposure.add_argument("--format", choices=("json", "html"), default="json")
        exposure.add_argument("-o", "--output", type=Path)
        exposure.add_argument("--progress", action="store_true", help="show progress even when stderr is no tty")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 0:
            raise CommandError(f"--workers: {options['workers']} is negative (0: one per CPU, 1: no extra process)")
        try:
            scope = Scope.from_entries(options["scope"])
        except ExposureError as exc:
            raise CommandError(f"--scope {exc}") from None
        names: tuple[str, ...] = ()
        words: tuple[str, ...] | None = None
        try:
            if options["names_file"]:
                names = read_names(options["names_file"].read_text(encoding="utf-8", errors="replace"))
            if options["wordlist"]:
                words = tuple(w.strip() for w in options["wordlist"].read_text(encoding="utf-8").splitlines()
                              if w.strip() and not w.startswith("#"))
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror}") from None
        limits = Limits(connect_timeout=options["timeout"], concurrency=options["concurrency"],
                        rate_per_host=options["rate"], retries=options["retries"], workers=options["workers"])
        progress = Progress(sys.stderr, options["progress"] or sys.stderr.isatty())
        resolver = Resolver(tuple(options["nameserver"])) if options["nameserver"] else None
        try:
            result = scan(options["targets"], scope=scope, ports=parse_ports(options["ports"]) if options["ports"] else None,
                          limits=limits, resolver=resolver, names=names, wordlist=words, on_progress=progress,
                          cafile=options["ca_file"])
        except ExposureError as exc:
            raise CommandError(str(exc)) from None
        finally:
            progress.close()
        text = to_json(result) if options["format"] == "json" else render_html(result)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)
