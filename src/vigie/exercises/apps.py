from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "vigie.exercises"
    label = "exercises"
    verbose_name = _("Exercises")

    def ready(self) -> None:
        from .incidents import register_crisis

        register_crisis()  # crisis log and incidents: module, audit, data check
        from .registration import register as register_exercises

        register_exercises()  # exercises, scenarios, live run: module, evidence, audit, library check
