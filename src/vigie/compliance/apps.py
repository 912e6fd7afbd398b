from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from vigie.core.registry import Module, registry


class ComplianceConfig(AppConfig):
    name = "vigie.compliance"
    label = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        # app registry: these modules import models, which load only once every app is ready
        from vigie.accounts import audit

        from . import indicators, jobs, library, models  # noqa: F401  (jobs registers the job handlers)

        post_migrate.connect(library.load_after_migrate, sender=self, dispatch_uid="compliance.load_frameworks")
        audit.connect(models.Assessment, models.Answer, models.Evidence, models.CallDate, models.Declaration,
                      models.IdentityApplication, models.IdentityIndicators, models.BudgetDeclaration)
        indicators.register()
        registry.module(Module(
            key="compliance", group="programme", title=_("CaRE compliance"), url_name="compliance:assessment_list", order=20,
            description=_("Frameworks, assessments, evidence and coverage of the CaRE programme."),
        ))
