from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "vigie.compliance"
    label = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from vigie.accounts import audit
        from vigie.core.registry import Module, registry

        from . import jobs  # noqa: F401  (registers the job handlers)
        from .library import load_after_migrate
        from .models import (
            Answer, Assessment, BudgetDeclaration, CallDate, Declaration, Evidence, IdentityApplication,
            IdentityIndicators,
        )

        from .indicators import register as register_indicators

        register_indicators()
        post_migrate.connect(load_after_migrate, sender=self, dispatch_uid="compliance.load_frameworks")
        audit.connect(Assessment, Answer, Evidence, CallDate, Declaration, IdentityApplication, IdentityIndicators,
                      BudgetDeclaration)
        registry.module(Module(
            key="compliance", group="programme", title=_("CaRE compliance"), url_name="compliance:assessment_list", order=20,
            description=_("Frameworks, assessments, evidence and coverage of the CaRE programme."),
        ))
