"""Shared API machinery: declaring operations, the CRUD of a model, checked writes, the one error map, and
the jobs router.

Every operation is declared with `operation()`, which gives it a URL name and an OpenAPI operation id
(the same string) and records in the registry which model and action it serves, so the tenant-isolation
test knows what each `{uuid}` names. The same declaration fetches what the handler works on: an object
operation's handler receives the object (404 when the caller cannot see it, 403 when they may see it but
not do the action), a list operation's handler the rows the caller may see. Handlers never name an
action of their own, so the permission declared and the permission checked cannot disagree.

`crud()` declares the usual list / read / create / change / delete of a model through `operation()`.
"""

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from .models import Job
from .recent import is_recent
from .registry import registry
from .schemas import JobOut, Message
from .scoping import scoped, visibility

ERRORS = {403: Message, 404: Message}  # not allowed on what the caller sees; not visible (or absent)
WRITE_ERRORS = {**ERRORS, 422: dict}  # and refused by the model's or the form's rules, by field

HANDED = ("object", "list")  # the kinds whose declaration fetches what the handler works on


def operation(router: Router, method: str, path: str, name: str, model: type | None, action: str,
              kind: str = "object", reason: str = "", workflow: bool = False, queryset=None, **options):
    """`@operation(router, "GET", "/{uuid:uuid}", "thing_get", Thing, "view", response=ThingOut)`.

    An object operation's handler takes the object (`def thing_get(request, thing)`), found in `queryset`
    (default: all of the model) by the path's `uuid` with `action`; a list operation's handler takes the
    rows of `queryset` the caller may `action`. A workflow operation (`workflow=True`) is declared with
    "view": its object is handed to a workflow service, which decides who may act on it."""
    registry.route(f"api:{name}", model, action, kind, reason, workflow)

    def declare(handler: Callable):
        view = _handing(handler, model, action, kind, queryset) if model is not None and kind in HANDED else handler
        return router.api_operation([method], path, url_name=name, operation_id=name, **options)(view)

    return declare


def _handing(handler: Callable, model: type, action: str, kind: str, queryset) -> Callable:
    """The view ninja calls: it fetches what the declaration names and passes it to `handler` as its first
    argument after the request; ninja reads the view's signature (the handler's, with `uuid` in place of
    that argument for an object operation)."""
    base = queryset if queryset is not None else model._default_manager.all()
    request_parameter, handed, *rest = inspect.signature(handler).parameters.values()

    if kind == "list":
        def view(request, **kwargs):
            return handler(request, **{handed.name: scoped(base.all(), request.auth, action)}, **kwargs)
        parameters = [request_parameter, *rest]
    else:
        def view(request, uuid, **kwargs):
            return handler(request, **{handed.name: get_scoped(base.all(), request.auth, action, uuid=uuid)}, **kwargs)
        parameters = [request_parameter, inspect.Parameter("uuid", inspect.Parameter.POSITIONAL_OR_KEYWORD), *rest]
    functools.update_wrapper(view, handler)  # name, docstring, and the pagination's contributed arguments
    view.__signature__ = inspect.Signature(parameters)
    return view


def not_found() -> HttpError:
    return HttpError(404, gettext("Not found."))


def get_scoped(queryset, user, action: str, **lookup):
    """The object if the user may `action` it: 404 when they cannot see it, 403 when they may only see it.
    Declarations use it for the object a route names; handlers only for the objects a payload names."""
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


def organisation_to_add(user, model: type, uuid):
    """The organisation a payload names for a new `model`: 404 unless the user sees it, 403 unless their
    role there allows adding one. The tree's model is the one `model`'s foreign key names."""
    tree = model._meta.get_field("organisation").related_model
    organisation = get_scoped(tree.objects.all(), user, "view", uuid=uuid)
    require_role_at(user, model, "add", organisation)
    return organisation


def save_checked(obj, user, action: str, update_fields: list[str] | None = None):
    """Validate with the model's rules, save, and check inside the transaction that the object is still
    within what the user may `action`; otherwise roll back and answer 404 (the NetBox re-check)."""
    with transaction.atomic():
        obj.full_clean()
        obj.save(update_fields=update_fields)
        if not scoped(type(obj).objects.filter(pk=obj.pk), user, action).exists():
            raise not_found()
    return obj


def create_from(request, model: type, payload, **extra):
    """A new `model` from the payload's fields, in the organisation the payload names, saved checked."""
    organisation = organisation_to_add(request.auth, model, payload.organisation)
    obj = model(organisation=organisation, **payload.dict(exclude={"organisation"}), **extra)
    return save_checked(obj, request.auth, "add")


def change_fields(request, obj, fields: dict):
    """Set the fields a PATCH sent and save them checked."""
    for name, value in fields.items():
        setattr(obj, name, value)
    return save_checked(obj, request.auth, "change", update_fields=list(fields) or None)


def delete_unless_protected(obj) -> None:
    """Delete as the pages do: refused (409, nothing deleted) while something else still protects it."""
    name = str(obj)
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError):
        raise HttpError(409, gettext("“%(name)s” is still used elsewhere and cannot be deleted.") % {"name": name}) \
            from None


