"""Evidence: files uploaded by an organisation, tagged with the requirements they help prove.

Records produced by other modules are not stored here: providers (`compliance.providers`) compute them
on demand. Files live under MEDIA_ROOT/evidence/, named by their SHA-256; the name users see is kept apart.
"""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Scoped, TenantModel


class Evidence(TenantModel):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="evidence",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    document_date = models.DateField(
        _("document date"), help_text=_("When the document was issued, reviewed or the audit was run: "
                                         "freshness rules count from this date."),
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-document_date", "-uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("compliance:evidence_detail", args=[self.uuid])

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "evidence" / self.sha256[:2] / self.sha256

    @property
    def references(self) -> list[str]:
        return [t.reference for t in self.targets.all()]


class EvidenceTarget(Scoped):
    """A requirement a piece of evidence helps prove, named as `framework:code` so it survives versions."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="targets",
                                 verbose_name=_("evidence"))
    framework_key = models.CharField(_("framework"), max_length=64)
    code = models.CharField(_("requirement code"), max_length=40)

    tenant_path = "evidence__organisation__path"

    class Meta:
        ordering = ["framework_key", "code"]
        verbose_name = _("evidence target")
        verbose_name_plural = _("evidence targets")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "framework_key", "code"], name="evidence_target_unique"),
        ]
        indexes = [models.Index(fields=["framework_key", "code"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.framework_key}:{self.code}"
