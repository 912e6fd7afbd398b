"""A real security incident, its crisis log and its CERT Santé declaration.

The declaration follows the four blocks of the national form (care-facts §10, arrêté of 30 Oct 2017,
annex, summarised): (1) identification of the structure and the declarant, (2) description, (3) impacts,
(4) causes if known. The exact picklists of the annex are not confirmed: the choices below are our own
wording, and the categories that make an incident significant or serious live in data/cert_sante.yaml.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.models import TenantModel
from vigie.core.roles import Role

from .log import CrisisLog


class Incident(TenantModel):
    class Status(models.TextChoices):
        DETECTED = "detected", _("Detected")
        INVESTIGATING = "investigating", _("Under investigation")
        CONTAINED = "contained", _("Contained")
        RECOVERING = "recovering", _("Recovering")
        CLOSED = "closed", _("Closed")

    class Handling(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started yet")
        IN_PROGRESS = "in_progress", _("Handling in progress")
        CONTAINED = "contained", _("Contained, not resolved")
        RESOLVED = "resolved", _("Resolved")

    class DataImpact(models.TextChoices):
        UNKNOWN = "unknown", _("Not known yet")
        NONE = "none", _("No impact on data")
        AVAILABILITY = "availability", _("Data unavailable")
        INTEGRITY = "integrity", _("Data altered or destroyed")
        CONFIDENTIALITY = "confidentiality", _("Data disclosed or stolen")
        SEVERAL = "several", _("Several of these")

    class PersonsImpact(models.TextChoices):
        UNKNOWN = "unknown", _("Not known yet")
        NONE = "none", _("No impact on persons")
        PATIENTS = "patients", _("Patients or residents")
        STAFF = "staff", _("Staff")
        BOTH = "both", _("Patients and staff")

    class SystemImpact(models.TextChoices):
        UNKNOWN = "unknown", _("Not known yet")
        NONE = "none", _("No impact on the information system")
        PARTIAL = "partial", _("Some applications or servers unavailable")
        MAJOR = "major", _("Major part of the information system unavailable")
        TOTAL = "total", _("Whole information system unavailable")

    class StructureImpact(models.TextChoices):
        UNKNOWN = "unknown", _("Not known yet")
        NONE = "none", _("No impact on activity")
        DEGRADED = "degraded", _("Activity in degraded mode")
        CARE_DISRUPTED = "care_disrupted", _("Care disrupted or postponed")
        TRANSFERS = "transfers", _("Patients diverted or transferred")

    class CauseKnowledge(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        SUSPECTED = "suspected", _("Suspected")
        ESTABLISHED = "established", _("Established")

    class CauseType(models.TextChoices):
        UNKNOWN = "unknown", _("Not determined")
        MALICIOUS = "malicious", _("Malicious act")
        ACCIDENTAL = "accidental", _("Accidental (human error)")
        FAILURE = "failure", _("Technical failure")
        SUPPLIER = "supplier", _("Supplier or service provider")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="incidents",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    detected_at = models.DateTimeField(_("detected at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DETECTED)
    log = models.OneToOneField(CrisisLog, on_delete=models.PROTECT, related_name="incident",
                               verbose_name=_("crisis log"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Block 1: identification of the structure and of the declarant
    structure_name = models.CharField(_("structure"), max_length=200, blank=True)
    structure_finess = models.CharField(_("FINESS number"), max_length=9, blank=True)
    declarant_name = models.CharField(_("declarant's name"), max_length=150, blank=True)
    declarant_role = models.CharField(_("declarant's position"), max_length=150, blank=True)
    declarant_email = models.EmailField(_("declarant's e-mail"), blank=True)
    declarant_phone = models.CharField(_("declarant's phone"), max_length=30, blank=True)

    # Block 2: description
    discovered_at = models.DateTimeField(_("discovered at"), null=True, blank=True)
    perimeter = models.TextField(_("perimeter (sites, departments)"), blank=True)
    systems_concerned = models.TextField(_("information systems concerned"), blank=True)
    data_concerned = models.TextField(_("data concerned"), blank=True)
    handling = models.CharField(_("handling status"), max_length=16, choices=Handling.choices,
                                default=Handling.NOT_STARTED)

    # Block 3: impacts
    impact_data = models.CharField(_("impact on data"), max_length=16, choices=DataImpact.choices,
                                   default=DataImpact.UNKNOWN)
    impact_data_detail = models.TextField(_("impact on data: details"), blank=True)
    impact_persons = models.CharField(_("impact on persons"), max_length=16, choices=PersonsImpact.choices,
                                      default=PersonsImpact.UNKNOWN)
    impact_persons_detail = models.TextField(_("impact on persons: details"), blank=True)
    impact_system = models.CharField(_("impact on the information system"), max_length=16,
                                     choices=SystemImpact.choices, default=SystemImpact.UNKNOWN)
    impact_system_detail = models.TextField(_("impact on the information system: details"), blank=True)
    impact_structure = models.CharField(_("impact on the structure"), max_length=16,
                                        choices=StructureImpact.choices, default=StructureImpact.UNKNOWN)
    impact_structure_detail = models.TextField(_("impact on the structure: details"), blank=True)

    # Block 4: causes, if known
    cause_knowledge = models.CharField(_("causes known?"), max_length=16, choices=CauseKnowledge.choices,
                                       default=CauseKnowledge.UNKNOWN)
    cause_type = models.CharField(_("kind of cause"), max_length=16, choices=CauseType.choices,
                                  default=CauseType.UNKNOWN)
    causes = models.TextField(_("causes"), blank=True)

    # Significance: codes of the categories in data/cert_sante.yaml that apply
    categories = models.JSONField(_("significance categories"), default=list, blank=True)

    # The declaration itself
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    declaration_reference = models.CharField(_("portal reference number"), max_length=100, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("declared by"),
    )

    # Declaring to CERT Santé commits the establishment: a manager (RSSI) or above, with a fresh second factor.
    required_roles = {"declare": Role.MANAGER}

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exercises:incident_detail", args=[self.uuid])

    def clean(self) -> None:
        # cycle: incidents imports the crisis log, which imports these models (not broken yet)
        from ..incidents import category_codes

        errors = {}
        if not isinstance(self.categories, list) or any(not isinstance(c, str) for c in self.categories):
            errors["categories"] = _("A list of category codes is expected.")
        else:
            unknown = sorted(set(self.categories) - category_codes())
            if unknown:
                errors["categories"] = _("Unknown categories: %(codes)s.") % {"codes": ", ".join(unknown)}
        if self.declared_at and self.detected_at and self.declared_at < self.detected_at:
            errors["declared_at"] = _("The declaration cannot precede the detection.")
        if errors:
            raise ValidationError(errors)
