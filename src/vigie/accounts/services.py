"""What the accounts pages (and other apps) call: sign-in checks, second factor, tokens, user administration.

Views stay short: they fetch through `scoped()` or `manageable_users()`, validate a form and call one of
these functions, which do the work and write the audit log.
"""

import secrets
import string
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.core.recent import mark_confirmed
from vigie.core.roles import Role, grantable
from vigie.core.scoping import highest_role, scoped

from .audit import record
from .models import ApiToken, AuditEvent, RoleAssignment, User, tree_node_model


class Refused(Exception):
    """A write the rules do not allow; `messages` are shown to the user as they are."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


BACKEND = "django.contrib.auth.backends.ModelBackend"
PENDING_KEY = "vigie_pending_login"
PENDING_SECONDS = 5 * 60
RECOVERY_CODES_KEY = "vigie_recovery_codes"
AFTER_CODES_KEY = "vigie_after_recovery_codes"
RECOVERY_CODE_COUNT = 10
IP_FAILURE_LIMIT = 20
IP_FAILURE_WINDOW = timedelta(minutes=15)
TEMPORARY_PASSWORD_LENGTH = 16


# --- who may administer whom ------------------------------------------------------------------------


def is_user_admin(user) -> bool:
    """Superusers, and users holding ADMIN on at least one node."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or RoleAssignment.objects.filter(user=user, role__gte=Role.ADMIN).exists()


def manageable_users(admin) -> QuerySet:
    """Users whose every role lies inside one of `admin`'s ADMIN subtrees, as one SQL query.

    A user holding any role outside those subtrees is out of reach: resetting their password or second
    factor would hand over their other roles. Another administrator is reachable only from strictly above. Users without any role, and superusers, are manageable by
    superusers only. Nobody manages themselves here (the profile page is for that).
    """
    if not admin.is_authenticated or not admin.is_active:
        return User.objects.none()
    if admin.is_superuser:
        return User.objects.exclude(pk=admin.pk)
    # An ADMIN role of `admin` whose node is an ancestor-or-self of the outer role's node.
    covering = RoleAssignment.objects.filter(user=admin, role__gte=Role.ADMIN).filter(
        StartsWith(OuterRef("organisation__path"), F("organisation__path"))
    )
    # Another administrator is managed only from strictly above: peers on the same node cannot take
    # each other's accounts over.
    strictly_covering = covering.exclude(organisation__path=OuterRef("organisation__path"))
    # A role of the outer user that no ADMIN role of `admin` covers.
    uncovered = RoleAssignment.objects.filter(user=OuterRef("pk")).filter(
        Q(role__lt=Role.ADMIN) & ~Exists(covering) | Q(role__gte=Role.ADMIN) & ~Exists(strictly_covering)
    )
    any_role = RoleAssignment.objects.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(Exists(any_role), is_superuser=False)
        .exclude(Exists(uncovered))
        .exclude(pk=admin.pk)
    )


def administered_organisations(admin) -> QuerySet:
    """Nodes under the admin's ADMIN roles: where they may create users and grant roles.

    Organisation requires ADMIN for its "audit" action, the same condition as administering its users.
    """
    return scoped(tree_node_model().objects.all(), admin, "audit")


# --- sign-in: first step -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    user: User | None = None
    refusal: str = ""  # "", "invalid", "locked", "throttled"
    locked_until: datetime | None = None


def address_throttled(ip: str | None) -> bool:
    """More than IP_FAILURE_LIMIT failed sign-ins from this address in the last IP_FAILURE_WINDOW."""
    if not ip:
        return False
    since = timezone.now() - IP_FAILURE_WINDOW
    failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, ip=ip, at__gte=since)
    return failures.count() > IP_FAILURE_LIMIT


def record_failure(user: User | None, username: str, reason: str) -> None:
    record(AuditEvent.Action.LOGIN_FAILED, user=user, username=username, changes={"reason": reason})


