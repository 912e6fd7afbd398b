"""Recovery scenarios (a disaster the planner computes a recovery for) and the organisation's offline
crisis kit state."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.models import TenantModel


class Builtin(models.TextChoices):
    RANSOMWARE = "ransomware", _("Ransomware: Windows servers and the directory encrypted")
    STORAGE_LOSS = "storage_loss", _("Loss of the storage arrays")
    DIRECTORY_LOSS = "directory_loss", _("Loss of the directory")
    SUPPLIER_OUTAGE = "supplier_outage", _("Outage of suppliers and SaaS services")
    SITE_LOSS = "site_loss", _("Loss of the machine room")


class Scenario(TenantModel):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    builtin = models.CharField(_("what is lost"), max_length=32, choices=Builtin.choices, default=Builtin.RANSOMWARE)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(_("method"), max_length=16, default="cpsat",
                              choices=[("cpsat", _("Optimised (CP-SAT)")), ("greedy", _("Greedy baseline"))])
    time_limit_s = models.FloatField(_("solver time limit (seconds)"), default=10)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    result = models.JSONField(_("result"), default=dict, blank=True, editable=False)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["organisation__path", "name", "id"]
        verbose_name = _("recovery scenario")
        verbose_name_plural = _("recovery scenarios")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("continuity:scenario_detail", args=[self.uuid])
