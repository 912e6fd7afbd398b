from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "vigie.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from vigie.accounts import audit

        from . import jobs  # noqa: F401  registers the job handlers
        from .models import Contact, Organisation

        audit.connect(Organisation, Contact)
