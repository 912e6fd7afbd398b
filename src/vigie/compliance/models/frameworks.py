"""The framework library: programme texts loaded from the YAML files of `compliance/frameworks/`.

A `Framework` (CaRE Domain 2, ANSSI hygiene guide…) has versions; a `FrameworkVersion` holds the whole
validated document and its requirements. Versions are reference data, the same for every organisation,
so they are not tenant models. A version that an assessment uses is immutable: loading different content
under the same version number is refused, and a new version leaves old assessments where they were.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localised(value, language: str | None = None) -> str:
    """{"fr": …, "en": …} in the current language (French when the other is missing)."""
    if not isinstance(value, dict):
        return value or ""
    language = (language or get_language() or "fr")[:2]
    return value.get(language) or value.get("fr") or value.get("en") or ""


class Confidence(models.TextChoices):
    CONFIRMED = "C", _("Official source")
    SECONDARY = "S", _("Secondary source")
    NOT_CONFIRMED = "NC", _("Not confirmed")


class AnswerKind(models.TextChoices):
    STATUS = "status", _("Compliance status")
    MATURITY = "maturity", _("Maturity score (0 to 3)")


class Framework(models.Model):
    key = models.SlugField(_("key"), max_length=64, unique=True)
    title = models.JSONField(_("title"), default=dict)

    class Meta:
        ordering = ["key"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return localised(self.title) or self.key

    def latest(self):
        return self.versions.order_by("-loaded_at").first()


class FrameworkVersion(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions",
                                  verbose_name=_("framework"))
    version = models.CharField(_("version"), max_length=32)
    document = models.JSONField(_("document"), help_text=_("The validated file, as loaded."))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    filename = models.CharField(_("file"), max_length=200)
    answer_kind = models.CharField(_("answers"), max_length=16, choices=AnswerKind.choices)
    self_assessment = models.BooleanField(_("yearly self-assessment"), default=False)
    confirmed = models.BooleanField(_("confirmed"), default=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("loaded by"))

    class Meta:
        ordering = ["framework__key", "-loaded_at"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [models.UniqueConstraint(fields=["framework", "version"], name="framework_version_unique")]

    def __str__(self) -> str:
        return f"{self.framework} — {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("compliance:framework_detail", args=[self.uuid])

    @property
    def key(self) -> str:
        return self.framework.key

    @property
    def title(self) -> str:
        return localised(self.document.get("title"))

    @property
    def scoring(self) -> dict:
        return self.document.get("scoring", {})

    @property
    def themes(self) -> dict[str, str]:
        return {t["key"]: localised(t["title"]) for t in self.document.get("themes", [])}

    @property
    def conditions(self) -> list[dict]:
        return self.document.get("conditions", [])

    @property
    def in_use(self) -> bool:
        return self.assessments.exists()


class Requirement(models.Model):
    """One requirement (or question) of a framework version. `data` keeps its whole entry of the file."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="requirements",
                                verbose_name=_("framework version"))
    code = models.CharField(_("code"), max_length=40)
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=24)
    theme = models.CharField(_("theme"), max_length=64, blank=True)
    parent_code = models.CharField(_("parent"), max_length=40, blank=True)
    answerable = models.BooleanField(_("answerable"), default=True)
    confirmed = models.BooleanField(_("confirmed"), default=True)
    data = models.JSONField(_("data"))

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="requirement_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("compliance:requirement_detail", args=[self.uuid])

    @property
    def reference(self) -> str:
        """`framework:code`, how evidence and providers name a requirement across versions."""
        return f"{self.version.framework.key}:{self.code}"

    @property
    def title(self) -> str:
        return localised(self.data.get("title"))

    @property
    def text(self) -> str:
        return localised(self.data.get("text"))

    @property
    def evidence_expected(self) -> list[str]:
        return [localised(item) for item in self.data.get("evidence", [])]

    @property
    def note(self) -> str:
        return localised(self.data.get("note"))

    @property
    def source(self) -> dict:
        return self.data.get("source", {})

    @property
    def applicability(self) -> dict:
        return self.data.get("applicability", {})

    @property
    def freshness(self) -> list[dict]:
        return self.data.get("freshness", [])

    @property
    def coverage_threshold(self):
        """The share of activity the requirement's evidence must cover, if the file sets one."""
        coverage = self.data.get("coverage")
        if not coverage:
            return None
        return coverage.get("threshold")
