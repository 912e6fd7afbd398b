"""One filter per listed model: the page, the API list and the export read the same parameters, with the
same default (exposure findings: open unless asked), and a bad value is named, never an empty list."""

import csv
import io
import json

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.exposure.app_builders import finding, result, store
from vigie.api import api
from vigie.core import jobs
from vigie.core.models import Job
from vigie.exposure.exports import JOB_EXPORT
from vigie.exposure.filters import FindingFilter
from vigie.exposure.models import Finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_findings(world):
    """One open finding and one fixed, on hospital A."""
    store(world.hospital_a, result([finding(), finding("tls-weak", 443, "medium")]))
    fixed = Finding.objects.get(organisation=world.hospital_a, check_id="tls-weak")
    Finding.objects.filter(pk=fixed.pk).update(status=Finding.Status.FIXED)
    return Finding.objects.get(organisation=world.hospital_a, status=Finding.Status.OPEN), fixed


def _api_uuids(client, **params):
    response = client.get(reverse("api:exposure_finding_list"), params)
    assert response.status_code == 200, response.content
    return {row["uuid"] for row in response.json()["items"]}


def _exported_uuids(job_response) -> set[str]:
    uuid = job_response.json()["uuid"] if job_response.status_code == 202 else \
        job_response["Location"].rstrip("/").split("/")[-1]
    jobs.run(uuid)
    job = Job.objects.get(uuid=uuid)
    assert job.status == Job.Status.DONE, job.message
    text = jobs.result_path(job).read_bytes().decode("utf-8-sig")
    if job_response.status_code == 202:
        return {row["uuid"] for row in json.loads(text)}
    return {row[-1] for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]}


def test_findings_are_open_by_default_in_the_page_the_api_and_the_export(client, world, two_findings):
    open_one, fixed = two_findings
    login(client, world.alice)
    page = client.get(reverse("exposure:findings", kwargs={"uuid": world.hospital_a.uuid}))
    assert open_one.title_fr in page.text and fixed.title_fr not in page.text
    assert _api_uuids(client) == {str(open_one.uuid)}
    assert _exported_uuids(client.get(reverse("api:exposure_finding_export"))) == {str(open_one.uuid)}
    page_export = client.get(reverse("exposure:finding_export", kwargs={"uuid": world.hospital_a.uuid}))
    assert _exported_uuids(page_export) == {str(open_one.uuid)}
    assert Job.objects.filter(kind=JOB_EXPORT).count() == 2


def test_an_empty_status_means_any_status_everywhere(client, world, two_findings):
    both = {str(f.uuid) for f in two_findings}
    login(client, world.alice)
    page = client.get(reverse("exposure:findings", kwargs={"uuid": world.hospital_a.uuid}), {"status": ""})
    assert all(f.title_fr in page.text for f in two_findings)
    assert _api_uuids(client, status="") == both
    assert _api_uuids(client, status="fixed") == {str(two_findings[1].uuid)}
    assert _exported_uuids(client.get(reverse("api:exposure_finding_export"), {"status": ""})) == both


def test_a_bad_filter_value_is_named_by_the_api_and_the_page(client, world, two_findings):
    login(client, world.alice)
    response = client.get(reverse("api:exposure_finding_list"), {"status": "nonsense"})
    assert response.status_code == 422 and "status" in response.json()["errors"]
    theirs = client.get(reverse("api:exposure_finding_list"), {"organisation": str(world.hospital_b.uuid)})
    assert theirs.status_code == 422 and "organisation" in theirs.json()["errors"]
    page = client.get(reverse("exposure:findings", kwargs={"uuid": world.hospital_a.uuid}), {"severity": "x"})
    assert page.status_code == 200 and 'class="errorlist"' in page.text


def test_the_organisation_filter_keeps_the_subtree_and_is_scoped(world):
    form = FindingFilter({"organisation": str(world.ght_a.uuid), "status": ""}, user=world.ght_manager)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organisation"] == world.ght_a
    theirs = FindingFilter({"organisation": str(world.ght_b.uuid)}, user=world.ght_manager)
    assert not theirs.is_valid() and "organisation" in theirs.errors


def test_the_api_documents_the_filters_parameters_and_default():
    parameters = {p["name"]: p for p in api.get_openapi_schema()["paths"]["/api/exposure/findings"]["get"]["parameters"]}
    assert {"status", "severity", "check_id", "organisation", "page"} <= set(parameters)
    assert "open" in parameters["status"]["description"]
