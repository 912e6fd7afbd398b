from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "vigie.exercises"
    label = "exercises"
    verbose_name = _("Exercises")

    def ready(self) -> None:
        # app registry: these modules import models, which load only once every app is ready
        from . import incidents, registration

        incidents.register_crisis()  # crisis log and incidents: module, audit, data check
        registration.register()  # exercises, scenarios, live run: module, evidence, audit, library check
