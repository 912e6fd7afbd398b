from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vigie.core.registry import Module, registry


class ExposureConfig(AppConfig):
    name = "vigie.exposure"
    label = "exposure"
    verbose_name = _("Internet exposure")

    def ready(self) -> None:
        # app registry: these modules import models, which load only once every app is ready
        from vigie.accounts import audit

        from . import demo, indicators, jobs, models, providers, tasks  # noqa: F401  (register the job handlers, Celery task)

        # Scans, inventory and sightings are not in the change log: the engine writes them by the thousand.
        audit.connect(models.ScopeEntry, models.Schedule, models.Finding, models.Audit)
        providers.register()
        indicators.register()
        registry.module(Module(
            key="exposure", group="audits", title=_("Internet exposure"), url_name="exposure:list", order=20,
            description=_("Attested scope, monthly scans, exposed services and certificates, findings with "
                          "one-click retest, and the two audits 45 to 60 days apart that CaRE D1.O2.B asks for."),
        ))
        registry.demo("exposure", demo.load_demo)
