from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "vigie.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from vigie.accounts import audit
        from vigie.core.registry import Module, registry

        from . import jobs, tasks  # noqa: F401  (register the job handler and the Celery task)
        from .models import Directory
        from .providers import register

        # Audits are not in the change log: their rows carry the engine's whole JSON result.
        audit.connect(Directory)
        register()
        from .indicators import register as register_indicators

        register_indicators()
        registry.module(Module(
            key="directory", group="audits", title=_("Audit Active Directory"), url_name="directory:list", order=30,
            description=_("ANSSI checkpoints of your Active Directory domains: level 1 to 5, what to fix to "
                          "reach the next level, quarterly audits and trends."),
        ))
