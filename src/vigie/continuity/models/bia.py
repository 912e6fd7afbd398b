"""The business impact analysis (BIA): activities, their impact levels over time, degraded-mode procedures.

DMIA, PDMA, RTO and RPO are derived from the impact levels by `engine.bia.derive` and stored on the
activity (services.save_impacts), so lists, documents and the planner read them without recomputing.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Scoped, TenantModel

from ..engine import bia as bia_engine


class Category(models.TextChoices):
    """The three kinds of activity CaRE D2.O1.C asks a BIA and a PCRA for, at minimum."""

    CARE_SERVICE = "care_service", _("Care service with major patient impact")
    ADMINISTRATIVE = "administrative", _("Critical administrative process")
    TECHNICAL_PLATFORM = "technical_platform", _("Technical platform of the care pathway")


class Dimension(models.TextChoices):
    PATIENT_SAFETY = "patient_safety", _("Patient safety")
    CONTINUITY_OF_CARE = "continuity_of_care", _("Continuity of care")
    LEGAL = "legal", _("Legal and regulatory")
    FINANCIAL = "financial", _("Financial")
    REPUTATION = "reputation", _("Reputation")


class ImpactTable(models.TextChoices):
    INTERRUPTION = "interruption", _("Interruption lasting")
    DATA_LOSS = "data_loss", _("Data lost over")


LEVELS = [(0, _("0 — none")), (1, _("1 — minor")), (2, _("2 — significant")), (3, _("3 — serious")),
          (4, _("4 — critical"))]
WINDOW_FIELDS = ("h1", "h4", "h24", "h72", "w1")
WINDOW_LABELS = {1: _("1 h"), 4: _("4 h"), 24: _("24 h"), 72: _("72 h"), 168: _("1 week")}
assert len(WINDOW_FIELDS) == len(bia_engine.WINDOWS)


class Activity(TenantModel):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    critical = models.BooleanField(_("critical activity"), default=True,
                                   help_text=_("On the list of critical activities (CaRE D2.O1.C)."))
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True,
                             help_text=_("The business owner, by function (e.g. head of the emergency department)."))
    sites = models.ManyToManyField("organisations.Organisation", blank=True, related_name="+",
                                   verbose_name=_("sites"))
    minimum_staff = models.TextField(_("staff needed"), blank=True,
                                     help_text=_("Who must be present for the activity to run in degraded mode."))
    applications = models.ManyToManyField("continuity.Application", blank=True, related_name="activities",
                                          verbose_name=_("applications needed"))
    dmia_hours = models.FloatField(_("DMIA (hours)"), null=True, blank=True, editable=False)
    pdma_hours = models.FloatField(_("PDMA (hours)"), null=True, blank=True, editable=False)
    rto_hours = models.FloatField(_("RTO (hours)"), null=True, blank=True, editable=False)
    rpo_hours = models.FloatField(_("RPO (hours)"), null=True, blank=True, editable=False)
    dmia_driver = models.CharField(max_length=32, blank=True, editable=False)
    pdma_driver = models.CharField(max_length=32, blank=True, editable=False)
    bia_done_on = models.DateField(_("BIA carried out on"), null=True, blank=True, editable=False)
    pcra_validated_on = models.DateField(_("PCRA validated on"), null=True, blank=True,
                                         help_text=_("When the owner approved the activity's continuity and recovery plan."))
    pcra_validated_by = models.CharField(_("PCRA validated by"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["organisation__path", "category", "name", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="continuity_activity_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("continuity:activity_detail", args=[self.uuid])

    @property
    def has_bia(self) -> bool:
        return self.dmia_hours is not None and self.pdma_hours is not None

    @property
    def has_pcra(self) -> bool:
        return self.has_bia and self.pcra_validated_on is not None


class Impact(Scoped):
    """The levels (0–4) of one dimension over the windows 1 h, 4 h, 24 h, 72 h, 1 week."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="impacts")
    table = models.CharField(max_length=16, choices=ImpactTable.choices)
    dimension = models.CharField(max_length=32, choices=Dimension.choices)
    h1 = models.PositiveSmallIntegerField(_("1 h"), choices=LEVELS, default=0)
    h4 = models.PositiveSmallIntegerField(_("4 h"), choices=LEVELS, default=0)
    h24 = models.PositiveSmallIntegerField(_("24 h"), choices=LEVELS, default=0)
    h72 = models.PositiveSmallIntegerField(_("72 h"), choices=LEVELS, default=0)
    w1 = models.PositiveSmallIntegerField(_("1 week"), choices=LEVELS, default=0)

    tenant_path = "activity__organisation__path"

    class Meta:
        ordering = ["activity", "table", "dimension"]
        constraints = [models.UniqueConstraint(fields=["activity", "table", "dimension"], name="continuity_impact_once")]

    def __str__(self) -> str:
        return f"{self.activity} — {self.get_table_display()} — {self.get_dimension_display()}"

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(getattr(self, name) for name in WINDOW_FIELDS)


class DegradedProcedure(Scoped):
    """How the activity works without its information system (on paper), who switches to it and when."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="procedures",
                                 verbose_name=_("activity"))
    title = models.CharField(_("title"), max_length=200)
    triggered_by = models.CharField(_("triggered by"), max_length=200,
                                    help_text=_("The function that decides to switch (e.g. the on-call executive)."))
    trigger_when = models.CharField(_("when"), max_length=300,
                                    help_text=_("The condition that triggers it (e.g. the patient record is unavailable for 30 minutes)."))
    steps = models.TextField(_("steps"), help_text=_("One step per line."))
    paper_forms = models.TextField(_("paper forms and supplies"), blank=True)
    back_to_normal = models.TextField(_("return to normal"), blank=True,
                                      help_text=_("How data written on paper is entered back once the system is restored."))

    tenant_path = "activity__organisation__path"

    class Meta:
        ordering = ["activity", "title", "id"]
        verbose_name = _("degraded-mode procedure")
        verbose_name_plural = _("degraded-mode procedures")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("continuity:activity_detail", args=[self.activity.uuid]) + f"#procedure-{self.uuid}"

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]
