"""`vigie`: the command line. Every subcommand is a Django management command, so `vigie serve` and
`vigie manage serve` are the same thing, and `vigie manage …` reaches all of Django's commands."""

import os
import sys

USAGE = """usage: vigie COMMAND [options]

  serve        migrate, start the web server and (without VIGIE_BROKER_URL) the local job worker
  worker       run a job worker (several may run, on several machines, with VIGIE_BROKER_URL)
  demo         load the demo organisations and one demo user per role
  createadmin  create a platform administrator (asks for the password, enrols TOTP at first login)
  scan exposure TARGET… --scope ENTRY…  scan internet exposure (ports, services, TLS, DNS) to JSON or HTML
  vulndb …     vulnerability knowledge base: import FILE… (NVD 2.0, CISA KEV), stats, lookup CPE
  manage …     any Django management command (migrate, shell, dbshell, …)
  audit ad …   audit an Active Directory with the engine alone (simple, NTLM or Kerberos bind; --help)

Settings come from VIGIE_* environment variables; see README.md."""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return
    # heavy import: the engine commands (scan, audit) run without loading Django
    from django.core.management import execute_from_command_line

    if args[0] == "manage":
        args = args[1:] or ["help"]
    execute_from_command_line(["vigie", *args])


if __name__ == "__main__":
    main()
