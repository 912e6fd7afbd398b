"""`vigie manage run_due_scans [--date YYYY-MM-DD]`: reopen expired risk acceptances and start the
scheduled exposure scans that are due.

Each due schedule is claimed with a conditional update on its `next_due`, so overlapping runs (cron on
two machines) start each scan once. Run it daily, e.g. ``10 6 * * * vigie manage run_due_scans``.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from vigie.exposure.services import run_due_scans


class Command(BaseCommand):
    help = "Start the scheduled internet-exposure scans that are due."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="day to consider as today (YYYY-MM-DD)")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        scans = run_due_scans(today)
        for scan in scans:
            self.stdout.write(f"{scan.organisation.name}: scan {scan.uuid} queued (job {scan.job.uuid})")
        self.stdout.write(f"{len(scans)} scan(s) queued")
