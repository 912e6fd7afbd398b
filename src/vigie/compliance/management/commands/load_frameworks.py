"""`vigie manage load_frameworks [FILE…]`: load framework versions (the bundled files when none given).

All files are validated before anything is written; a bad file stops everything and every problem is
printed with its file, requirement code and field.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vigie.compliance.library import FrameworkFileError, bundled_files, load_files


class Command(BaseCommand):
    help = "Load framework versions from YAML files (default: the files shipped with Vigie)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="framework YAML files")

    def handle(self, *args, files, **options):
        try:
            results = load_files(files or bundled_files())
        except FrameworkFileError as exc:
            raise CommandError("nothing was loaded:\n" + "\n".join(f"  {p}" for p in exc.problems)) from None
        for version, outcome in results:
            self.stdout.write(f"{version.framework.key} {version.version}: {outcome} "
                              f"({version.requirements.count()} requirements)")
