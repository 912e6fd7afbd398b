from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "vigie.steering"
    label = "steering"
    verbose_name = _("Steering")

    def ready(self) -> None:
        from vigie.core.registry import Module, registry

        from . import jobs, monitoring  # noqa: F401  (register the job handlers)

        monitoring.catalogue()  # a malformed monitoring file stops Vigie at start-up, naming the file and field
        registry.module(Module(
            key="steering", group="programme", title=_("Steering matrix"), url_name="steering:levels", order=10,
            description=_("What each establishment holds and what is late, for your GHT, region or the nation: "
                          "establishments × indicators, totals, exports."),
        ))
