from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "vigie.steering"
    label = "steering"
    verbose_name = _("Steering")

    def ready(self) -> None:
        from vigie.core.registry import registry

        from . import freshness
        from .demo import load_demo

        freshness.connect()  # every app's ready() ran before this one (steering is the last installed app)
        registry.demo("steering", load_demo)  # the last demo: it reads the records the others loaded
