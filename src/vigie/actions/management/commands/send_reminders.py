"""`vigie manage send_reminders`: e-mail the reminders of the day. Run it daily from cron; running it again
the same day (or two at once) sends nothing twice."""

from django.conf import settings
from django.core.management.base import CommandError

from vigie.actions.reminders import send_reminders
from vigie.core.management.daily import DailyCommand


class Command(DailyCommand):
    help = "E-mail owners of actions and managers of organisations about what is due soon or late."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--days", type=int, default=None,
                            help=f"remind of what is due within this many days (default "
                                 f"VIGIE_EMAIL_REMINDER_DAYS, now {settings.VIGIE_REMINDER_DAYS})")

    def handle(self, *args, days=None, date=None, **options):
        today = self.today(date)
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        report = send_reminders(days=days, today=today)
        self.stdout.write(
            f"{report.emails} e-mail(s) sent ({report.actions} action(s), {report.deadlines} deadline(s)); "
            f"{report.failed} failed"
        )
        if report.failed:
            raise CommandError(f"{report.failed} e-mail(s) could not be sent; they will be tried at the next run")