def register_failure(user: User) -> bool:
    """Count a failed password or second factor; lock the account at the threshold. True if now locked."""
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    until = timezone.now() + timedelta(minutes=settings.VIGIE_LOCKOUT_MINUTES)
    # Conditional update: exactly one concurrent request locks the account and writes the event.
    locked = User.objects.filter(pk=user.pk, failed_logins__gte=settings.VIGIE_LOCKOUT_THRESHOLD).update(
        locked_until=until, failed_logins=0
    )
    user.refresh_from_db(fields=["failed_logins", "locked_until"])
    if locked:
        record(AuditEvent.Action.LOCKED, obj=user, user=user,
               changes={"until": until.isoformat(), "minutes": settings.VIGIE_LOCKOUT_MINUTES})
    return user.is_locked()


def check_password(username: str, password: str, ip: str | None) -> PasswordCheck:
    """The first sign-in step. Unknown users and wrong passwords get the same refusal."""
    if address_throttled(ip):
        record_failure(None, username, "address_throttled")
        return PasswordCheck(refusal="throttled")
    user = User.objects.filter(username=username).first()
    if user is None:
        User().set_password(password)  # spend the same time as for a real user: no enumeration by timing
        record_failure(None, username, "unknown_user")
        return PasswordCheck(refusal="invalid")
    if user.is_locked():
        record_failure(user, username, "locked")
        return PasswordCheck(refusal="locked", locked_until=user.locked_until)
    if not user.check_password(password) or not user.is_active:
        record_failure(user, username, "password" if user.is_active else "inactive")
        if user.is_active and register_failure(user):
            return PasswordCheck(refusal="locked", locked_until=user.locked_until)
        return PasswordCheck(refusal="invalid")
    return PasswordCheck(user=user)


# --- sign-in: pending state between the steps --------------------------------------------------------


def begin_pending(request, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user": user.pk, "at": time.time(), "next": next_url}


def pending_user(request) -> tuple[User | None, bool]:
    """The user half-way through sign-in, and whether a pending state had expired (then it is dropped)."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None, False
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        return None, True
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        del request.session[PENDING_KEY]
    return user, False


def drop_pending(request) -> None:
    request.session.pop(PENDING_KEY, None)


def complete_sign_in(request, user: User, device) -> str:
    """Both factors checked: open the session. Returns where to go next."""
    pending = request.session.pop(PENDING_KEY, None) or {}
    auth_login(request, user, backend=BACKEND)
    otp_login(request, device)
    mark_confirmed(request)
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    record(AuditEvent.Action.LOGIN, user=user, changes={"device": device.__class__.__name__})
    return pending.get("next", "")


# --- second factor -----------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def verify_second_factor(user: User, code: str):
    """The device that accepts `code`: a confirmed TOTP device for 6 digits, else a recovery code (used up)."""
    code = normalise_code(code)
    if not code:
        return None
    with transaction.atomic():
        if len(code) == 6 and code.isdigit():
            devices = TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update()
        else:
            devices = StaticDevice.objects.filter(user=user, confirmed=True).select_for_update()
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled; the same one (and secret) until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no raster image library needed)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def totp_secret(device: TOTPDevice) -> str:
    """The base32 key, in groups of four, for typing into an app that cannot scan."""
    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i: i + 4] for i in range(0, len(raw), 4))


def confirm_enrolment(user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a first code; on success returns the new recovery codes."""
    code = normalise_code(code)
    if not (len(code) == 6 and code.isdigit()) or not device.verify_token(code):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
        codes = _new_recovery_codes(user)
    record(AuditEvent.Action.SECURITY, obj=user, user=user, changes={"event": "2fa_enrolled"})
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def regenerate_recovery_codes(user: User, totp_code: str) -> list[str] | None:
    """New recovery codes, replacing the old ones, once a current TOTP code is given."""
    code = normalise_code(totp_code)
    if not (len(code) == 6 and code.isdigit()) or verify_second_factor(user, code) is None:
        return None
    with transaction.atomic():
        codes = _new_recovery_codes(user)
    record(AuditEvent.Action.SECURITY, obj=user, user=user, changes={"event": "recovery_codes_regenerated"})
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- passwords -----------------------------------------------------------------------------------------


def password_changed(user: User) -> None:
    """After the user changed their own password (the form has saved it)."""
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    record(AuditEvent.Action.SECURITY, obj=user, user=user, changes={"event": "password_changed"})


def temporary_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(TEMPORARY_PASSWORD_LENGTH))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


