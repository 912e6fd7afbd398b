"""Shared API machinery (declaring operations, scoped lookups, checked writes) and the jobs router.

Every operation is declared with `operation()`, which gives it a URL name and an OpenAPI operation id
(the same string) and records in the registry which model and action it serves, so the tenant-isolation
test knows what each `{uuid}` names.
"""

from django.db import transaction
from django.utils.translation import gettext
from ninja import Router
from ninja.errors import HttpError

from .models import Job
from .recent import is_recent
from .registry import registry
from .schemas import JobOut, Message
from .scoping import scoped, visibility


def operation(router: Router, method: str, path: str, name: str, model: type | None, action: str,
              kind: str = "object", reason: str = "", workflow: bool = False, **options):
    """`@operation(router, "GET", "/{uuid:uuid}", "thing_get", Thing, "view", response=ThingOut)`."""
    registry.route(f"api:{name}", model, action, kind, reason, workflow)
    return router.api_operation([method], path, url_name=name, operation_id=name, **options)


def not_found() -> HttpError:
    return HttpError(404, gettext("Not found."))


def get_scoped(queryset, user, action: str, **lookup):
    """The object if the user may `action` it: 404 when they cannot see it, 403 when they may only see it."""
    found = scoped(queryset, user, action).filter(**lookup).first()
    if found is not None:
        return found
    if action != "view" and scoped(queryset, user, "view").filter(**lookup).exists():
        raise HttpError(403, gettext("Your role does not allow this on this object."))
    raise not_found()


def require_fresh_second_factor(request) -> None:
    """Sensitive operations from a browser session need a recent TOTP confirmation, as the pages do
    (core.recent); a personal token was itself created under that confirmation."""
    if getattr(request, "api_token", None) is None and not is_recent(request):
        raise HttpError(403, gettext("Confirm your second factor first (My account), then retry."))


def require_role_at(user, model: type, action: str, organisation) -> None:
    """403 unless the user holds, on `organisation` or above, the role `model` needs for `action`
    (for objects not created yet; the caller has already checked the organisation is visible)."""
    minimum = model.required_role(action)
    condition = visibility(user, minimum, "path") if minimum is not None else None
    if condition is None or not type(organisation).objects.filter(condition, pk=organisation.pk).exists():
        raise HttpError(403, gettext("Your role does not allow this on this organisation."))


def save_checked(obj, user, action: str, update_fields: list[str] | None = None):
    """Validate with the model's rules, save, and check inside the transaction that the object is still
    within what the user may `action`; otherwise roll back and answer 404 (the NetBox re-check)."""
    with transaction.atomic():
        obj.full_clean()
        obj.save(update_fields=update_fields)
        if not scoped(type(obj).objects.filter(pk=obj.pk), user, action).exists():
            raise not_found()
    return obj


router = Router(tags=["jobs"])


@operation(router, "GET", "/{uuid:uuid}", "job_get", Job, "view", response={200: JobOut, 404: Message})
def job_get(request, uuid):
    """A background job: status, progress, and the download URL of its result once done."""
    return get_scoped(Job.objects.select_related("organisation"), request.auth, "view", uuid=uuid)
