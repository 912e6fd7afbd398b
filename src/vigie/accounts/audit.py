"""The audit log: logins, failed logins, creations, changes with their fields, deletions, exports.

Model changes are recorded by signals for every model listed in AUDITED, whatever the entry point (page,
API, import, shell), with the actor taken from the request context the middleware sets.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save, pre_save

from vigie.core.context import current_actor

from .models import AuditEvent, User

SECRET_FIELDS = {"password", "digest", "key", "token"}
SKIPPED_FIELDS = {
    "last_login", "failed_logins", "locked_until", "path", "last_used_at",
    # django-otp bookkeeping, rewritten at every verification
    "last_t", "drift", "throttling_failure_timestamp", "throttling_failure_count", "last_generated_timestamp",
}


def _display(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _snapshot(instance, values: dict | None = None) -> dict:
    """The audited fields' values for display, from `values` (the stored row `_stored()` read) or the instance."""
    # Deferred fields (.only(), refresh_from_db(fields=…)) are left out: reading one would query the
    # database again for each of them.
    if values is None:
        deferred = instance.get_deferred_fields()
        values = {f.attname: getattr(instance, f.attname, None) for f in instance._meta.concrete_fields
                  if f.attname not in deferred}
    return {
        f.attname: _display(values[f.attname])
        for f in instance._meta.concrete_fields
        if f.attname not in SKIPPED_FIELDS and f.attname in values
    }


def _organisation_of(instance):
    """Where an object's events are filed: its organisation, or for an account and what hangs on it
    (second-factor devices, tokens) the account's home organisation."""
    try:
        owner = getattr(instance, "owning_organisation", None)
        if owner is None:
            account = instance if isinstance(instance, User) else getattr(instance, "user", None)
            owner = account.home_organisation if account is not None else None
        return owner() if owner else None
    except ObjectDoesNotExist:  # the owner may already be gone during a cascade delete
        return None


def _path_of(organisation) -> str:
    if organisation is None:
        return ""
    # A node being created or moved is audited before its own save() has written its new path.
    return organisation.expected_path() if organisation.pk else organisation.path


def record(action: str, *, obj=None, user=None, changes=None, organisation=None, object_repr: str = "",
           username: str = "") -> AuditEvent:
    """`username` names who was meant when there is no user row (a sign-in attempt with an unknown name)."""
    actor = current_actor.get()
    if user is None and actor is not None:
        user = actor.user
    if organisation is None and obj is not None:
        organisation = _organisation_of(obj)
    if organisation is None and user is not None and getattr(user, "pk", None):
        organisation = user.home_organisation()
    return AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=(username or getattr(user, "username", "") or "")[:150],
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_uuid=str(getattr(obj, "uuid", "") or "") if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        organisation=organisation if organisation is not None and organisation.pk else None,
        organisation_path=_path_of(organisation),
        changes=changes or {},
        ip=actor.ip if actor else None,
        user_agent=(actor.user_agent if actor else "")[:300],
    )


def _stored(sender, instance, raw=False, using=None, **kwargs):
    """Before a save, the row as stored, to tell what changed. Read here rather than kept when objects are
    loaded: pages load thousands of rows (a national choice list, an export) and save one; a second save
    of the same object compares with the first's snapshot and reads nothing."""
    if raw or instance.pk is None or getattr(instance, "_audit_snapshot", None) is not None:
        return
    attnames = [f.attname for f in instance._meta.concrete_fields]
    instance._audit_loaded = sender._base_manager.using(using).filter(pk=instance.pk).values(*attnames).first()


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    loaded = getattr(instance, "_audit_loaded", None)
    before = getattr(instance, "_audit_snapshot", None)
    if before is None:
        before = _snapshot(instance, loaded) if loaded is not None else {}
    after = _snapshot(instance)
    changes = {}
    for name, new in after.items():
        if not created and name not in before:
            continue  # deferred when loaded: its old value is unknown
        old = before.get(name)
        if created or old != new:
            if name in SECRET_FIELDS:
                if not created:
                    changes[name] = {"changed": True}
            elif not (created and new in (None, "")):
                changes[name] = new if created else {"from": old, "to": new}
    changes.pop("id", None)
    if created or changes:
        record(AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE, obj=instance, changes=changes)
    instance._audit_snapshot = after


def _deleted(sender, instance, **kwargs):
    record(AuditEvent.Action.DELETE, obj=instance)


def connect(*models) -> None:
    for model in models:
        pre_save.connect(_stored, sender=model, weak=False)
        post_save.connect(_saved, sender=model, weak=False)
        post_delete.connect(_deleted, sender=model, weak=False)
