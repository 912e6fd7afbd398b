from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vigie.core.registry import Module, registry


class DirectoryConfig(AppConfig):
    name = "vigie.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        # app registry: these modules import models, which load only once every app is ready
        from vigie.accounts import audit

        from . import indicators, jobs, models, providers, tasks  # noqa: F401  (register the job handler and the Celery task)

        # Audits are not in the change log: their rows carry the engine's whole JSON result.
        audit.connect(models.Directory)
        providers.register()
        indicators.register()
        registry.module(Module(
            key="directory", group="audits", title=_("Audit Active Directory"), url_name="directory:list", order=30,
            description=_("ANSSI checkpoints of your Active Directory domains: level 1 to 5, what to fix to "
                          "reach the next level, quarterly audits and trends."),
        ))
