from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContinuityConfig(AppConfig):
    name = "vigie.continuity"
    label = "continuity"
    verbose_name = _("Continuity and recovery")

    def ready(self) -> None:
        from vigie.accounts import audit
        from vigie.core.registry import Module, registry

        from . import kit, models, planning  # noqa: F401  (kit and planning register their job handlers)
        from .providers import register

        audit.connect(models.Activity, models.DegradedProcedure, models.Application, models.Component,
                      models.Supplier, models.Team, models.BackupPolicy, models.BackupPlan, models.RestoreTest)
        register()
        from .indicators import register as register_indicators

        register_indicators()
        kit.connect()
        registry.module(Module(
            key="continuity", group="resilience", title=_("Continuity and recovery"), url_name="continuity:index", order=40,
            description=_("Business impact analysis, dependencies, backups (3-2-1-1-0) and restore tests, "
                          "recovery plans (PCRA) and the offline crisis kit."),
        ))
        from .demo import load_demo

        registry.demo("continuity", load_demo)
