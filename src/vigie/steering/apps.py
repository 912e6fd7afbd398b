from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vigie.core.registry import Module, registry


class SteeringConfig(AppConfig):
    name = "vigie.steering"
    label = "steering"
    verbose_name = _("Steering")

    def ready(self) -> None:
        # app registry: these modules import models, which load only once every app is ready
        from . import demo, freshness, jobs, monitoring  # noqa: F401  (jobs registers the job handlers)

        monitoring.catalogue()  # a malformed monitoring file stops Vigie at start-up, naming the file and field
        freshness.connect()  # every app's ready() ran before this one (steering is the last installed app)
        registry.demo("steering", demo.load_demo)  # the last demo: it reads the records the others loaded
        registry.module(Module(
            key="steering", group="programme", title=_("Steering matrix"), url_name="steering:levels", order=10,
            description=_("What each establishment holds and what is late, for your GHT, region or the nation: "
                          "establishments × indicators, totals, exports."),
        ))
