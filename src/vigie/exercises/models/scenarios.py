"""An establishment's own scenarios (copied from the library or written from scratch) and their chronogram."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Scoped, TenantModel


class KitLevel(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    CONFIRMED = "confirmed", _("Confirmed")


class Channel(models.TextChoices):
    MAIL = "mail", _("E-mail")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    PRESS = "press", _("Press")
    IN_PERSON = "in_person", _("In person")


class ParticipantRole(models.TextChoices):
    DIRECTION = "direction", _("General management")
    MEDICAL = "medical", _("Medical")
    CARE = "care", _("Care management")
    IT = "it", _("IT")
    COMMUNICATION = "communication", _("Communication")
    QUALITY = "quality", _("Quality")
    TECHNICAL = "technical", _("Technical services")


ALL_ROLES = "all"
RECIPIENT_CHOICES = [(ALL_ROLES, _("Everyone")), *ParticipantRole.choices]


class Scenario(TenantModel):
    """A chronogram an establishment owns: editable, used to plan its exercises."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    cyber_trigger = models.BooleanField(_("cyber trigger"), default=True,
                                        help_text=_("The crisis starts from a cyber incident."))
    kit_level = models.CharField(_("kit level"), max_length=16, choices=KitLevel.choices, default=KitLevel.BEGINNER)
    library_key = models.CharField(_("copied from"), max_length=64, blank=True)
    library_version = models.PositiveIntegerField(_("library version"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exercises:scenario_detail", args=[self.uuid])


class InjectFields(models.Model):
    """What a chronogram row says, shared by a scenario's injects and an exercise's copy of them."""

    position = models.PositiveIntegerField(_("position"), default=0)
    offset_minutes = models.PositiveIntegerField(_("offset (minutes from DEBEX)"), default=0)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.MAIL)
    sender = models.CharField(_("sender"), max_length=200)
    recipient_role = models.CharField(_("recipient role"), max_length=16, choices=RECIPIENT_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    expected_reactions = models.JSONField(_("expected reactions"), default=list, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"T+{self.offset_minutes} {self.title}"


class ScenarioInject(InjectFields, Scoped):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="injects",
                                 verbose_name=_("scenario"))

    tenant_path = "scenario__organisation__path"

    class Meta:
        ordering = ["scenario", "offset_minutes", "position", "pk"]
        verbose_name = _("scenario inject")
        verbose_name_plural = _("scenario injects")

    def get_absolute_url(self) -> str:
        return reverse("exercises:scenario_inject_edit", args=[self.uuid])
