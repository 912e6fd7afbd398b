"""The action plan (PAQ) and what the deadlines calendar stores.

- `Action`: one thing to do for an organisation, raised by hand or by another module through
  `services.raise_action()` under a (source, source_key) identity; `ActionNote`: its append-only journal.
- `DeadlineCompletion`: "this organisation did that programme deadline on that day" (the deadlines
  themselves are data: `data/deadlines.yaml`, loaded by `deadlines.py`).
- `CalendarFeed`: a user's secret ICS address (only its SHA-256 is kept); `ReminderLog`: one row per
  reminder sent, unique per item, recipient and day, so two runs of `send_reminders` send once.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigie.accounts.models import HashedSecret, RoleAssignment
from vigie.core.models import Scoped, TenantModel, TenantQuerySet
from vigie.core.roles import Role

from .deadlines import catalogue


class Source(models.TextChoices):
    FINDING = "finding", _("Finding")
    ASSESSMENT_GAP = "assessment_gap", _("Assessment gap")
    EXERCISE_LESSON = "exercise_lesson", _("Exercise lesson")
    AUDIT_CHECK = "audit_check", _("Audit check")
    MANUAL = "manual", _("Manual")


class Priority(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE = (Status.OPEN, Status.IN_PROGRESS)
CLOSED = (Status.DONE, Status.CANCELLED)
PRIORITY_RANK = Case(
    *(When(priority=p, then=Value(i)) for i, p in enumerate(Priority.values)), output_field=IntegerField()
)
# Which status may follow which; a merged action is frozen whatever its status.
TRANSITIONS = {
    Status.OPEN: {Status.IN_PROGRESS, Status.DONE, Status.CANCELLED},
    Status.IN_PROGRESS: {Status.OPEN, Status.DONE, Status.CANCELLED},
    Status.DONE: {Status.OPEN, Status.IN_PROGRESS},
    Status.CANCELLED: {Status.OPEN},
}


class ActionQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE)

    def overdue(self, today: datetime.date | None = None):
        return self.active().filter(due__lt=today or timezone.localdate())

    def in_order(self):
        return self.alias(rank=PRIORITY_RANK).order_by(models.F("due").asc(nulls_last=True), "rank", "id")


class Action(TenantModel):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    source_key = models.CharField(
        _("source key"), max_length=200, blank=True,
        help_text=_("The identity the producing module gives the problem; empty for manual actions."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due date"), null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged",
        verbose_name=_("merged into"),
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = [models.F("due").asc(nulls_last=True), "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "source_key"], condition=~Q(source_key=""),
                name="action_one_per_source_key",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due"], name="action_status_due"),
            # "the most urgent overdue actions" walks open actions in due order (home page, national scale)
            models.Index(fields=["due"], condition=Q(status__in=ACTIVE), name="action_active_due"),
            # the lists' order (in_order()): a page of the national plan reads its rows instead of sorting them
            # all (ascending is already NULLS LAST on PostgreSQL; SQLite refuses the words in an index)
            models.Index(models.F("due"), PRIORITY_RANK, models.F("id"), name="action_default_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", args=[self.uuid])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_active and self.due is not None and self.due < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    def allowed_statuses(self) -> list[str]:
        return [] if self.merged_into_id else sorted(TRANSITIONS[Status(self.status)], key=Status.values.index)

    @property
    def moves(self) -> list[tuple[str, str]]:
        """(status, label) pairs the action may move to, for the board and the detail page."""
        return [(s, Status(s).label) for s in self.allowed_statuses()]

    def clean(self) -> None:
        if self.owner_id and self.organisation_id:
            prefixes = [self.organisation.path[: 7 * i] for i in range(1, self.organisation.depth + 1)]
            if not RoleAssignment.objects.filter(user_id=self.owner_id, organisation__path__in=prefixes).exists():
                raise ValidationError({"owner": gettext(
                    "%(user)s holds no role on %(organisation)s: choose someone who does."
                ) % {"user": self.owner, "organisation": self.organisation}})
        if self.source != Source.MANUAL and not self.source_key:
            raise ValidationError({"source_key": gettext("An action raised by a module needs its source key.")})


class ActionNote(Scoped):
    """A line of an action's journal: progress written by people, and what Vigie did (author empty)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes", verbose_name=_("action"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("author"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    text = models.TextField(_("note"))

    tenant_path = "action__organisation__path"

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args, **kwargs) -> None:
        # Append-only, except that merging moves notes to the surviving action (a queryset update).
        if self.pk is not None:
            raise PermissionError("action notes are append-only")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url()


class DeadlineCompletion(TenantModel):
    """A programme deadline done by an organisation on a day, recorded by a module or by hand."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    deadline = models.CharField(_("deadline"), max_length=64)
    done_on = models.DateField(_("done on"))
    reference = models.CharField(_("reference"), max_length=300, blank=True,
                                 help_text=_("What proves it: a report, an exercise, a minute…"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    required_roles = {"add": Role.CONTRIBUTOR, "delete": Role.CONTRIBUTOR}

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = _("deadline completion")
        verbose_name_plural = _("deadline completions")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "deadline", "done_on", "reference"],
                                    name="completion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline} — {self.done_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("actions:deadlines") + f"?organisation={self.organisation.uuid}"

    def clean(self) -> None:
        deadline = catalogue().get(self.deadline)
        if deadline is None:
            raise ValidationError({"deadline": gettext("Unknown deadline %(code)s.") % {"code": self.deadline}})
        if self.organisation_id and not deadline.applies(self.organisation):
            raise ValidationError({"organisation": gettext(
                "The deadline “%(deadline)s” does not apply to %(organisation)s."
            ) % {"deadline": deadline.title(), "organisation": self.organisation}})
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": gettext("A completion cannot be in the future.")})


class CalendarFeed(HashedSecret):
    """A user's secret calendar address."""

    PREFIX = "cal_"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")

    class Meta(HashedSecret.Meta):
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({self.hint}…)"

    @classmethod
    def issue(cls, user) -> tuple["CalendarFeed", str]:
        """A new secret address for `user`, replacing (revoking) the previous one."""
        raw, stored = cls.new_secret()
        cls.objects.filter(user=user).delete()
        return cls.objects.create(user=user, **stored), raw

    @classmethod
    def scope_queryset(cls, queryset, user, action: str):
        """Personal: only the owner sees or revokes theirs."""
        if action not in ("view", "delete") or not user.is_authenticated or not user.is_active:
            return queryset.none()
        return queryset.filter(user=user)


class ReminderLog(models.Model):
    """One reminder about one item to one person on one day; the unique constraint is the claim."""

    class Kind(models.TextChoices):
        ACTION = "action", _("Action")
        DEADLINE = "deadline", _("Deadline")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    item = models.CharField(max_length=120)  # an action's uuid, or "deadline code:organisation uuid"
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "item", "recipient", "day"], name="reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item} → {self.recipient_id} ({self.day})"
