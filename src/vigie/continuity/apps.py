from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vigie.core.registry import Module, registry


class ContinuityConfig(AppConfig):
    name = "vigie.continuity"
    label = "continuity"
    verbose_name = _("Continuity and recovery")

    def ready(self) -> None:
        # app registry: these modules import models, which load only once every app is ready
        from vigie.accounts import audit

        from . import demo, indicators, kit, models, planning, providers  # noqa: F401  (planning registers its job handlers)

        audit.connect(models.Activity, models.DegradedProcedure, models.Application, models.Component,
                      models.Supplier, models.Team, models.BackupPolicy, models.BackupPlan, models.RestoreTest)
        providers.register()
        indicators.register()
        kit.connect()
        registry.module(Module(
            key="continuity", group="resilience", title=_("Continuity and recovery"), url_name="continuity:index", order=40,
            description=_("Business impact analysis, dependencies, backups (3-2-1-1-0) and restore tests, "
                          "recovery plans (PCRA) and the offline crisis kit."),
        ))
        registry.demo("continuity", demo.load_demo)
