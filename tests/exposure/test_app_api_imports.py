"""The exposure API's imports, D1.O2.B pair and report, through a personal token as a script would use them:
an nmap XML file filed as a scan and a third-party CSV report (with its column mapping) filed as an audit,
by the pages' own services; every refusal names what and where and leaves the database as it was."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.exposure.app_builders import english  # noqa: F401
from tests.exposure.app_builders import attest_scope, finding, result, store
from tests.exposure.test_app_audits import ANS_CSV
from tests.exposure.test_app_imports import NMAP
from vigie.accounts.models import ApiToken, AuditEvent
from vigie.exposure.models import Asset, Audit, Finding, Scan, Service, Sighting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
RDP = NMAP.replace(b'portid="3389"><state state="filtered"/>',
                   b'portid="3389"><state state="open"/><service name="ms-wbt-server"/>')


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user, "script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture(autouse=True)
def english_answers(client, settings):
    """The API answers in the language of the cookie (French by default); the assertions read English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def nmap_url(org):
    return reverse("api:exposure_nmap_import", kwargs={"uuid": org.uuid})


def report_url(org):
    return reverse("api:exposure_audit_import", kwargs={"uuid": org.uuid})


def xml(data=RDP, name="dmz.xml"):
    return SimpleUploadedFile(name, data, content_type="application/xml")


