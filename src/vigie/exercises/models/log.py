"""The crisis log (main courante): a time-stamped, strictly append-only record kept by the crisis cell.

Entries are never changed nor deleted: a correction is a new entry pointing to the one it corrects. The
server stamps each entry and gives it the next number of its log (`seq`), allocated under a row lock on the
log so that concurrent writers all get distinct, gap-free numbers in one order (services in ../log.py).
On PostgreSQL a trigger also refuses UPDATE and DELETE (migration 0001).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Scoped, TenantModel
from vigie.core.scoping import scoped, visibility

APPEND_ONLY = "log entries are append-only: write a correction instead"


class CrisisLog(TenantModel):
    """One crisis log, for an exercise or a real incident."""

    class Kind(models.TextChoices):
        EXERCISE = "exercise", _("Exercise")
        INCIDENT = "incident", _("Incident")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="crisis_logs",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INCIDENT)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    # The last sequence number given; only ever changed by services.log.append_entry under a row lock.
    last_seq = models.PositiveIntegerField(_("last entry number"), default=0, editable=False)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("crisis log")
        verbose_name_plural = _("crisis logs")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exercises:log_detail", args=[self.uuid])

    @classmethod
    def scope_queryset(cls, queryset, user, action: str):
        """As every tenant model, plus: the players of a running exercise see and write its log whatever
        their role on the platform (the director or a doctor playing is often only a reader)."""
        minimum = cls.required_role(action)
        condition = visibility(user, minimum, cls.tenant_path) if minimum is not None else None
        allowed = queryset.filter(condition) if condition is not None else queryset.none()
        if action in ("view", "add") and user.is_authenticated and user.is_active:
            playing = queryset.filter(exercise__participants__user=user, exercise__status__in=("running", "paused"))
            allowed = (allowed | playing).distinct()
        return allowed

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class LogEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(APPEND_ONLY)

    def delete(self):
        raise PermissionError(APPEND_ONLY)

    def for_user(self, user, action: str = "view"):
        return scoped(self, user, action)


class LogEntry(Scoped):
    """One line of the log. Created only through services.log.append_entry; never updated or deleted."""

    class Category(models.TextChoices):
        DECISION = "decision", _("Decision")
        INFORMATION = "information", _("Information")
        ACTION = "action", _("Action")
        COMMUNICATION = "communication", _("Communication")

    log = models.ForeignKey(CrisisLog, on_delete=models.PROTECT, related_name="entries", verbose_name=_("log"))
    seq = models.PositiveIntegerField(_("number"), editable=False)
    recorded_at = models.DateTimeField(_("recorded at"), editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("author"),
    )
    author_name = models.CharField(_("author name"), max_length=150, blank=True, editable=False)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    text = models.TextField(_("text"))
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
        verbose_name=_("corrects"),
    )

    objects = LogEntryQuerySet.as_manager()

    tenant_path = "log__organisation__path"

    class Meta:
        ordering = ["log", "seq"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        constraints = [models.UniqueConstraint(fields=["log", "seq"], name="exercises_logentry_unique_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.text[:60]}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(APPEND_ONLY)

    def get_absolute_url(self) -> str:
        return reverse("exercises:log_detail", args=[self.log.uuid]) + f"#entry-{self.seq}"
