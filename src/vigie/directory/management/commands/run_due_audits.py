"""`vigie manage run_due_audits [--date YYYY-MM-DD]`: start the scheduled audits that are due.

Each due directory is claimed with a conditional update on its `next_due`, so overlapping runs (cron on
two machines) start each audit once. Run it daily, e.g. ``5 6 * * * vigie manage run_due_audits``.
"""

from operator import attrgetter

from vigie.core.management.daily import DueRunsCommand
from vigie.directory.services import run_due_audits


class Command(DueRunsCommand):
    help = "Start the scheduled Active Directory audits that are due."
    noun = "audit"
    start_due = staticmethod(run_due_audits)
    target = staticmethod(attrgetter("directory.domain"))
