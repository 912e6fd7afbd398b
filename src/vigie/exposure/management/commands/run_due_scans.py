"""`vigie manage run_due_scans [--date YYYY-MM-DD]`: reopen expired risk acceptances and start the
scheduled exposure scans that are due.

Each due schedule is claimed with a conditional update on its `next_due`, so overlapping runs (cron on
two machines) start each scan once. Run it daily, e.g. ``10 6 * * * vigie manage run_due_scans``.
"""

from vigie.core.management.daily import DueRunsCommand
from vigie.exposure.services import run_due_scans


class Command(DueRunsCommand):
    help = "Start the scheduled internet-exposure scans that are due."
    noun = "scan"

    def start_due(self, today):
        return run_due_scans(today)

    def target(self, run):
        return run.organisation.name
