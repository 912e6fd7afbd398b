"""`vigie manage run_due_audits [--date YYYY-MM-DD]`: start the scheduled audits that are due.

Each due directory is claimed with a conditional update on its `next_due`, so overlapping runs (cron on
two machines) start each audit once. Run it daily, e.g. ``5 6 * * * vigie manage run_due_audits``.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from vigie.directory.services import run_due_audits


class Command(BaseCommand):
    help = "Start the scheduled Active Directory audits that are due."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="day to consider as today (YYYY-MM-DD)")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        audits = run_due_audits(today)
        for audit in audits:
            self.stdout.write(f"{audit.directory.domain}: audit {audit.uuid} queued (job {audit.job.uuid})")
        self.stdout.write(f"{len(audits)} audit(s) queued")
