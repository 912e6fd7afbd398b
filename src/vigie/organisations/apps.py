from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "vigie.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        # app registry: these modules import models, which load only once every app is ready
        from vigie.accounts import audit

        from . import jobs, models  # noqa: F401  (jobs registers the job handlers)

        audit.connect(models.Organisation, models.Contact)