# --- personal API tokens -----------------------------------------------------------------------------


def issue_token(user: User, name: str, days: int | None) -> tuple[ApiToken, str]:
    expires_at = timezone.now() + timedelta(days=days) if days else None
    token, raw = ApiToken.issue(user, name, expires_at=expires_at)
    record(AuditEvent.Action.SECURITY, obj=token, user=user, changes={"event": "token_created", "name": name})
    return token, raw


def revoke_token(user: User, token: ApiToken) -> None:
    record(AuditEvent.Action.SECURITY, obj=token, user=user,
           changes={"event": "token_revoked", "name": token.name})
    token.delete()


# --- user administration -----------------------------------------------------------------------------


def _admin_event(admin: User, target: User, event: str, **changes) -> None:
    record(AuditEvent.Action.SECURITY, obj=target, user=admin, changes={"event": event, **changes})


@transaction.atomic
def create_user(admin: User, *, username: str, first_name: str, last_name: str, email: str,
                organisation, role: int) -> tuple[User, str]:
    """A new account with a role and a temporary password to change at first sign-in (shown once)."""
    password = temporary_password()
    user = User(username=username, first_name=first_name, last_name=last_name, email=email,
                must_change_password=True)
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, organisation=organisation, role=role, granted_by=admin)
    return user, password


@transaction.atomic
def reset_password(admin: User, target: User) -> str:
    password = temporary_password()
    target.set_password(password)
    target.must_change_password = True
    target.save()
    _admin_event(admin, target, "password_reset", tokens_revoked=_revoke_tokens(target))
    return password


def _revoke_tokens(target: User) -> int:
    """A reset answers a suspected compromise: scripts holding the account's tokens are cut off too."""
    return ApiToken.objects.filter(user=target).delete()[0]


def unlock(admin: User, target: User) -> None:
    User.objects.filter(pk=target.pk).update(failed_logins=0, locked_until=None)
    target.refresh_from_db(fields=["failed_logins", "locked_until"])
    _admin_event(admin, target, "unlocked")


@transaction.atomic
def reset_second_factor(admin: User, target: User) -> None:
    """Remove every device: the user enrols again at the next sign-in."""
    TOTPDevice.objects.filter(user=target).delete()
    StaticDevice.objects.filter(user=target).delete()
    _admin_event(admin, target, "2fa_reset", tokens_revoked=_revoke_tokens(target))


@transaction.atomic
def deactivate(admin: User, target: User) -> None:
    """Refuse sign-in from now on (open sessions stop at their next request) and revoke API tokens."""
    target.is_active = False
    target.save()
    _admin_event(admin, target, "deactivated", tokens_revoked=_revoke_tokens(target))


# --- roles -------------------------------------------------------------------------------------------


def grant_role(granter, org, username: str, role: int):
    """Give `username` the role on `org`, or change the role they already hold there. One role per node.

    Nobody grants above their own highest role on the node, so only administrators grant ADMIN, and
    nobody changes the role of someone who holds more than they do.
    """
    own = highest_role(granter, org)
    if own is None or own < RoleAssignment.required_role("add"):
        raise Refused(_("You may not manage roles here."))
    role = Role(role)
    if not grantable(role, org.kind):
        raise Refused(_("The role %(role)s is granted on a region only.") % {"role": role.label})
    if role > own:
        raise Refused(_("You cannot grant a role above your own (%(role)s).") % {"role": own.label})
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise Refused(_("No active user has the username %(username)s.") % {"username": username})
    with transaction.atomic():
        existing = RoleAssignment.objects.select_for_update().filter(user=user, organisation=org).first()
        if existing is not None:
            if existing.role > own:
                raise Refused(_("%(username)s holds a higher role than yours here.") % {"username": user.username})
            existing.role = role
            existing.granted_by = granter
            existing.save()
            return existing, False
        return RoleAssignment.objects.create(user=user, organisation=org, role=role, granted_by=granter), True


def revoke_role(granter, assignment) -> None:
    own = highest_role(granter, assignment.organisation)
    if own is None or assignment.role > own:
        raise Refused(_("You cannot revoke a role above your own."))
    assignment.delete()
