from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExposureConfig(AppConfig):
    name = "vigie.exposure"
    label = "exposure"
    verbose_name = _("Internet exposure")

    def ready(self) -> None:
        from vigie.accounts import audit
        from vigie.core.registry import Module, registry

        from . import jobs, tasks  # noqa: F401  (register the job handlers and the Celery task)
        from .models import Audit, Finding, Schedule, ScopeEntry
        from .providers import register

        # Scans, inventory and sightings are not in the change log: the engine writes them by the thousand.
        audit.connect(ScopeEntry, Schedule, Finding, Audit)
        register()
        from .indicators import register as register_indicators

        register_indicators()
        registry.module(Module(
            key="exposure", group="audits", title=_("Internet exposure"), url_name="exposure:list", order=20,
            description=_("Attested scope, monthly scans, exposed services and certificates, findings with "
                          "one-click retest, and the two audits 45 to 60 days apart that CaRE D1.O2.B asks for."),
        ))
        from .demo import load_demo

        registry.demo("exposure", load_demo)
