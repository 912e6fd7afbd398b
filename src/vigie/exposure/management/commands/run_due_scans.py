"""`vigie manage run_due_scans [--date YYYY-MM-DD]`: reopen expired risk acceptances and start the
scheduled exposure scans that are due.

Each due schedule is claimed with a conditional update on its `next_due`, so overlapping runs (cron on
two machines) start each scan once. Run it daily, e.g. ``10 6 * * * vigie manage run_due_scans``.
"""

from operator import attrgetter

from vigie.core.management.daily import DueRunsCommand
from vigie.exposure.services import run_due_scans


class Command(DueRunsCommand):
    help = "Start the scheduled internet-exposure scans that are due."
    noun = "scan"
    start_due = staticmethod(run_due_scans)
    target = staticmethod(attrgetter("organisation.name"))
