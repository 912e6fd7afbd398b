"""The directory API: launching an audit, listing audits and failing checks with filters."""

import json

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.directory.app_fixtures import make_result
from tests.factories import make
from vigie.directory import services
from vigie.directory.models import Audit, Directory

pytestmark = pytest.mark.django_db


def test_it_launches_an_audit_and_answers_the_job(client, world):
    directory = make(Directory, world, "a")
    login(client, world.alice)
    response = client.post(reverse("api:directory_audit", kwargs={"uuid": directory.uuid}))
    assert response.status_code == 202
    audit = Audit.objects.get(directory=directory)
    assert response.json()["uuid"] == str(audit.job.uuid)


def test_it_refuses_a_live_audit_without_a_server(client, world):
    directory = Directory.objects.create(organisation=world.hospital_a, name="Offline", domain="off.local")
    login(client, world.alice)
    response = client.post(reverse("api:directory_audit", kwargs={"uuid": directory.uuid}))
    assert response.status_code == 409 and not Audit.objects.exists()


def test_it_refuses_a_reader_launching_an_audit(client, world):
    directory = make(Directory, world, "a")
    login(client, world.auditor_a)
    response = client.post(reverse("api:directory_audit", kwargs={"uuid": directory.uuid}))
    assert response.status_code == 403 and not Audit.objects.exists()


def test_it_filters_findings_by_level_and_audit(client, world):
    directory = make(Directory, world, "a")
    audit = Audit.objects.create(organisation=directory.organisation, directory=directory)
    services.store_result(audit, make_result({"guest": 2, "quota": 4, "krbtgt": 1}))
    login(client, world.alice)
    url = reverse("api:finding_list")
    body = client.get(url, {"level": 4, "audit": str(audit.uuid)}).json()
    assert [f["rule_id"] for f in body["items"]] == ["quota"]
    audits = client.get(reverse("api:audit_list"), {"directory": str(directory.uuid)}).json()
    assert audits["items"][0]["level"] == 1 and audits["items"][0]["failing_by_level"] == {"1": 1, "2": 1, "4": 1}


def test_it_creates_a_directory_with_a_write_only_password(client, world):
    login(client, world.alice)
    response = client.post(reverse("api:directory_create"), json.dumps({
        "organisation": str(world.hospital_a.uuid), "name": "API AD", "domain": "api.local",
        "server": "dc.api.local", "password": "s3cret!"}), content_type="application/json")
    assert response.status_code == 201, response.content
    assert "s3cret!" not in response.content.decode() and response.json()["password_set"] is True
    assert Directory.objects.get(domain="api.local").get_password() == "s3cret!"
