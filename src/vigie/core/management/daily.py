"""The base of the commands cron runs every day: `--date YYYY-MM-DD` makes one act as another day."""

import datetime

from django.core.management.base import BaseCommand, CommandError


class DailyCommand(BaseCommand):
    """A daily cron command; ``self.today(date)`` reads its ``--date`` (None: the real today)."""

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="day to consider as today (YYYY-MM-DD; default: today)")

    @staticmethod
    def today(date: str | None) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD (not a date: {date!r})") from None


class DueRunsCommand(DailyCommand):
    """Start the scheduled runs (scans, audits) that are due and list them.

    Each due schedule is claimed with a conditional update on its ``next_due`` by ``start_due``, so
    overlapping runs (cron on two machines) start each run once.
    """

    noun = ""  # what one run is called in the output ("scan", "audit")

    def start_due(self, today: datetime.date | None) -> list:
        """The runs started, each with its ``uuid`` and ``job`` (a subclass sets the service as a staticmethod)."""
        raise NotImplementedError

    def target(self, run) -> str:
        """What the run looks at, to head its output line."""
        raise NotImplementedError

    def handle(self, *args, date=None, **options):
        runs = self.start_due(self.today(date))
        for run in runs:
            self.stdout.write(f"{self.target(run)}: {self.noun} {run.uuid} queued (job {run.job.uuid})")
        self.stdout.write(f"{len(runs)} {self.noun}(s) queued")