def csv(text=ANS_CSV, name="cybersurveillance.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def report_form(file, **fields):
    return {"file": file, "provider": "ans", "title": "Cybersurveillance de mars", "performed_on": "2026-03-02",
            "preset": "ans", **fields}


def counts() -> dict:
    """Everything an import may write, to prove a refused one wrote nothing."""
    return {model.__name__: model.objects.count() for model in (Scan, Asset, Service, Sighting, Finding, Audit)} | {
        "events": AuditEvent.objects.exclude(object_type="accounts.ApiToken").count()}


# --- nmap --------------------------------------------------------------------------------------------------


def test_an_nmap_file_posted_to_the_api_is_filed_as_the_page_files_it(client, world):
    org = world.hospital_a
    attest_scope(org, "198.18.0.0/28")
    response = client.post(nmap_url(org), {"file": xml()}, **bearer(world.alice))
    assert response.status_code == 201, response.content
    body = response.json()
    scan = Scan.objects.get(uuid=body["uuid"])
    assert scan.kind == Scan.Kind.NMAP and scan.source == Scan.Source.IMPORT and scan.created_by == world.alice
    assert (body["hosts_count"], body["services_count"], body["ports_probed"]) == (1, 3, 4)
    assert Finding.objects.get(organisation=org, port=3389).check_id.startswith("service.")
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.user == world.alice and event.organisation == org and event.object_uuid == str(scan.uuid)
    assert event.changes["file"] == "dmz.xml" and event.changes["sha256"] == scan.file_sha256
    # the findings it raised are in the change log under the token's owner, as from the page
    assert AuditEvent.objects.filter(action="create", object_type="exposure.Finding", user=world.alice).exists()


def test_a_manager_of_the_ght_imports_into_a_member_hospital(client, world):
    attest_scope(world.hospital_a, "198.18.0.0/28")
    response = client.post(nmap_url(world.hospital_a), {"file": xml()}, **bearer(world.ght_manager))
    assert response.status_code == 201
    assert Scan.objects.get().organisation == world.hospital_a


@pytest.mark.parametrize("data, where", [
    (b"<nmaprun><host></nmaprun>", "line 1, column"),
    (RDP.replace(b'portid="22"', b'portid="ssh"'), "host 1 (198.18.0.2): “ssh” is not a port number"),
    (RDP.replace(b'<port protocol="tcp" portid="23"><state state="closed"/></port>',
                 b'<port protocol="tcp" portid="23"></port>'), "host 1 (198.18.0.2), port 23: no <state>"),
])
def test_a_malformed_nmap_file_is_refused_naming_where_and_nothing_is_stored(client, world, data, where):
    attest_scope(world.hospital_a, "198.18.0.0/28")
    before = counts()
    response = client.post(nmap_url(world.hospital_a), {"file": xml(data)}, **bearer(world.alice))
    assert response.status_code == 422
    body = response.json()
    assert where in body["problems"][0]["message"] and where in body["errors"]["file"][0]
    assert body["detail"].startswith("Nothing was imported.")
    assert counts() == before


def test_an_nmap_file_reaching_outside_the_attested_scope_is_refused_whole(client, world):
    attest_scope(world.hospital_a, "198.18.0.8/29")
    before = counts()
    response = client.post(nmap_url(world.hospital_a), {"file": xml()}, **bearer(world.alice))
    assert response.status_code == 422 and "outside the attested scope" in response.json()["detail"]
    assert counts() == before


def test_a_failure_while_storing_leaves_nothing_half_imported(client, world, monkeypatch):
    """The file parses, the inventory is written, then the findings step fails: all of it is rolled back."""
    from vigie.exposure import findings

    attest_scope(world.hospital_a, "198.18.0.0/28")
    before = counts()

    def broken(scan, result):
        assert Asset.objects.filter(organisation=scan.organisation).exists()  # the inventory was written
        raise RuntimeError("disk full")

    monkeypatch.setattr(findings, "apply_findings", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        client.post(nmap_url(world.hospital_a), {"file": xml()}, **bearer(world.alice))
    assert counts() == before


def test_a_post_without_a_file_names_the_missing_field(client, world):
    response = client.post(nmap_url(world.hospital_a), {}, **bearer(world.alice))
    assert response.status_code == 422 and "file" in response.json()["errors"]


def test_another_organisation_is_refused_and_nothing_is_imported(client, world):
    attest_scope(world.hospital_b, "198.18.0.0/28")
    before = counts()
    response = client.post(nmap_url(world.hospital_b), {"file": xml()}, **bearer(world.alice))
    assert response.status_code == 404
    response = client.post(report_url(world.hospital_b), report_form(csv()), **bearer(world.alice))
    assert response.status_code == 404
    assert counts() == before


def test_a_reader_may_see_but_not_import(client, world):
    attest_scope(world.hospital_a, "198.18.0.0/28")
    before = counts()
    assert client.post(nmap_url(world.hospital_a), {"file": xml()}, **bearer(world.auditor_a)).status_code == 403
    assert client.post(report_url(world.hospital_a), report_form(csv()),
                       **bearer(world.contributor_a)).status_code == 403
    assert counts() == before


# --- third-party reports -------------------------------------------------------------------------------------


def test_a_third_party_report_becomes_an_audit_with_its_preset(client, world):
    response = client.post(report_url(world.hospital_a), report_form(csv()), **bearer(world.alice))
    assert response.status_code == 201, response.content
    body = response.json()
    made = Audit.objects.get(uuid=body["uuid"])
    assert made.provider == "ans" and made.performed_on == datetime.date(2026, 3, 2) and made.created_by == world.alice
    assert body["level"] == 1 and body["counts"]["critical"] == 1 and len(body["items"]) == 2
    assert body["items"][0]["asset"] == "vpn.ch-a.test" and len(body["file_sha256"]) == 64
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.object_uuid == str(made.uuid) and event.changes["items"] == 2
    assert event.changes["file"] == "cybersurveillance.csv" and event.user == world.alice


def test_a_column_mapping_reads_another_providers_export(client, world):
    text = "Risk,Host,Issue,Port\nhigh,198.18.0.5,Exposed admin console,8443\nlow,198.18.0.6,Banner,\n"
    form = report_form(csv(text), provider="other", preset="", map_severity="Risk", map_asset="Host",
                       map_title="Issue", map_port="Port")
    response = client.post(report_url(world.hospital_a), form, **bearer(world.alice))
    assert response.status_code == 201, response.content
    assert response.json()["level"] == 2 and response.json()["items"][0]["port"] == 8443


def test_a_mapping_naming_a_column_the_file_lacks_is_refused(client, world):
    text = "Risk,Host,Issue\nhigh,198.18.0.5,Exposed admin console\n"
    before = counts()
    form = report_form(csv(text), preset="", map_severity="Risk", map_asset="Machine", map_title="Issue")
    response = client.post(report_url(world.hospital_a), form, **bearer(world.alice))
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {"line": 1, "column": "Machine"} == {k: problems[0][k] for k in ("line", "column")}
    assert "no such column" in problems[0]["message"]
    assert counts() == before


def test_every_bad_row_is_named_with_its_line_and_column_and_nothing_is_stored(client, world):
    bad = ANS_CSV + "Grave;srv.ch-a.test;99999;Titre;;;;\nFaible;;;;;;;\n"
    before = counts()
    response = client.post(report_url(world.hospital_a), report_form(csv(bad)), **bearer(world.alice))
    assert response.status_code == 422
    found = {(p["line"], p["column"]) for p in response.json()["problems"]}
    assert {(4, "Criticité"), (4, "Port"), (5, "Système concerné"), (5, "Vulnérabilité")} <= found
    assert any(m.startswith("line 4, column Criticité") for m in response.json()["errors"]["file"])
    assert counts() == before


def test_the_report_form_fields_are_checked_as_on_the_page(client, world):
    before = counts()
    response = client.post(report_url(world.hospital_a), report_form(csv(), provider="vigie", performed_on="mars"),
                           **bearer(world.alice))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"provider", "performed_on"}
    assert counts() == before


# --- the D1.O2.B pair and the report -------------------------------------------------------------------------


def test_the_api_names_the_d1_o2_b_pair_and_its_evidence(client, world):
    org = world.hospital_a
    day = datetime.date(2026, 3, 1)
    first = Audit.objects.create(organisation=org, title="Mars", provider="silene", performed_on=day, level=3)
    second = Audit.objects.create(organisation=org, title="Avril", provider="silene", level=4,
                                  performed_on=day + datetime.timedelta(days=50))
    weak = Audit.objects.create(organisation=org, title="Faible", provider="ans", level=2,  # before: not evidence
                                performed_on=day - datetime.timedelta(days=20))
    url = reverse("api:exposure_care_pair", kwargs={"uuid": org.uuid})
    body = client.get(url, {"as_of": "2026-06-01"}, **bearer(world.auditor_a)).json()
    assert body["held"] is True and body["days"] == 50 and body["requirement"] == "care-d1:D1.O2.B"
    assert body["below_minimum"]["uuid"] == str(weak.uuid)
    assert (body["first"]["uuid"], body["second"]["uuid"]) == (str(first.uuid), str(second.uuid))
    assert [e["title"].split(":")[0] for e in body["evidence"]] == ["Avril", "Mars"]
    assert all("pair held over 50 days" in e["detail"] for e in body["evidence"])
    body = client.get(url, {"as_of": "2026-04-01"}, **bearer(world.auditor_a)).json()
    assert body["held"] is False and body["first"] is None and len(body["evidence"]) == 1
    assert client.get(reverse("api:exposure_care_pair", kwargs={"uuid": world.hospital_b.uuid}),
                      **bearer(world.alice)).status_code == 404


def test_the_report_downloads_as_html_or_pdf_and_each_download_is_an_export(client, world):
    store(world.hospital_a, result([finding()]))
    url = reverse("api:exposure_report", kwargs={"uuid": world.hospital_a.uuid})
    headers = bearer(world.auditor_a)
    response = client.get(url, **headers)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"].endswith('.html"') and "198.18.0.10" in response.content.decode()
    response = client.get(url, {"format": "pdf"}, **headers)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, organisation=world.hospital_a)
    assert sorted(e.changes["format"] for e in events) == ["html", "pdf"]
    assert {e.user for e in events} == {world.auditor_a}
    assert client.get(url, {"format": "docx"}, **headers).status_code == 422
    assert client.get(reverse("api:exposure_report", kwargs={"uuid": world.hospital_b.uuid}),
                      **headers).status_code == 404


