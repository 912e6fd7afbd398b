"""Funding declarations: the dossier a candidate files for one CaRE funding call, and its workflow.

A `FundingCall` (one per domain: D1, D2, HospiConnect) is reference data seeded from
`compliance/data/programme.yaml`, with its dates (`CallDate`); confirmed dates are locked, the others may be
set by platform administrators. A `Declaration` is a candidate's dossier for a call — a GHT files one for
all its members, a legal entity outside any GHT files its own — pinned to the framework version its
objectives come from. Every step of its workflow is a `DeclarationTransition` row (services:
`compliance/declarations.py`).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Scoped, TenantModel
from vigie.core.roles import Role
from vigie.core.scoping import role_paths, visibility

from .frameworks import Confidence, FrameworkVersion, localised

__all__ = ["CallDate", "Declaration", "DeclarationTransition", "FundingCall"]

CANDIDATE_KINDS = ("ght", "legal_entity")


class FundingCall(models.Model):
    """A funding call of one domain; the same for every organisation (not a tenant model)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(_("key"), max_length=64, unique=True)
    framework_key = models.CharField(_("framework"), max_length=64)
    title = models.JSONField(_("title"), default=dict)
    reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    url = models.URLField(_("source"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    data_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")

    def __str__(self) -> str:
        return localised(self.title) or self.key

    def get_absolute_url(self) -> str:
        return reverse("compliance:funding_call_detail", args=[self.uuid])

    def date_of(self, key: str):
        found = next((d for d in self.dates.all() if d.key == key), None)
        return found.date if found is not None else None


class CallDate(models.Model):
    class Key(models.TextChoices):
        APPLICATION_OPENS = "application_opens", _("Application window opens")
        APPLICATION_CLOSES = "application_closes", _("Application window closes")
        ARS_REVIEW_ENDS = "ars_review_ends", _("End of the ARS review")
        DECLARATION_OPENS = "declaration_opens", _("Declaration of objectives opens")
        DECLARATION_DEADLINE = "declaration_deadline", _("Deadline to declare the objectives reached")
        ARS_VERIFICATION_ENDS = "ars_verification_ends", _("End of the ARS verification")
        ANS_INSTRUCTION_ENDS = "ans_instruction_ends", _("End of the ANS instruction")
        PAYMENT_CLOSES = "payment_closes", _("Payment window closes")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    call = models.ForeignKey(FundingCall, on_delete=models.CASCADE, related_name="dates", verbose_name=_("call"))
    key = models.CharField(_("milestone"), max_length=32, choices=Key.choices)
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    date = models.DateField(_("date"), null=True, blank=True)
    confidence = models.CharField(_("confidence"), max_length=2, choices=Confidence.choices,
                                  default=Confidence.NOT_CONFIRMED)
    source = models.CharField(_("source"), max_length=300, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("edited by"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        ordering = ["call", "position"]
        verbose_name = _("call date")
        verbose_name_plural = _("call dates")
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="call_date_once_per_key")]

    def __str__(self) -> str:
        return f"{self.call} — {self.get_key_display()}"

    def save(self, *args, **kwargs) -> None:
        self.position = list(self.Key.values).index(self.key) if self.key in self.Key.values else 99
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.call.get_absolute_url()

    @property
    def editable(self) -> bool:
        """Confirmed dates come from an official text: they are only changed by a new data file."""
        return self.confidence != Confidence.CONFIRMED


class Declaration(TenantModel):
    """A candidate's funding dossier for one call."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("Prepared")
        SUBMITTED = "submitted", _("Submitted")
        VALIDATED = "validated", _("Validated by the ARS")
        DECLARED = "declared", _("Objectives declared")
        VERIFIED = "verified", _("Verified by the ARS")
        PAID = "paid", _("Paid")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="declarations",
        verbose_name=_("candidate"),
    )
    call = models.ForeignKey(FundingCall, on_delete=models.PROTECT, related_name="declarations",
                             verbose_name=_("funding call"))
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="declarations",
                                verbose_name=_("framework version"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREPARED)
    reference = models.CharField(_("dossier number"), max_length=64, blank=True,
                                 help_text=_("The number the national platform gave the application, if any."))
    amount_requested = models.DecimalField(_("amount requested (EUR)"), max_digits=12, decimal_places=2, null=True,
                                           blank=True, validators=[MinValueValidator(0)])
    amount_paid = models.DecimalField(_("amount paid (EUR)"), max_digits=12, decimal_places=2, null=True,
                                      blank=True, validators=[MinValueValidator(0)])
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Establishment managers prepare and edit; who may take each workflow step is decided by the service.
    required_roles = {"add": Role.MANAGER, "change": Role.MANAGER, "delete": Role.ADMIN}

    class Meta:
        ordering = ["call__position", "organisation__path"]
        verbose_name = _("funding declaration")
        verbose_name_plural = _("funding declarations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "call"], name="declaration_once_per_call"),
            models.CheckConstraint(condition=models.Q(amount_requested__isnull=True) | models.Q(amount_requested__gte=0),
                                   name="declaration_amount_requested_positive"),
            models.CheckConstraint(condition=models.Q(amount_paid__isnull=True) | models.Q(amount_paid__gte=0),
                                   name="declaration_amount_paid_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("compliance:declaration_detail", args=[self.uuid])

    @classmethod
    def scope_queryset(cls, queryset, user, action: str):
        """As every tenant model, plus: members of a GHT (or the sites of a legal entity) see, without
        changing it, the dossier filed for them by their candidate."""
        minimum = cls.required_role(action)
        if minimum is None:
            return queryset.none()
        condition = visibility(user, minimum, cls.tenant_path)
        if action == "view" and user.is_authenticated and user.is_active and not user.is_superuser:
            ancestors = {path[: 7 * i] for path in role_paths(user, Role.READER) for i in range(1, len(path) // 7)}
            if ancestors:
                members = Q(organisation__path__in=sorted(ancestors), organisation__kind__in=CANDIDATE_KINDS)
                condition = members if condition is None else condition | members
        return queryset.none() if condition is None else queryset.filter(condition)

    def clean(self) -> None:
        organisation = getattr(self, "organisation", None)
        if organisation is None:
            return
        if organisation.kind not in CANDIDATE_KINDS:
            raise ValidationError({"organisation": gettext(
                "Only a GHT, or a legal entity outside any GHT, files a funding dossier.")})
        parent = organisation.parent
        if organisation.kind == "legal_entity" and parent is not None and parent.kind == "ght":
            raise ValidationError({"organisation": gettext(
                "%(entity)s belongs to %(ght)s: the GHT files one dossier for all its members.")
                % {"entity": organisation.name, "ght": parent.name}})
        call = getattr(self, "call", None)
        version = getattr(self, "version", None)
        if call is not None and version is not None and version.framework.key != call.framework_key:
            raise ValidationError({"version": gettext("The framework version does not belong to this call's domain.")})


class DeclarationTransition(Scoped):
    """One step of a dossier's workflow: when, who, from which status to which, and why."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="transitions",
                                    verbose_name=_("declaration"))
    from_status = models.CharField(_("from"), max_length=16, choices=Declaration.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Declaration.Status.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    tenant_path = "declaration__organisation__path"

    class Meta:
        ordering = ["declaration", "at", "id"]
        verbose_name = _("declaration step")
        verbose_name_plural = _("declaration steps")

    def __str__(self) -> str:
        return f"{self.declaration}: {self.from_status or '—'} → {self.to_status}"

    def get_absolute_url(self) -> str:
        return self.declaration.get_absolute_url()
