from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "vigie.actions"
    label = "actions"
    verbose_name = _("Actions")

    def ready(self) -> None:
        from vigie.accounts import audit
        from vigie.core.registry import Module, registry

        from . import tasks  # noqa: F401  (registers the reminders task with Celery)
        from .deadlines import catalogue
        from .models import Action, ActionNote, CalendarFeed, DeadlineCompletion

        catalogue()  # a malformed deadlines file stops Vigie at start-up, naming the file, deadline and field
        audit.connect(Action, ActionNote, DeadlineCompletion, CalendarFeed)
        from .indicators import register as register_indicators

        register_indicators()
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
