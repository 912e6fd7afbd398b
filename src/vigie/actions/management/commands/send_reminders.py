"""`vigie manage send_reminders`: e-mail the reminders of the day. Run it daily from cron; running it again
the same day (or two at once) sends nothing twice."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vigie.actions.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail owners of actions and managers of organisations about what is due soon or late."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=f"remind of what is due within this many days (default "
                                 f"VIGIE_EMAIL_REMINDER_DAYS, now {settings.VIGIE_REMINDER_DAYS})")
        parser.add_argument("--date", default=None, help="the day to act as (YYYY-MM-DD; default: today)")

    def handle(self, *args, days=None, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date: not a date (YYYY-MM-DD): {date}") from None
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        report = send_reminders(days=days, today=today)
        self.stdout.write(
            f"{report.emails} e-mail(s) sent ({report.actions} action(s), {report.deadlines} deadline(s)); "
            f"{report.failed} failed"
        )
        if report.failed:
            raise CommandError(f"{report.failed} e-mail(s) could not be sent; they will be tried at the next run")
