"""Base models shared by every app: tenant-owned objects, background jobs and the engine runs they carry."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import DEFAULT_REQUIRED_ROLES, Role
from .scoping import scoped


class TenantQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        return scoped(self, user, action)


class Scoped(models.Model):
    """A model whose rows are visible according to roles on the organisation tree.

    `tenant_path` names the lookup to the owning organisation's materialised path; scoping filters on it.
    `required_roles` overrides DEFAULT_REQUIRED_ROLES per action.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = TenantQuerySet.as_manager()

    tenant_path = "organisation__path"
    required_roles: dict[str, Role] = {}

    class Meta:
        abstract = True

    @classmethod
    def required_role(cls, action: str) -> Role | None:
        return {**DEFAULT_REQUIRED_ROLES, **cls.required_roles}.get(action)

    def owning_organisation(self):
        """The organisation ``tenant_path`` leads to, through the same foreign keys (an inject's exercise's)."""
        owner = self
        for hop in self.tenant_path.split("__")[:-1]:
            owner = getattr(owner, hop)
        return owner


class TenantModel(Scoped):
    """An object that belongs to one node of the organisation tree."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )

    class Meta:
        abstract = True


class Job(TenantModel):
    """A background task and its progress, polled by the page that started it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="jobs", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result_file = models.CharField(max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_url = models.CharField(max_length=300, blank=True)  # a page of the app showing the result
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    required_roles = {"view": Role.READER, "add": Role.READER}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("core:job_detail", args=[self.uuid])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Run(TenantModel):
    """A run of an engine in the background (an exposure scan, a directory audit): the job that carries it,
    who started it, its status and when it started and finished."""

    Status = Job.Status

    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @classmethod
    def of_job(cls, job: Job, gone: str, *related: str) -> "Run":
        """The run ``job`` carries, named in its parameters under the model's name; LookupError(gone) when
        it was deleted since."""
        run = cls.objects.select_related(*related).filter(
            uuid=job.params.get(cls._meta.model_name), organisation=job.organisation).first()
        if run is None:
            raise LookupError(gone)
        return run

    @property
    def when(self) -> str:
        """When it finished (or, until then, was created), local time to the minute, as its name shows it."""
        return timezone.localtime(self.finished_at or self.created_at).strftime("%Y-%m-%d %H:%M")
