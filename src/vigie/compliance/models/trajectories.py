"""Trajectories of instruction DNS/2025/12 (actions 6 and 7): electronic identification and budget.

- `IdentityApplication`: an application (the patient record first) with the identification means (MIE) it
  accepts, its Pro Santé Connect integration and the homologation of those means.
- `IdentityIndicators`: one measure a year of the HospiConnect indicators, as counts: the doctors and
  nurses and all users of the patient record, and how many of them sign in with two factors; the DMP
  consent and consultation counts. Rates and gaps to the yearly targets are computed (trajectories.py).
- `BudgetDeclaration`: total, digital and cyber budgets of a year; the digital + cyber share is compared
  with the programme's 2 % target (data/programme.yaml).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigie.core.models import TenantModel
from vigie.core.roles import Role

__all__ = ["BudgetDeclaration", "IdentityApplication", "IdentityIndicators", "Means"]

YEARS = [MinValueValidator(2020), MaxValueValidator(2100)]


class Means(models.TextChoices):
    CPS = "cps", _("CPS card")
    E_CPS = "e_cps", _("e-CPS (mobile app)")
    FIDO = "fido", _("FIDO security key")
    OTP = "otp", _("One-time code (OTP)")
    PASSWORD = "password", _("Password")


# Means that are a second factor (or a strong means on their own); a password alone is not.
STRONG_MEANS = {Means.CPS, Means.E_CPS, Means.FIDO, Means.OTP}


class IdentityApplication(TenantModel):
    class Homologation(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        WITH_RESERVE = "with_reserve", _("Homologated with reservations")
        WITHOUT_RESERVE = "without_reserve", _("Homologated without reservations")
        NOT_REQUIRED = "not_required", _("Not required (means provided by the administration)")

    HOMOLOGATED = (Homologation.WITH_RESERVE, Homologation.WITHOUT_RESERVE)

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="identity_applications",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("application"), max_length=200)
    patient_record = models.BooleanField(_("patient record (DPI)"), default=False,
                                         help_text=_("The HospiConnect targets concern the patient record."))
    means = models.JSONField(_("authentication means"), default=list,
                             help_text=_("Means accepted to sign in: cps, e_cps, fido, otp, password."))
    pro_sante_connect = models.BooleanField(_("Pro Santé Connect integrated"), default=False)
    homologation = models.CharField(_("homologation"), max_length=16, choices=Homologation.choices,
                                    default=Homologation.NOT_STARTED)
    homologated_on = models.DateField(_("homologation date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["organisation__path", "-patient_record", "name"]
        verbose_name = _("application and its identification means")
        verbose_name_plural = _("applications and their identification means")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="identity_application_once")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("compliance:identity_application_edit", args=[self.uuid])

    @property
    def strong(self) -> bool:
        return any(m in STRONG_MEANS for m in self.means or [])

    def means_labels(self) -> list[str]:
        return [str(Means(m).label) for m in self.means or [] if m in Means.values]

    def clean(self) -> None:
        errors = {}
        means = self.means if isinstance(self.means, list) else None
        if not means:
            errors["means"] = gettext("Choose at least one authentication means.")
        else:
            unknown = [str(m) for m in means if m not in Means.values]
            if unknown:
                errors["means"] = gettext("Unknown authentication means: %(unknown)s. Known means: %(known)s.") % {
                    "unknown": ", ".join(unknown), "known": ", ".join(Means.values)}
            else:
                self.means = sorted(set(means), key=list(Means.values).index)
        if self.homologation in self.HOMOLOGATED and self.homologated_on is None:
            errors["homologated_on"] = gettext("A homologated means needs its homologation date.")
        if self.homologation not in self.HOMOLOGATED and self.homologated_on is not None:
            errors["homologated_on"] = gettext("Only a homologated means has a homologation date.")
        if errors:
            raise ValidationError(errors)


def _part_of(errors: dict, part_field: str, whole_field: str, part, whole, what: str) -> None:
    if part is not None and whole is not None and part > whole:
        share = (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None
        errors.setdefault(part_field, []).append(
            gettext("%(what)s (%(part)s) cannot exceed %(whole)s: the share would be %(share)s %%, over 100 %%.")
            % {"what": what, "part": part, "whole": whole, "share": share if share is not None else "∞"}
        )


class IdentityIndicators(TenantModel):
    """The HospiConnect indicators of one year, as counts (the rates are computed)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="identity_indicators",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    measured_on = models.DateField(_("measured on"))
    doctors_nurses = models.PositiveIntegerField(_("doctors and nurses using the patient record"))
    doctors_nurses_2fa = models.PositiveIntegerField(_("doctors and nurses signing in with two factors"))
    all_users = models.PositiveIntegerField(_("all users of the patient record"))
    all_users_2fa = models.PositiveIntegerField(_("users signing in with two factors"))
    dmp_patients = models.PositiveIntegerField(_("patients in the month"), null=True, blank=True)
    dmp_consents = models.PositiveIntegerField(_("patients whose DMP consent or refusal was collected"), null=True, blank=True)
    dmp_users = models.PositiveIntegerField(_("users authorised to consult the DMP"), null=True, blank=True)
    dmp_consulting = models.PositiveIntegerField(_("authorised users who consulted a DMP in the month"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["organisation__path", "-year"]
        verbose_name = _("identification indicators")
        verbose_name_plural = _("identification indicators")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="identity_indicators_once_a_year")]

    def __str__(self) -> str:
        return gettext("Indicators %(year)s") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("compliance:identity_indicators_edit", args=[self.uuid])

    def clean(self) -> None:
        errors: dict[str, list] = {}
        _part_of(errors, "doctors_nurses_2fa", "doctors_nurses", self.doctors_nurses_2fa, self.doctors_nurses,
                 gettext("Doctors and nurses with two factors"))
        _part_of(errors, "all_users_2fa", "all_users", self.all_users_2fa, self.all_users,
                 gettext("Users with two factors"))
        _part_of(errors, "doctors_nurses", "all_users", self.doctors_nurses, self.all_users,
                 gettext("Doctors and nurses"))
        _part_of(errors, "dmp_consents", "dmp_patients", self.dmp_consents, self.dmp_patients,
                 gettext("Consents collected"))
        _part_of(errors, "dmp_consulting", "dmp_users", self.dmp_consulting, self.dmp_users,
                 gettext("Users who consulted a DMP"))
        for part, whole in (("dmp_consents", "dmp_patients"), ("dmp_consulting", "dmp_users")):
            if (getattr(self, part) is None) != (getattr(self, whole) is None):
                errors.setdefault(part, []).append(gettext("Give both counts, or neither."))
        if self.measured_on and self.year and self.measured_on.year != self.year:
            errors.setdefault("measured_on", []).append(gettext("The measure must be taken in the year it is for."))
        if errors:
            raise ValidationError(errors)


