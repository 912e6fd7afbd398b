"""`vigie audit ad …`: audit an Active Directory from the command line, with the engine only.

    vigie audit ad --server dc1.example --port 636 --security ldaps --user audit@example \\
        --password-file pw.txt [--ca-file ca.pem | --insecure] [--snapshot out.jsonl.gz] --format json
    vigie audit ad --server 10.0.0.5 --security plain-signed --auth kerberos --kerberos-host dc1.example \
        --user audit@EXAMPLE --password-file pw.txt     # or no password: the kinit ticket cache
    vigie audit ad --from-snapshot ad.jsonl.gz --format html

Progress goes to stderr, the report to stdout (or --output).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from vigie.core.management.engine import EngineCommand, Progress
from vigie.directory.engine import (
    ConnectionSettings,
    DirectoryError,
    analyse,
    collect,
    load_snapshot,
    render_html,
    to_json,
)


class Command(EngineCommand):
    help = "Audit a directory: `audit ad --server … | --from-snapshot …` (engine only, no database)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        ad = sub.add_parser("ad", help="Active Directory (ANSSI checkpoints, levels 1-5)")
        ad.add_argument("--server")
        ad.add_argument("--port", type=int, default=0)
        ad.add_argument("--security", choices=("ldaps", "starttls", "plain-signed"), default="ldaps")
        ad.add_argument("--auth", choices=("simple", "ntlm", "kerberos"), default="simple")
        ad.add_argument("--user", default="")
        ad.add_argument("--password-file", type=Path, help="file holding the password (first line)")
        ad.add_argument("--base-dn")
        ad.add_argument("--kerberos-host", help="DC host name of the ldap/ service principal when --server is "
                                                "an address (the KDC comes from krb5.conf, KRB5_CONFIG)")
        tls = ad.add_mutually_exclusive_group()
        tls.add_argument("--ca-file", type=Path)
        tls.add_argument("--insecure", action="store_true", help="accept any server certificate")
        ad.add_argument("--snapshot", type=Path, help="keep the collected snapshot in this file")
        ad.add_argument("--from-snapshot", type=Path, help="analyse this snapshot instead of collecting")
        ad.add_argument("--format", choices=("json", "html"), default="json")
        ad.add_argument("--output", type=Path, help="write the report here instead of stdout")
        ad.add_argument("--progress", choices=("auto", "always", "never"), default="auto")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            report = self._audit(o)
        except DirectoryError as exc:
            raise CommandError(str(exc)) from None
        if o["output"]:
            o["output"].write_text(report, encoding="utf-8")
        else:
            self.stdout.write(report, ending="" if report.endswith("\n") else "\n")

    def _audit(self, o: dict[str, Any]) -> str:
        err = sys.stderr
        enabled = o["progress"] == "always" or (o["progress"] == "auto" and err.isatty())
        progress = Progress(err, enabled, width=28)
        if o["from_snapshot"]:
            path = o["from_snapshot"]
            result = analyse(load_snapshot(path))
        else:
            if not o["server"]:
                raise CommandError("--server or --from-snapshot is required")
            password = ""
            if o["password_file"]:
                try:
                    password = o["password_file"].read_text(encoding="utf-8").splitlines()[0]
                except (OSError, IndexError) as exc:
                    raise CommandError(f"cannot read the password file: {exc}") from None
            settings = ConnectionSettings(
                o["server"], port=o["port"], security=o["security"], auth=o["auth"], username=o["user"],
                password=password, base_dn=o["base_dn"], ca_file=o["ca_file"], verify_tls=not o["insecure"],
                kerberos_host=o["kerberos_host"])
            with tempfile.TemporaryDirectory(prefix="vigie-audit-") as tmp:
                path = o["snapshot"] or Path(tmp) / "snapshot.jsonl.gz"
                collect(settings, path, on_progress=progress)
                progress(0, 0, "analysing")
                result = analyse(load_snapshot(path))
        progress.close()
        if o["format"] == "html":
            return render_html(result)
        return json.dumps(to_json(result), ensure_ascii=False, indent=2)