def test_a_large_pdf_report_answers_the_job_that_builds_it(client, world, monkeypatch):
    from tests.exposure.app_builders import run_jobs
    from vigie.core.jobs import result_path
    from vigie.core.models import Job
    from vigie.exposure import report

    monkeypatch.setattr(report, "LARGE", 0)
    store(world.hospital_a, result([finding()]))
    response = client.get(reverse("api:exposure_report", kwargs={"uuid": world.hospital_a.uuid}), {"format": "pdf"},
                          **bearer(world.alice))
    assert response.status_code == 202
    job = Job.objects.get(kind="exposure.report")
    assert response.json()["uuid"] == str(job.uuid)
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and result_path(job).read_bytes().startswith(b"%PDF")


def test_an_imported_report_filed_wrongly_is_deleted_and_imported_again(client, world):
    headers = bearer(world.alice)
    made = client.post(report_url(world.hospital_a), report_form(csv(), performed_on="2025-03-02"), **headers).json()
    again = client.post(report_url(world.hospital_a), report_form(csv()), **headers)
    assert again.status_code == 422 and "already imported" in again.json()["detail"]
    url = reverse("api:exposure_audit_delete", kwargs={"uuid": made["uuid"]})
    assert client.delete(url, **bearer(world.auditor_a)).status_code == 403
    assert client.delete(url, **bearer(world.bob)).status_code == 404
    assert client.delete(url, **headers).status_code == 204
    assert AuditEvent.objects.filter(action="delete", object_uuid=made["uuid"], user=world.alice).exists()
    response = client.post(report_url(world.hospital_a), report_form(csv()), **headers)
    assert response.status_code == 201 and response.json()["performed_on"] == "2026-03-02"


