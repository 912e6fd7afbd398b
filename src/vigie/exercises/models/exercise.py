"""A crisis exercise: its plan, participants, the chronogram copied at planning, the observer grid, the
RETEX with its lessons, and its declaration to the national platform."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Scoped, TenantModel
from vigie.core.roles import Role

from .scenarios import InjectFields, KitLevel, ParticipantRole, Scenario, ScenarioInject  # noqa: F401 (re-exported)


class Format(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop")
    SIMULATION = "simulation", _("Simulation")
    FIELD_TEST = "field_test", _("Field test of a continuity plan")


class Exercise(TenantModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended (FINEX)")

    title = models.CharField(_("title"), max_length=200)
    kit_level = models.CharField(_("kit level"), max_length=16, choices=KitLevel.choices, default=KitLevel.BEGINNER)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices, default=Format.TABLETOP)
    objectives = models.TextField(_("objectives"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    planned_for = models.DateTimeField(_("date"), null=True, blank=True)
    scenario = models.ForeignKey(Scenario, on_delete=models.SET_NULL, null=True, blank=True, related_name="exercises",
                                 verbose_name=_("scenario"))
    cyber_trigger = models.BooleanField(_("cyber trigger"), default=True)
    pure_it_test = models.BooleanField(
        _("pure IT test"), default=False,
        help_text=_("A restore, fail-over or IT recovery test only, without the business side."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    started_at = models.DateTimeField(_("DEBEX"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("time spent paused (s)"), default=0)
    ended_at = models.DateTimeField(_("FINEX"), null=True, blank=True)
    log = models.OneToOneField("exercises.CrisisLog", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="exercise", verbose_name=_("crisis log"))
    # RETEX
    hot_debrief = models.TextField(_("hot debrief notes"), blank=True)
    retex_due = models.DateField(_("cold RETEX due"), null=True, blank=True)
    retex_done_on = models.DateField(_("cold RETEX done on"), null=True, blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    # declaration to the national platform
    declared_on = models.DateField(_("declared on"), null=True, blank=True)
    declaration_reference = models.CharField(_("declaration reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Observers are often readers (quality, ARS guests): they may record their grid.
    required_roles = {"observe": Role.READER}

    class Meta:
        ordering = ["-planned_for", "-pk"]
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        indexes = [models.Index(fields=["-planned_for", "-id"], name="exercises_list_order")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exercises:exercise_detail", args=[self.uuid])


class ExerciseChild(Scoped):
    tenant_path = "exercise__organisation__path"
    required_roles = {"observe": Role.READER}

    class Meta:
        abstract = True


class Participant(ExerciseChild):
    class Function(models.TextChoices):
        PLAYER = "player", _("Player")
        ANIMATOR = "animator", _("Animator")
        OBSERVER = "observer", _("Observer")

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participants",
                                 verbose_name=_("exercise"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("user"))
    name = models.CharField(_("name (external participant)"), max_length=150, blank=True)
    affiliation = models.CharField(_("organisation (external participant)"), max_length=150, blank=True)
    function = models.CharField(_("function"), max_length=16, choices=Function.choices, default=Function.PLAYER)
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices, blank=True)

    class Meta:
        ordering = ["exercise", "function", "role", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        who = (self.user.get_full_name() or self.user.username) if self.user_id else self.name
        return f"{who} ({self.get_role_display() or self.get_function_display()})"

    def clean(self) -> None:
        if not self.user_id and not self.name:
            raise ValidationError(_("Choose a user or name the external participant."))
        if self.function == self.Function.PLAYER and not self.role:
            raise ValidationError({"role": _("A player needs a role.")})


class ExerciseInject(InjectFields, ExerciseChild):
    """The exercise's own copy of a chronogram row, with its release state."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        HELD = "held", _("Held")
        RELEASED = "released", _("Released")

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="injects",
                                 verbose_name=_("exercise"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by_hand = models.BooleanField(_("released by hand"), default=False)

    class Meta:
        ordering = ["exercise", "offset_minutes", "position", "pk"]
        verbose_name = _("exercise inject")
        verbose_name_plural = _("exercise injects")

    def get_absolute_url(self) -> str:
        return reverse("exercises:run_control", args=[self.exercise.uuid]) + f"#inject-{self.pk}"


class Observation(ExerciseChild):
    class Timing(models.TextChoices):
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")
        MISSED = "missed", _("Not seen")

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="observations",
                                 verbose_name=_("exercise"))
    inject = models.ForeignKey(ExerciseInject, on_delete=models.CASCADE, related_name="observations",
                               verbose_name=_("inject"))
    observer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("observer"))
    reactions_seen = models.JSONField(_("expected reactions seen"), default=list, blank=True)
    timing = models.CharField(_("timing"), max_length=16, choices=Timing.choices, default=Timing.ON_TIME)
    comment = models.TextField(_("comment"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["inject", "pk"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [models.UniqueConstraint(fields=["inject", "observer"], name="exercises_one_grid_per_observer")]

    def __str__(self) -> str:
        return f"{self.inject.title}: {self.get_timing_display()}"


class Lesson(ExerciseChild):
    """A lesson of the cold RETEX; each becomes an action of the action plan."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="lessons",
                                 verbose_name=_("exercise"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    action_uuid = models.UUIDField(_("action"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["exercise", "number"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [models.UniqueConstraint(fields=["exercise", "number"], name="exercises_lesson_number")]

    def __str__(self) -> str:
        return self.title