class BudgetDeclaration(TenantModel):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="budget_declarations",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    total_budget = models.DecimalField(_("total budget (EUR)"), max_digits=14, decimal_places=2,
                                       validators=[MinValueValidator(0)])
    digital_budget = models.DecimalField(_("digital budget (EUR)"), max_digits=14, decimal_places=2,
                                         validators=[MinValueValidator(0)],
                                         help_text=_("Digital budget apart from cyber security."))
    cyber_budget = models.DecimalField(_("cyber security budget (EUR)"), max_digits=14, decimal_places=2,
                                       validators=[MinValueValidator(0)])
    note = models.TextField(_("note"), blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("declared by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    required_roles = {"add": Role.MANAGER, "change": Role.MANAGER}

    class Meta:
        ordering = ["organisation__path", "-year"]
        verbose_name = _("budget declaration")
        verbose_name_plural = _("budget declarations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="budget_declaration_once_a_year"),
            models.CheckConstraint(
                condition=models.Q(total_budget__gte=0, digital_budget__gte=0, cyber_budget__gte=0),
                name="budget_declaration_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Budget %(year)s") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("compliance:budget_edit", args=[self.uuid])

    @property
    def share(self) -> Decimal | None:
        """Digital + cyber as a percentage of the total budget, two decimals."""
        if not self.total_budget:
            return None
        value = (Decimal(self.digital_budget) + Decimal(self.cyber_budget)) * 100 / Decimal(self.total_budget)
        return value.quantize(Decimal("0.01"))

    def clean(self) -> None:
        errors: dict[str, list] = {}
        values = {"total_budget": self.total_budget, "digital_budget": self.digital_budget,
                  "cyber_budget": self.cyber_budget}
        for name, value in values.items():
            if value is not None and not Decimal(value).is_finite():
                errors.setdefault(name, []).append(gettext("Enter an amount."))
            elif value is not None and value < 0:
                errors.setdefault(name, []).append(gettext("A budget cannot be negative."))
        if errors:
            raise ValidationError(errors)
        if None not in values.values():
            if self.total_budget == 0 and (self.digital_budget or self.cyber_budget):
                errors["total_budget"] = [gettext("The total budget cannot be zero when the digital or cyber "
                                                  "budget is not.")]
            else:
                _part_of(errors, "digital_budget", "total_budget", self.digital_budget + self.cyber_budget,
                         self.total_budget, gettext("Digital and cyber budgets together"))
        if errors:
            raise ValidationError(errors)
