"""The API writes through the pages' forms, so both refuse the same things with the same messages (negative
sizes, more off-site copies than copies, a dependency cycle named, a pick outside the organisation and its
ancestors). A payload names related objects by UUID; a PATCH changes only the fields it sends."""

from enum import Enum
from uuid import UUID

from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField

from vigie.core.api import not_found, organisation_to_add

from .. import saving


def current_values(form_class, instance) -> dict:
    """What the form would hold for `instance` (an unsaved one gives the model's defaults), related
    objects by UUID and the organisation by primary key."""
    data = {}
    for name in form_class._meta.fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            data[name] = [str(o.uuid) for o in getattr(instance, name).all()] if instance.pk else []
        elif field.many_to_one and name == "organisation":
            data[name] = instance.organisation_id or ""
        elif field.many_to_one:
            related = getattr(instance, name)
            data[name] = str(related.uuid) if related is not None else ""
        else:
            value = getattr(instance, name)
            data[name] = "" if value is None else value
    return data


def _as_form_value(value):
    if isinstance(value, (list, tuple)):
        return [_as_form_value(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, Enum):
        return value.value
    return str(value) if isinstance(value, UUID) else value


def bound_form(form_class, instance, changes: dict, **form_kwargs):
    """The form bound to `instance`'s current values overlaid with `changes`; related pickers read UUIDs."""
    data = current_values(form_class, instance)
    data.update({name: _as_form_value(value) for name, value in changes.items()})
    form = form_class(data, instance=instance, **form_kwargs)
    for name, field in form.fields.items():
        if isinstance(field, ModelChoiceField) and name != "organisation":
            field.to_field_name = "uuid"
    return form


def save(form, user, action: str):
    """Validate (422 with every message by field) and save as the pages do; 404 if it left the caller's scope."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    try:
        return saving.save_form(form, user, action)
    except saving.OutOfScope:
        raise not_found() from None


def creator(model, form_class):
    """crud()'s `make` for `model`: create through the page's form on the organisation the payload names,
    which the caller sees (404) and may add to (403)."""
    def make(request, payload):
        org = organisation_to_add(request.auth, model, payload.organisation)
        fields = {**payload.dict(exclude={"organisation"}, exclude_unset=True), "organisation": org.pk}
        return save(bound_form(form_class, model(), fields, user=request.auth, organisation=org), request.auth, "add")
    return make


def changer(form_class):
    """crud()'s `apply`: change the fields sent through the page's form."""
    def apply(request, obj, fields: dict):
        return save(bound_form(form_class, obj, fields, user=request.auth), request.auth, "change")
    return apply
