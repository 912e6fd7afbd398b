"""`vigie vulndb …`: the local vulnerability knowledge base used by the exposure checks.

    vigie vulndb import FILE…     NVD CVE 2.0 feeds (.json, .json.gz) and CISA KEV catalogues, recognised
    vigie vulndb stats            what the base holds
    vigie vulndb lookup CPE       the vulnerabilities of one CPE 2.3 name

`--db PATH` chooses the base (default `<VIGIE_DATA_DIR>/vulndb.sqlite3`). A bad file stops the import
with a message naming it and what is wrong (exit status 1); the files before it stay imported, each
file being one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigie.exposure.engine import VulnDB, VulnDBError


class Command(BaseCommand):
    help = "Import, inspect and query the vulnerability knowledge base (NVD 2.0, CISA KEV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--db", help="knowledge base file (default: <VIGIE_DATA_DIR>/vulndb.sqlite3)")
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="import NVD CVE 2.0 feeds or CISA KEV catalogues")
        load.add_argument("files", nargs="+", metavar="FILE")
        actions.add_parser("stats", help="count what the base holds")
        lookup = actions.add_parser("lookup", help="list the vulnerabilities of a CPE 2.3 name")
        lookup.add_argument("cpe", metavar="CPE")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["db"]) if options["db"] else Path(settings.DATA_DIR) / "vulndb.sqlite3"
        try:
            db = VulnDB.open(path)
        except VulnDBError as error:
            raise CommandError(str(error)) from error
        try:
            getattr(self, f"_{options['action']}")(db, options)
        except VulnDBError as error:
            raise CommandError(str(error)) from error
        finally:
            db.close()

    def _import(self, db: VulnDB, options: dict[str, Any]) -> None:
        for name in options["files"]:
            counts = db.import_file(name)
            if counts.kind == "nvd":
                self.stdout.write(f"{name}: NVD feed, {counts.vulnerabilities} CVE, "
                                  f"{counts.matches} vulnerable CPE matches")
            else:
                self.stdout.write(f"{name}: CISA KEV catalogue, {counts.vulnerabilities} entries")

    def _stats(self, db: VulnDB, options: dict[str, Any]) -> None:
        stats = db.stats()
        sources = ", ".join(f"{source} {count}" for source, count in sorted(stats.by_source.items()))
        self.stdout.write(f"{db.path}\nCVE: {stats.vulnerabilities} ({sources})\n"
                          f"vulnerable CPE matches: {stats.matches}\n"
                          f"KEV entries: {stats.kev} (catalogue {stats.kev_catalog or 'not imported'})")

    def _lookup(self, db: VulnDB, options: dict[str, Any]) -> None:
        found = db.lookup(options["cpe"])
        if not found:
            self.stdout.write(f"{options['cpe']}: no known vulnerability")
        for vuln in found:
            score = "?" if vuln.cvss is None else f"{vuln.cvss:.1f}"
            kev = " KEV" if vuln.kev else ""
            self.stdout.write(f"{vuln.cve}\tCVSS {score}{kev}\t{vuln.summary[:100]}")
