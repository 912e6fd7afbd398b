from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContinuityConfig(AppConfig):
    name = "vigie.continuity"
    label = "continuity"
    verbose_name = _("Continuity and recovery")
