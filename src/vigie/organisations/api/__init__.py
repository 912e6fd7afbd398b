"""Organisations and their contacts. Every queryset goes through scoped(); rules live in Model.clean()."""

from django.db import transaction
from django.utils.translation import gettext
from ninja import PatchDict, Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import get_scoped, operation, require_fresh_second_factor, require_role_at, save_checked
from vigie.core.models import Job
from vigie.core.schemas import JobOut, Message
from vigie.core.scoping import scoped

from ..filters import ContactFilter, OrganisationFilter
from ..models import Contact, Organisation
from ..services import Refused, delete_organisation, launch_export
from .schemas import (
    ContactFields,
    ContactIn,
    ContactOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
)

ERRORS = {403: Message, 404: Message}

router = Router(tags=["organisations"])
contacts = Router(tags=["contacts"])


def _organisations():
    return Organisation.objects.select_related("parent")


def _refused(status: int, exc: Refused) -> HttpError:
    return HttpError(status, " ".join(str(m) for m in exc.messages))


@operation(router, "GET", "/", "organisation_list", Organisation, "view", kind="list",
           response=list[OrganisationOut])
@paginate(PageNumberPagination)
def organisation_list(request, filters: Query[OrganisationFilter.api_query()]):
    """The organisations the caller may see, filtered by kind, parent or name/FINESS search."""
    return OrganisationFilter.for_api(filters, request.auth).filter_queryset(
        scoped(_organisations(), request.auth, "view"))


@operation(router, "POST", "/", "organisation_create", Organisation, "add", kind="create",
           response={201: OrganisationOut, **ERRORS, 422: dict})
def organisation_create(request, payload: OrganisationIn):
    """Create a node under `parent`; needs the "add" role on the parent."""
    parent = get_scoped(Organisation.objects.all(), request.auth, "add", uuid=payload.parent)
    org = Organisation(**payload.dict(exclude={"parent"}), parent=parent)
    return Status(201, save_checked(org, request.auth, "add"))


@operation(router, "GET", "/{uuid:uuid}", "organisation_get", Organisation, "view",
           response={200: OrganisationOut, **ERRORS})
def organisation_get(request, uuid):
    return get_scoped(_organisations(), request.auth, "view", uuid=uuid)


@operation(router, "PATCH", "/{uuid:uuid}", "organisation_update", Organisation, "change",
           response={200: OrganisationOut, **ERRORS, 422: dict})
def organisation_update(request, uuid, payload: PatchDict[OrganisationPatch]):
    """Change the given fields; moving the node needs ADMIN on it and the "add" role on its new parent."""
    org = get_scoped(_organisations(), request.auth, "change", uuid=uuid)
    fields = dict(payload)
    if "parent" in fields:
        fields["parent"] = get_scoped(Organisation.objects.all(), request.auth, "add", uuid=fields["parent"])
        if fields["parent"].pk != org.parent_id:
            get_scoped(_organisations(), request.auth, "move", uuid=uuid)
    for name, value in fields.items():
        setattr(org, name, value)
    return save_checked(org, request.auth, "change", update_fields=list(fields) or None)


@operation(router, "DELETE", "/{uuid:uuid}", "organisation_delete", Organisation, "delete",
           response={204: None, **ERRORS, 409: Message})
def organisation_delete(request, uuid):
    """Delete a leaf that owns nothing; otherwise 409 with what stands in the way."""
    org = get_scoped(Organisation.objects.all(), request.auth, "delete", uuid=uuid)
    try:
        delete_organisation(org)
    except Refused as exc:
        raise _refused(409, exc) from None
    return Status(204, None)


@operation(router, "POST", "/{uuid:uuid}/export", "organisation_export", Organisation, "export",
           response={202: JobOut, **ERRORS, 503: Message})
def organisation_export(request, uuid):
    """Launch the export of this node's subtree as a background job; poll the job for its file."""
    org = get_scoped(Organisation.objects.all(), request.auth, "export", uuid=uuid)
    require_fresh_second_factor(request)
    try:
        job = launch_export(request.auth, org)
    except KeyError:  # no handler registered for the kind
        raise HttpError(503, gettext("Exports are not available on this server.")) from None
    return Status(202, Job.objects.select_related("organisation").get(pk=job.pk))


def _contacts():
    return Contact.objects.select_related("organisation")


@operation(contacts, "GET", "/", "contact_list", Contact, "view", kind="list", response=list[ContactOut])
@paginate(PageNumberPagination)
def contact_list(request, filters: Query[ContactFilter.api_query()]):
    return ContactFilter.for_api(filters, request.auth).filter_queryset(scoped(_contacts(), request.auth, "view"))


@operation(contacts, "POST", "/", "contact_create", Contact, "add", kind="create",
           response={201: ContactOut, **ERRORS, 422: dict})
def contact_create(request, payload: ContactIn):
    """Add a contact to `organisation`; needs the contact "add" role there."""
    org = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=payload.organisation)
    require_role_at(request.auth, Contact, "add", org)
    contact = Contact(**payload.dict(exclude={"organisation"}), organisation=org)
    return Status(201, save_checked(contact, request.auth, "add"))


@operation(contacts, "GET", "/{uuid:uuid}", "contact_get", Contact, "view", response={200: ContactOut, **ERRORS})
def contact_get(request, uuid):
    return get_scoped(_contacts(), request.auth, "view", uuid=uuid)


@operation(contacts, "PATCH", "/{uuid:uuid}", "contact_update", Contact, "change",
           response={200: ContactOut, **ERRORS, 422: dict})
def contact_update(request, uuid, payload: PatchDict[ContactFields]):
    contact = get_scoped(_contacts(), request.auth, "change", uuid=uuid)
    fields = dict(payload)
    for name, value in fields.items():
        setattr(contact, name, value)
    return save_checked(contact, request.auth, "change", update_fields=list(fields) or None)


@operation(contacts, "DELETE", "/{uuid:uuid}", "contact_delete", Contact, "delete",
           response={204: None, **ERRORS, 409: Message})
def contact_delete(request, uuid):
    contact = get_scoped(Contact.objects.all(), request.auth, "delete", uuid=uuid)
    with transaction.atomic():
        contact.delete()
    return Status(204, None)
