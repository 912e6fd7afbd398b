"""Backups: the policy, a plan per application or component, and the restore tests that prove the plans work.

A plan's 3-2-1-1-0 status and its achievable RPO against the PDMA are computed by `engine.backups`
(services.evaluate_backups); the gaps become action-plan items (services.sync_backup_actions).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.models import TenantModel


class Medium(models.TextChoices):
    DISK = "disk", _("Disk (NAS, SAN, backup appliance)")
    TAPE = "tape", _("Tape")
    OBJECT = "object", _("Object storage")
    CLOUD = "cloud", _("Cloud or third-party host")
    REMOVABLE = "removable", _("Removable disk")


class BackupPolicy(TenantModel):
    """The organisation's validated backup and restore policy (CaRE D2.O2.A)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=50, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    binds_outsourced = models.BooleanField(_("binds outsourced and SaaS services"), default=False,
                                           help_text=_("Contracts with hosts and SaaS providers carry the policy."))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["organisation__path", "-approved_on", "id"]
        verbose_name = _("backup policy")
        verbose_name_plural = _("backup policies")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("continuity:policy_edit", args=[self.uuid])


class BackupPlan(TenantModel):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    component = models.ForeignKey("continuity.Component", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="backup_plans", verbose_name=_("component"))
    application = models.ForeignKey("continuity.Application", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="backup_plans", verbose_name=_("application"))
    scope = models.TextField(_("what is backed up"))
    software = models.CharField(_("backup software"), max_length=200, blank=True)
    frequency_hours = models.FloatField(_("every (hours)"), default=24)
    retention_days = models.PositiveIntegerField(_("retention (days)"), default=30)
    backup_copies = models.PositiveSmallIntegerField(_("backup copies"), default=1,
                                                     help_text=_("Copies besides the production data."))
    media = models.JSONField(_("media"), default=list, blank=True)
    locations = models.TextField(_("locations"), blank=True, help_text=_("Where each copy is kept, one per line."))
    offsite_copies = models.PositiveSmallIntegerField(_("off-site copies"), default=0)
    immutable_copy = models.BooleanField(_("immutable copy"), default=False)
    offline_copy = models.BooleanField(_("offline copy"), default=False)
    encrypted = models.BooleanField(_("encrypted"), default=False)
    admin_auth_independent = models.BooleanField(
        _("administration independent of the production directory"), default=False,
        help_text=_("Backup administrators sign in with a dedicated directory or local accounts (CaRE D2.O3.A)."))
    admin_2fa = models.BooleanField(_("administrators use two-factor authentication"), default=False)
    supervised = models.BooleanField(_("supervised, with alerting"), default=False,
                                     help_text=_("Failed jobs raise an alert someone handles (CaRE D2.O3.D)."))
    supervision = models.TextField(_("supervision and alerting"), blank=True)
    isolation_procedure = models.TextField(
        _("isolation procedure (red button)"), blank=True,
        help_text=_("How the backup infrastructure is cut off from the network during an attack (CaRE D2.O3.B)."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["organisation__path", "name", "id"]
        verbose_name = _("backup plan")
        verbose_name_plural = _("backup plans")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("continuity:plan_detail", args=[self.uuid])

    def clean(self) -> None:
        if bool(self.component_id) == bool(self.application_id):
            raise ValidationError(_("A backup plan protects either one component or one application."))
        target = self.component or self.application
        if target is not None and self.organisation_id and target.organisation_id != self.organisation_id:
            raise ValidationError(_("The plan and what it protects must belong to the same organisation."))
        if self.frequency_hours is not None and self.frequency_hours <= 0:
            raise ValidationError({"frequency_hours": _("The interval between backups must be positive.")})
        unknown = [m for m in self.media or [] if m not in Medium.values]
        if unknown:
            raise ValidationError({"media": _("Unknown media: %(media)s.") % {"media": ", ".join(map(str, unknown))}})
        if self.offsite_copies > self.backup_copies:
            raise ValidationError({"offsite_copies": _("There cannot be more off-site copies than backup copies.")})

    @property
    def target(self):
        return self.component or self.application

    def media_labels(self) -> list[str]:
        return [str(Medium(m).label) for m in self.media if m in Medium.values]


class RestoreTest(TenantModel):
    """A restore carried out to check a plan: what was measured, and the business referent who validated it."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    plan = models.ForeignKey(BackupPlan, on_delete=models.CASCADE, related_name="restore_tests",
                             verbose_name=_("backup plan"))
    tested_on = models.DateField(_("date"))
    scope = models.TextField(_("scope"))
    to_production = models.BooleanField(_("restored to production"), default=False,
                                        help_text=_("A restore into the production environment (CaRE D2.O4)."))
    volume_gb = models.FloatField(_("volume restored (GB)"), default=0)
    duration_minutes = models.PositiveIntegerField(_("measured duration (minutes)"))
    data_loss_minutes = models.PositiveIntegerField(_("measured data loss (minutes)"), default=0,
                                                    help_text=_("Time between the restored point and the incident simulated."))
    success = models.BooleanField(_("success"), default=True)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    referent = models.CharField(_("business referent"), max_length=200, blank=True,
                                help_text=_("By function, not by name (e.g. head nurse of the emergency department)."))
    validated = models.BooleanField(_("validated by the referent"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-tested_on", "-id"]
        verbose_name = _("restore test")
        verbose_name_plural = _("restore tests")
        indexes = [models.Index(fields=["-tested_on", "-id"], name="continuity_test_list_order")]

    def __str__(self) -> str:
        return f"{self.plan} — {self.tested_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("continuity:test_detail", args=[self.uuid])

    def clean(self) -> None:
        if self.plan_id and self.organisation_id and self.plan.organisation_id != self.organisation_id:
            raise ValidationError(_("The test and its plan must belong to the same organisation."))
        if self.success and self.errors:
            raise ValidationError({"errors": _("A test with errors is not a success.")})
        if self.validated and not self.referent.strip():
            raise ValidationError({"referent": _("Name the referent (by function) who validated the test.")})

    @property
    def duration_hours(self) -> float:
        return self.duration_minutes / 60

    @property
    def data_loss_hours(self) -> float:
        return self.data_loss_minutes / 60

    @property
    def verified(self) -> bool:
        """Counts for the "0 errors at the last verified restore" rule: the referent validated it."""
        return self.validated
