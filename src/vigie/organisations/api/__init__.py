"""Organisations and their contacts: each model's CRUD (core.api.crud); rules live in Model.clean()."""

from django.utils.translation import gettext
from ninja import PatchDict, Router, Status
from ninja.errors import HttpError

from vigie.core.api import (
    ERRORS,
    change_fields,
    create_from,
    crud,
    get_scoped,
    operation,
    refusals,
    require_fresh_second_factor,
    save_checked,
)
from vigie.core.models import Job
from vigie.core.schemas import JobOut, Message
from vigie.core.scoping import can

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

router = Router(tags=["organisations"])
contacts = Router(tags=["contacts"])


def _create(request, payload: OrganisationIn):
    """Create a node under `parent`; needs the "add" role on the parent."""
    parent = get_scoped(Organisation.objects.all(), request.auth, "add", uuid=payload.parent)
    org = Organisation(**payload.dict(exclude={"parent"}), parent=parent)
    return save_checked(org, request.auth, "add")


def _change(request, org: Organisation, fields: dict):
    """Change the given fields; moving the node needs ADMIN on it and the "add" role on its new parent."""
    if "parent" in fields:
        fields["parent"] = get_scoped(Organisation.objects.all(), request.auth, "add", uuid=fields["parent"])
        if fields["parent"].pk != org.parent_id and not can(request.auth, "move", org):
            raise HttpError(403, gettext("Your role does not allow this on this object."))
    return change_fields(request, org, fields)


def _delete(request, org: Organisation) -> None:
    with refusals({Refused: 409}):
        delete_organisation(org)


crud(router, Organisation, "", "organisation", OrganisationOut, queryset=Organisation.objects.select_related("parent"),
     filters=OrganisationFilter, create=(OrganisationIn, _create),
     change=(PatchDict[OrganisationPatch], _change), change_verb="update", delete=_delete,
     docs={"list": "The organisations the caller may see, filtered by kind, parent or name/FINESS search.",
           "create": _create.__doc__, "update": _change.__doc__,
           "delete": "Delete a leaf that owns nothing; otherwise 409 with what stands in the way."})


@operation(router, "POST", "/{uuid:uuid}/export", "organisation_export", Organisation, "export",
           response={202: JobOut, **ERRORS, 503: Message})
def organisation_export(request, org):
    """Launch the export of this node's subtree as a background job; poll the job for its file.
    Custom: it starts a job."""
    require_fresh_second_factor(request)
    try:
        job = launch_export(request.auth, org)
    except KeyError:  # no handler registered for the kind
        raise HttpError(503, gettext("Exports are not available on this server.")) from None
    return Status(202, Job.objects.select_related("organisation").get(pk=job.pk))


crud(contacts, Contact, "", "contact", ContactOut, queryset=Contact.objects.select_related("organisation"),
     filters=ContactFilter, create=(ContactIn, lambda request, payload: create_from(request, Contact, payload)),
     change=(PatchDict[ContactFields], change_fields), change_verb="update", delete=True,
     docs={"create": "Add a contact to `organisation`; needs the contact \"add\" role there."})
