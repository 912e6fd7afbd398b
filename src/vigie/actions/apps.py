from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vigie.core.registry import Module, registry


class ActionsConfig(AppConfig):
    name = "vigie.actions"
    label = "actions"
    verbose_name = _("Actions")

    def ready(self) -> None:
        # app registry: these modules import models, which load only once every app is ready
        from vigie.accounts import audit

        from . import deadlines, indicators, jobs, models, tasks  # noqa: F401  (jobs registers the export job, tasks the reminders task with Celery)

        deadlines.catalogue()  # a malformed deadlines file stops Vigie at start-up, naming the file, deadline and field
        audit.connect(models.Action, models.ActionNote, models.DeadlineCompletion, models.CalendarFeed)
        indicators.register()
        registry.module(Module(
            key="actions", group="programme", title=_("Action plan (PAQ)"), url_name="actions:list", order=50,
            description=_("Every finding, gap and lesson becomes an action: owner, due date, priority, "
                          "progress; list, board, calendar and exports for the quality system."),
        ))
        registry.module(Module(
            key="deadlines", group="programme", title=_("CaRE deadlines"), url_name="actions:deadlines", order=51,
            description=_("The programme's recurring and fixed deadlines, done, due or late for each of your "
                          "organisations; calendar feed and e-mail reminders."),
        ))
