"""`vigie manage refresh_steering [--backfill N] [--date YYYY-MM-DD]`: recompute every establishment's
indicator readings and this month's trend counts; with --backfill, the counts of the N months before too.

Run it daily from cron (``15 5 * * * vigie manage refresh_steering``): readings change with time alone
(an audit lapses after its period, a deadline passes), not only when a record is saved. An indicator that
fails keeps its previous readings; the command names it and exits with status 1.
"""

import datetime

from django.core.management.base import CommandError

from vigie.core.management.daily import DailyCommand
from vigie.steering.models import Stale
from vigie.steering.services import backfill_outcome, establishments, refresh_establishments


class Command(DailyCommand):
    help = "Recompute the steering summaries of every establishment (and past months' trends with --backfill)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--backfill", type=int, default=0, metavar="N",
                            help="also recount the trends of the N months before this one")

    def handle(self, *args, backfill=0, date=None, **options):
        today = self.today(date)
        if backfill < 0:
            raise CommandError(f"--backfill must be 0 or more months, not {backfill}")
        started = datetime.datetime.now(datetime.UTC)
        outcome = refresh_establishments(establishments(), today)
        Stale.objects.filter(marked_at__lt=started).delete()  # everything marked before the start was read
        self.stdout.write(f"{outcome.read} establishment(s) refreshed")
        faults = dict(outcome.faults)
        if backfill:
            past = backfill_outcome(backfill, today)
            faults.update(past.faults)
            self.stdout.write(f"{past.read} month(s) of trends recounted")
        if faults:
            for key, fault in sorted(faults.items()):
                self.stderr.write(f"{key} failed, previous readings kept: {fault}")
            raise CommandError(f"{len(faults)} indicator(s) failed")