def test_the_audit_of_a_scan_cannot_be_deleted(client, world):
    from tests.conftest import login

    scan = store(world.hospital_a, result([finding()]))
    audit = Audit.objects.get(scan=scan)
    response = client.delete(reverse("api:exposure_audit_delete", kwargs={"uuid": audit.uuid}), **bearer(world.alice))
    assert response.status_code == 409 and "Vigie scan" in response.json()["detail"]
    login(client, world.alice)
    client.post(reverse("exposure:audit_delete", kwargs={"uuid": audit.uuid}))
    assert Audit.objects.filter(pk=audit.pk).exists()


def test_the_audit_page_deletes_an_imported_report_for_a_manager_only(client, world):
    from tests.conftest import login

    imported = Audit.objects.create(organisation=world.hospital_a, title="Mauvaise date", provider="ans",
                                    performed_on=datetime.date(2026, 1, 5), level=3)
    page = reverse("exposure:audit_detail", kwargs={"uuid": imported.uuid})
    delete = reverse("exposure:audit_delete", kwargs={"uuid": imported.uuid})
    login(client, world.auditor_a)
    assert "Delete this imported report" not in client.get(page).content.decode()
    assert client.post(delete).status_code == 403 and Audit.objects.filter(pk=imported.pk).exists()
    login(client, world.alice)
    assert "Delete this imported report" in client.get(page).content.decode()
    response = client.post(delete)
    assert response.status_code == 302 and not Audit.objects.filter(pk=imported.pk).exists()


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(client, world, settings):
    settings.VIGIE_MAX_UPLOAD_BYTES = 1024
    attest_scope(world.hospital_a, "198.18.0.0/28")
    before = counts()
    big = RDP.replace(b"</nmaprun>", b"<!--" + b"x" * 2048 + b"--></nmaprun>")
    response = client.post(nmap_url(world.hospital_a), {"file": xml(big)}, **bearer(world.alice))
    assert response.status_code == 422 and "too large" in response.json()["detail"]
    response = client.post(report_url(world.hospital_a), report_form(csv(ANS_CSV * 20)), **bearer(world.alice))
    assert response.status_code == 422 and "too large" in response.json()["detail"]
    assert counts() == before


def test_a_preset_reads_an_export_lacking_its_optional_columns_but_a_written_mapping_must_be_right(client, world):
    text = "Criticité;Système concerné;Vulnérabilité\nMoyenne;www.ch-a.test;HSTS absent\n"
    response = client.post(report_url(world.hospital_a), report_form(csv(text)), **bearer(world.alice))
    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["category"] == "" and response.json()["level"] == 3
    written = report_form(csv(text + "Faible;www.ch-a.test;Bannière\n", "autre.csv"), preset="", map_severity="Criticité", map_asset="Système concerné",
                          map_title="Vulnérabilité", map_category="Catégorie")
    response = client.post(report_url(world.hospital_a), written, **bearer(world.alice))
    assert response.status_code == 422
    assert [(p["line"], p["column"]) for p in response.json()["problems"]] == [(1, "Catégorie")]
    text = "Criticité;Vulnérabilité\nMoyenne;HSTS absent\n"  # the affected system is required, preset or not
    response = client.post(report_url(world.hospital_a), report_form(csv(text, "court.csv")), **bearer(world.alice))
    assert response.status_code == 422
    assert [(p["line"], p["column"]) for p in response.json()["problems"]] == [(1, "Système concerné")]
