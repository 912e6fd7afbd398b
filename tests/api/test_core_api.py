"""The shared API machinery of core.api and core.schemas: the error map, refusals, TenantOut."""

import json
import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.test import RequestFactory
from ninja.errors import HttpError

from vigie.api import api
from vigie.core.api import refusals
from vigie.core.schemas import TenantOut


class Refused(Exception):
    pass


class NotAllowed(Refused):
    pass


def test_refusals_answer_the_status_of_the_first_matching_class():
    with pytest.raises(HttpError) as caught, refusals({NotAllowed: 403, Refused: 409}):
        raise NotAllowed("not your side")
    assert (caught.value.status_code, str(caught.value)) == (403, "not your side")
    with pytest.raises(HttpError) as caught, refusals({NotAllowed: 403, Refused: 409}):
        raise Refused("not now")
    assert caught.value.status_code == 409


def test_refusals_give_every_message_of_a_validation_error_and_let_others_through():
    with pytest.raises(HttpError) as caught, refusals({ValidationError: 422}):
        raise ValidationError(["too early", "too small"])
    assert (caught.value.status_code, str(caught.value)) == (422, "too early; too small")
    with pytest.raises(KeyError), refusals({ValidationError: 422}):
        raise KeyError("not a refusal")


@pytest.mark.parametrize("error", [ProtectedError("used", set()), IntegrityError("unique")])
def test_what_the_database_refuses_answers_409(error):
    response = api.on_exception(RequestFactory().get("/api/"), error)
    assert response.status_code == 409
    assert json.loads(response.content)["detail"]


def test_a_model_rule_answers_422_by_field():
    response = api.on_exception(RequestFactory().post("/api/"), ValidationError({"year": ["Too early."]}))
    body = json.loads(response.content)
    assert response.status_code == 422
    assert body["errors"] == {"year": ["Too early."]}
    assert body["detail"][0]["loc"] == ["body", "year"]


class Owned(TenantOut):
    name: str


class OwnedWithPageAndJob(TenantOut):
    url: str
    job: uuid.UUID | None


def _owned(job=None):
    return SimpleNamespace(uuid=uuid.uuid4(), organisation=SimpleNamespace(uuid=uuid.uuid4()), name="n",
                           get_absolute_url=lambda: "/page/", job=job, job_id=job and 1)


def test_tenant_out_resolves_the_organisation_and_only_the_fields_a_schema_declares():
    obj = _owned()
    assert Owned.from_orm(obj).model_dump() == {"uuid": obj.uuid, "organisation": obj.organisation.uuid, "name": "n"}


def test_tenant_out_resolves_the_page_and_the_job():
    job = SimpleNamespace(uuid=uuid.uuid4())
    out = OwnedWithPageAndJob.from_orm(_owned(job)).model_dump()
    assert (out["url"], out["job"]) == ("/page/", job.uuid)
    assert OwnedWithPageAndJob.from_orm(_owned()).model_dump()["job"] is None
