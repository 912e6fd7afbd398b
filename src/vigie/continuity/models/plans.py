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


class CrisisKit(TenantModel):
    """The organisation's offline crisis kit: the crisis cell details it prints, and the last build (a ZIP
    under MEDIA_ROOT). `stale` is set whenever the data it holds changes; a job rebuilds it."""

    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.CASCADE, related_name="+",
                                        verbose_name=_("organisation"))
    meeting_place = models.CharField(_("crisis cell meeting place"), max_length=300)
    backup_meeting_place = models.CharField(_("backup meeting place"), max_length=300, blank=True)
    conference_bridge = models.CharField(_("audio bridge"), max_length=200, blank=True,
                                         help_text=_("Number and code of a bridge that does not depend on the IS."))
    activation = models.TextField(_("who activates the cell, and when"), blank=True)
    stale = models.BooleanField(_("out of date"), default=True, editable=False)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    built_at = models.DateTimeField(_("built"), null=True, blank=True, editable=False)
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True, editable=False)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    archive = models.CharField(max_length=300, blank=True, editable=False)  # relative to MEDIA_ROOT
    sha256 = models.CharField(_("ZIP SHA-256"), max_length=64, blank=True, editable=False)
    # The hash of MANIFEST.sha256 inside the kit: printed on the kit page so an RSSI can check a USB copy
    # (`sha256sum MANIFEST.sha256`) without the ZIP, which is no longer there once the stick is unpacked.
    manifest_sha256 = models.CharField(_("MANIFEST.sha256 SHA-256"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["organisation__path"]
        verbose_name = _("crisis kit")
        verbose_name_plural = _("crisis kits")

    def __str__(self) -> str:
        return str(_("Crisis kit of %(org)s") % {"org": self.organisation.name})

    def get_absolute_url(self) -> str:
        return reverse("continuity:kit_detail", args=[self.uuid])
