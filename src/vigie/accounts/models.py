"""Users, their roles on the organisation tree, personal API tokens and the audit log."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Scoped
from vigie.core.roles import Role


class User(AbstractUser):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set when an administrator resets the password."),
    )
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.uuid])

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    def home_organisation(self):
        """The node of the strongest role: where this account's events are filed for its administrators."""
        first = self.roles.select_related("organisation").order_by("-role", "organisation__path").first()
        return first.organisation if first else None

    def has_second_factor(self) -> bool:
        return self.totpdevice_set.filter(confirmed=True).exists()

    @classmethod
    def scope_queryset(cls, queryset, user, action: str):
        """What `scoped()` returns for users: "manage" (and "view") reach `manageable_users(user)` only."""
        # cycle: services imports these models (a model method calling a service; not broken yet)
        from .services import manageable_users

        if action not in ("view", "manage"):
            return queryset.none()
        return queryset.filter(pk__in=manageable_users(user).values("pk"))

    @classmethod
    def required_role(cls, action: str) -> Role | None:
        """Where users may be managed (created, reset): under the nodes their administrator holds ADMIN on."""
        return Role.ADMIN if action in ("view", "manage") else None


class RoleAssignment(Scoped):
    """A role on a node of the tree; it applies to the node's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    role = models.PositiveSmallIntegerField(_("role"), choices=Role.choices)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    # Seeing and changing who holds roles is a manager's business.
    required_roles = {"view": Role.MANAGER, "add": Role.MANAGER, "change": Role.MANAGER, "delete": Role.MANAGER}

    class Meta:
        ordering = ["organisation__path", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_user_and_node"),
        ]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("organisations:members", args=[self.organisation.uuid])


def tree_node_model():
    """The organisation model roles are granted on, reached through the role's foreign key: the
    organisations app sits above accounts and imports it, so accounts never imports organisations."""
    return RoleAssignment._meta.get_field("organisation").related_model


class HashedSecret(models.Model):
    """A secret shown once at creation (an API token, a calendar address): only its SHA-256 is stored, with
    a hint (its prefix and four characters) for the owner to recognise it."""

    PREFIX = ""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> tuple[str, dict[str, str]]:
        """A new raw secret, and the fields that store it (its digest and hint)."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, {"digest": cls.hash(raw), "hint": raw[: len(cls.PREFIX) + 4]}


class ApiToken(HashedSecret):
    """A personal API token."""

    PREFIX = "vig_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta(HashedSecret.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: User, name: str, expires_at=None) -> tuple["ApiToken", str]:
        raw, stored = cls.new_secret()
        return cls.objects.create(user=user, name=name, expires_at=expires_at, **stored), raw

    def is_valid(self) -> bool:
        return self.expires_at is None or self.expires_at > timezone.now()

    @classmethod
    def scope_queryset(cls, queryset, user, action: str):
        """What `scoped()` returns for tokens: personal, so only the owner's, for "view" and "delete"."""
        if action not in ("view", "delete") or not user.is_authenticated or not user.is_active:
            return queryset.none()
        return queryset.filter(user=user)


class AuditEvent(Scoped):
    """Append-only: rows are never updated or deleted (enforced by database triggers too)."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        LOCKED = "locked", _("Account locked")
        CREATE = "create", _("Creation")
        CHANGE = "change", _("Change")
        DELETE = "delete", _("Deletion")
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        SECURITY = "security", _("Security setting")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint: the record outlives the user and the organisation it names.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name=_("user"),
    )
    username = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_uuid = models.CharField(max_length=36, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name=_("organisation"),
    )
    # Kept as text so the record still scopes correctly after the organisation is deleted.
    organisation_path = models.CharField(max_length=64, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    tenant_path = "organisation_path"
    required_roles = {"view": Role.ADMIN, "export": Role.ADMIN}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_repr}"

    def owning_organisation(self):
        return self.organisation  # its tenant_path is a copy of the path, not a relation

    def change_list(self) -> list[tuple[str, object]]:
        """The changed fields as pairs: a template's `changes.items` would read a field named "items"."""
        return list(self.changes.items()) if isinstance(self.changes, dict) else []

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")
