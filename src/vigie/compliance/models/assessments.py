"""Assessments: an organisation's answers to one framework version, reviewed and approved.

Draft → in review → approved. Approved assessments are frozen; approval raises one PAQ action per gap
(services). Answers exist for every answerable requirement from creation; whether a requirement applies
to the organisation is computed from the file's applicability and the assessment's condition answers.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Scoped, TenantModel
from vigie.core.roles import Role

from .frameworks import AnswerKind, FrameworkVersion, Requirement


class Assessment(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="assessments",
        verbose_name=_("organisation"),
    )
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="assessments",
                                verbose_name=_("framework version"))
    assessed_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True,
                                  help_text=_("Answers to the framework's applicability questions."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True,
                                help_text=_("Kept at approval: compliance % or maturity average."))

    required_roles = {"approve": Role.MANAGER}

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["status", "assessed_on"]),
                   models.Index(fields=["-assessed_on", "-created_at"], name="compliance_assessment_order")]

    def __str__(self) -> str:
        return f"{self.version} — {self.assessed_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("compliance:assessment_detail", args=[self.uuid])

    @property
    def editable(self) -> bool:
        return self.status != self.Status.APPROVED


class Answer(Scoped):
    class Status(models.TextChoices):
        COMPLIANT = "compliant", _("Compliant")
        PARTIAL = "partial", _("Partially compliant")
        NON_COMPLIANT = "non_compliant", _("Non-compliant")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers",
                                   verbose_name=_("assessment"))
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="answers",
                                    verbose_name=_("requirement"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("maturity score"), null=True, blank=True,
                                             validators=[MinValueValidator(0), MaxValueValidator(3)])
    comment = models.TextField(_("comment"), blank=True)
    evidence = models.ManyToManyField("compliance.Evidence", blank=True, related_name="answers",
                                      verbose_name=_("evidence"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    tenant_path = "assessment__organisation__path"
    required_roles = {"review": Role.MANAGER}

    class Meta:
        ordering = ["assessment", "requirement__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "requirement"], name="answer_once_per_requirement"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code}: {self.get_status_display() or self.score}"

    def get_absolute_url(self) -> str:
        return self.assessment.get_absolute_url() + f"#answer-{self.uuid}"

    @property
    def answered(self) -> bool:
        return bool(self.status) or self.score is not None

    def clean(self) -> None:
        kind = self.assessment.version.answer_kind
        if kind == AnswerKind.MATURITY and self.status not in ("", self.Status.NOT_APPLICABLE):
            raise ValidationError({"status": gettext("This questionnaire is answered with a score from 0 to 3.")})
        if kind == AnswerKind.STATUS and self.score is not None:
            raise ValidationError({"score": gettext("This framework is answered with a status, not a score.")})
        if self.score is not None and self.status == self.Status.NOT_APPLICABLE:
            raise ValidationError({"score": gettext("A question marked not applicable has no score.")})
