"""Saving a continuity form, the one way pages and the API both write: inside one transaction, record the
dependency links that changed in the audit log, and check the user may still act on what was saved.

Links ("needs" edges, sites) are many-to-many fields, which the audit signals of concrete fields do not
see; without this a dependency added or removed would leave no trace.
"""

from django.db import transaction

from vigie.accounts import audit
from vigie.accounts.models import AuditEvent
from vigie.core.generic import OutOfScope
from vigie.core.scoping import can

from .models import Activity, Application, Component

LINK_FIELDS = {
    Activity: ("applications", "sites"),
    Application: ("depends_on", "components", "suppliers"),
    Component: ("depends_on", "suppliers"),
}


def links(obj) -> dict[str, list[str]]:
    """The names of what `obj` links to, by field (empty for an object not saved yet)."""
    names = LINK_FIELDS.get(type(obj), ())
    if obj.pk is None:
        return {name: [] for name in names}
    return {name: sorted(str(o) for o in getattr(obj, name).all()) for name in names}


def save_form(form, user, action: str):
    """form.save() with the links audited; raises OutOfScope (rolled back) if `user` may not `action` it."""
    with transaction.atomic():
        before = links(form.instance)
        obj = form.save()
        after = links(obj)
        changes = {name: {"from": before[name], "to": after[name]} for name in after if before[name] != after[name]}
        if changes:
            audit.record(AuditEvent.Action.CHANGE, obj=obj, changes=changes)
        if not can(user, action, obj):
            raise OutOfScope
    return obj