# --- the error map ---------------------------------------------------------------------------------------------


def messages_of(exc: Exception) -> str:
    """A refusal's sentence(s): a ValidationError's messages, or the exception's text."""
    return "; ".join(str(m) for m in exc.messages) if isinstance(exc, ValidationError) else str(exc)


@contextmanager
def refusals(statuses: dict[type[Exception], int]) -> Iterator[None]:
    """Turn a domain service's refusals into answers: `with refusals({Refused: 409}): service(...)` answers
    409 with the refusal's message. The first matching class wins."""
    try:
        yield
    except tuple(statuses) as exc:
        status = next(code for cls, code in statuses.items() if isinstance(exc, cls))
        raise HttpError(status, messages_of(exc)) from None


def install_error_map(api: NinjaAPI) -> None:
    """What the whole API answers for the errors that escape a handler: a model's rules (422, every message
    by field, in ninja's error shape) and what the database refuses (409)."""

    @api.exception_handler(ValidationError)
    def model_validation_error(request, exc: ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        detail = [
            {"type": "validation_error", "loc": ["body"] if field == NON_FIELD_ERRORS else ["body", field],
             "msg": msg}
            for field, messages in errors.items()
            for msg in messages
        ]
        return api.create_response(request, {"detail": detail, "errors": errors}, status=422)

    def conflict(request, exc):
        message = gettext("This conflicts with data that already exists or still depends on it.")
        return api.create_response(request, {"detail": message}, status=409)

    for error in (ProtectedError, RestrictedError, IntegrityError):
        api.add_exception_handler(error, conflict)


# --- CRUD ------------------------------------------------------------------------------------------------------


def crud(router: Router, model: type, path: str, name: str, out, *, detail=None, queryset=None, filters=None,
         listed: Callable | None = None, create: tuple | None = None, change: tuple | None = None,
         delete: Callable | bool = False, change_verb: str = "patch", docs: dict[str, str] | None = None,
         errors: dict[str, dict] | None = None) -> None:
    """Declare on `router` the list (`<name>_list`, GET `path`, paged) and read (`<name>_get`, GET
    `path/{uuid}`) of `model`, answered with the schema `out`, and the writes asked for:

    - `create=(InSchema, make)`: POST `path`, `make(request, payload)` returns the saved object (201);
    - `change=(PatchSchema, apply)`: PATCH `path/{uuid}` (`<name>_<change_verb>`), `apply(request, obj,
      fields)` with the fields sent returns the object (200); PatchSchema is a schema or a `PatchDict[…]`;
    - `delete`: DELETE `path/{uuid}` (204); `True` deletes unless protected (409), or `delete(request, obj)` does.

    `detail` is the read's schema when it shows more than a list's row; `queryset` is what reads fetch
    from (select_related…); `filters` the model's filter class (core.filters), whose parameters narrow the
    list (422 naming a bad one), `listed(request, rows)` what the list returns of the narrowed rows;
    `docs` and `errors` give each verb its description and extra answers."""
    docs, errors = docs or {}, errors or {}
    many = path or "/"
    one = f"{path}/{{uuid:uuid}}"

    def declare(verb, method, route, action, handler, response, kind="object"):
        handler.__name__ = f"{name}_{verb}"
        handler.__doc__ = docs.get(verb)
        if kind != "list":
            response = {**response, **errors.get(verb, {})}
        operation(router, method, route, handler.__name__, model, action, kind=kind, queryset=queryset,
                  response=response)(handler)

    if filters is None:
        def list_view(request, rows):
            return listed(request, rows) if listed is not None else rows
    else:
        def list_view(request, rows, chosen: Query[filters.api_query()]):
            rows = filters.for_api(chosen, request.auth).filter_queryset(rows)
            return listed(request, rows) if listed is not None else rows
    declare("list", "GET", many, "view", paginate(PageNumberPagination)(list_view), list[out], kind="list")

    def get_view(request, obj):
        return obj
    declare("get", "GET", one, "view", get_view, {200: detail or out, **ERRORS})

    if create is not None:
        schema, make = create

        def create_view(request, payload: schema):
            return Status(201, make(request, payload))
        declare("create", "POST", many, "add", create_view, {201: out, **WRITE_ERRORS}, kind="create")

    if change is not None:
        schema, apply = change

        def change_view(request, obj, payload: schema):
            fields = dict(payload) if isinstance(payload, dict) else payload.dict(exclude_unset=True)
            return apply(request, obj, fields)
        declare(change_verb, "PATCH", one, "change", change_view, {200: out, **WRITE_ERRORS})

    if delete:
        def delete_view(request, obj):
            if delete is True:
                delete_unless_protected(obj)
            else:
                delete(request, obj)
            return Status(204, None)
        declare("delete", "DELETE", one, "delete", delete_view, {204: None, **ERRORS, 409: Message})


router = Router(tags=["jobs"])


@operation(router, "GET", "/{uuid:uuid}", "job_get", Job, "view", queryset=Job.objects.select_related("organisation"),
           response={200: JobOut, 404: Message})
def job_get(request, job):
    """A background job: status, progress, and the download URL of its result once done."""
    return job
