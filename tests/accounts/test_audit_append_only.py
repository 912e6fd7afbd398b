"""The audit log is append-only: the model refuses changes everywhere, PostgreSQL's trigger too."""

import pytest
from django.db import DatabaseError, connection, transaction

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent


def test_the_model_refuses_to_change_or_delete_an_event(world):
    event = record(AuditEvent.Action.EXPORT, user=world.alice, organisation=world.hospital_a, object_repr="x")
    event.object_repr = "forged"
    with pytest.raises(PermissionError, match="append-only"):
        event.save()
    with pytest.raises(PermissionError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "x"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_updates_and_deletes_that_bypass_the_model(world):
    event = record(AuditEvent.Action.EXPORT, user=world.alice, organisation=world.hospital_a, object_repr="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(AuditEvent.objects.db)
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "x"
