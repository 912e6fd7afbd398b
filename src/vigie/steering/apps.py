from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "vigie.steering"
    label = "steering"
    verbose_name = _("Steering")

    def ready(self) -> None:
        from . import jobs, monitoring  # noqa: F401  (register the job handlers)

        monitoring.catalogue()  # a malformed monitoring file stops Vigie at start-up, naming the file and field
