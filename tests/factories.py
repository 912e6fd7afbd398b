"""One factory per model that has routes: `make(model, world, side)` returns an object on hospital A's side
("a") or hospital B's side ("b") of the `world` fixture (tests/conftest.py).

The tenant-isolation test builds one object per side for every model a route names, so a model with routes
and no factory here makes it fail with the model's name. Also here: the JSON bodies the isolation test sends
to API create and update operations (`create_payload`, `patch_payload`).
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from vigie.core.roles import Role
from vigie.organisations.finess import with_key

SIDES = ("a", "b")
FACTORIES: dict[type, Callable] = {}
CREATE_PAYLOADS: dict[type, Callable] = {}
PATCH_PAYLOADS: dict[type, dict] = {}


class MissingFactory(LookupError):
    pass


def factory(model_path: str):
    def register(function):
        FACTORIES[_model(model_path)] = function
        return function

    return register


def _model(path: str) -> type:
    from django.apps import apps

    return apps.get_model(path)


def hospital(world, side: str):
    return world.hospital_a if side == "a" else world.hospital_b


def site(world, side: str):
    return world.site_a if side == "a" else world.site_b


def admin(world, side: str):
    """The side's administrator: alice for A, bob for B."""
    return world.alice if side == "a" else world.bob


def make(model: type, world, side: str):
    assert side in SIDES, side
    try:
        build = FACTORIES[model]
    except KeyError:
        raise MissingFactory(
            f"no factory for {model._meta.label}: add one to tests/factories.py (a model with routes needs one)"
        ) from None
    return build(world, side)


def create_payload(model: type, world, side: str) -> dict:
    try:
        build = CREATE_PAYLOADS[model]
    except KeyError:
        raise MissingFactory(f"no create payload for {model._meta.label}: add one to tests/factories.py") from None
    return build(world, side)


def patch_payload(model: type) -> dict:
    return PATCH_PAYLOADS.get(model, {})


def identifiers(obj) -> list[str]:
    """What would give the object away in a response: its uuid and its names (long enough to be telling)."""
    values = [str(obj.uuid)] if getattr(obj, "uuid", None) else []
    for attr in ("name", "finess", "username", "email", "object_repr", "hint", "result_name"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and len(value) >= 4:
            values.append(value)
    return values


# --- the organisation tree -----------------------------------------------------------------------------


@factory("organisations.Organisation")
def _organisation(world, side):
    """The side's hospital (legal entity, with a site under it): the node its administrator holds."""
    return hospital(world, side)


@factory("organisations.Contact")
def _contact(world, side):
    from vigie.organisations.models import Contact

    return Contact.objects.create(
        organisation=hospital(world, side), name=f"Contact {side.upper()} Zéphyrin", function="rssi",
        email=f"rssi-{side}@ch-{side}.example.org", phone="01 02 03 04 05",
    )


# --- accounts --------------------------------------------------------------------------------------------


def _member(world, side, username: str, role: Role):
    from tests.conftest import make_user

    return make_user(f"{username}_{side}", (site(world, side), role))


@factory("accounts.User")
def _user(world, side):
    """A user whose only role is on the side's site: manageable by that side's administrator."""
    return _member(world, side, "staff_quetzal", Role.READER)


@factory("accounts.RoleAssignment")
def _role_assignment(world, side):
    user = _member(world, side, "member_quetzal", Role.CONTRIBUTOR)
    return user.roles.get()


@factory("accounts.ApiToken")
def _api_token(world, side):
    from vigie.accounts.models import ApiToken

    token, _raw = ApiToken.issue(admin(world, side), f"jeton {side.upper()} Quetzal")
    return token


@factory("accounts.AuditEvent")
def _audit_event(world, side):
    from vigie.accounts.audit import record
    from vigie.accounts.models import AuditEvent

    return record(AuditEvent.Action.SECURITY, user=admin(world, side), organisation=hospital(world, side),
                  object_repr=f"Événement {side.upper()} Quetzal")


@factory("otp_totp.TOTPDevice")
def _totp_device(world, side):
    return admin(world, side).totpdevice_set.get()


# --- jobs --------------------------------------------------------------------------------------------------


@factory("core.Job")
def _job(world, side):
    """A finished export with its file, so its page and its download answer."""
    from vigie.core.jobs import result_path
    from vigie.core.models import Job

    job = Job.objects.create(
        kind="organisations.export", organisation=hospital(world, side), created_by=admin(world, side),
        status=Job.Status.DONE, progress=100, result_name=f"export-{side}-quetzal.xlsx",
    )
    path = result_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK fake workbook " + side.encode())
    Job.objects.filter(pk=job.pk).update(result_file=str(path))
    job.refresh_from_db()
    return job


# --- API bodies --------------------------------------------------------------------------------------------


def _payload(model_path: str, patch: dict):
    def register(function):
        CREATE_PAYLOADS[_model(model_path)] = function
        PATCH_PAYLOADS[_model(model_path)] = patch
        return function

    return register


@_payload("organisations.Organisation", {"name": "Renommé par un intrus", "phone": "09 99 99 99 99"})
def _organisation_payload(world, side):
    return {"kind": "site", "parent": str(hospital(world, side).uuid), "name": f"Nouveau site {side.upper()}",
            "finess": with_key("75000088" if side == "a" else "69000088")}


@_payload("organisations.Contact", {"name": "Renommé par un intrus"})
def _contact_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "name": f"Nouveau contact {side.upper()}",
            "function": "dpo"}


@_payload("accounts.RoleAssignment", {"role": Role.ADMIN})
def _role_payload(world, side):
    newcomer = get_user_model().objects.create(username=f"newcomer_{side}_{id(world)}")
    return {"user": str(newcomer.uuid), "organisation": str(hospital(world, side).uuid), "role": int(Role.READER)}
