"""Audits: an uploaded snapshot analysed by the job, a malformed one refused, the pages, reports and hooks."""

import gzip

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.directory.app_fixtures import make_result, run_jobs, write_snapshot_file
from tests.factories import make
from vigie.core.models import Job
from vigie.directory import services
from vigie.directory.models import Audit, Directory, Finding

pytestmark = pytest.mark.django_db


def upload(client, directory, content: bytes, name="ad.jsonl.gz"):
    return client.post(reverse("directory:upload", args=[directory.uuid]),
                       {"snapshot": SimpleUploadedFile(name, content, content_type="application/gzip")})


def test_it_analyses_an_uploaded_snapshot_and_stores_findings(client, world, tmp_path):
    from vigie.directory.engine import analyse, load_snapshot

    path = write_snapshot_file(tmp_path / "ad.jsonl.gz")
    expected = analyse(load_snapshot(path))
    assert expected.findings, "the test snapshot should fail at least one check"
    directory = make(Directory, world, "a")
    login(client, world.alice)
    response = upload(client, directory, path.read_bytes())
    job = Job.objects.get(kind="directory.audit")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    run_jobs()
    audit = Audit.objects.get(directory=directory)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert audit.status == Audit.Status.DONE and audit.source == Audit.Source.UPLOAD
    assert audit.level == expected.level
    assert audit.snapshot_sha256 == services.sha256_of(path)
    assert services.media(audit.snapshot_file).read_bytes() == path.read_bytes()
    assert sorted(audit.findings.values_list("rule_id", flat=True)) == sorted(f.rule_id for f in expected.findings)
    assert audit.result["level"] == expected.level
    stored = audit.findings.get(rule_id="password_never_expires")
    assert stored.affected_count == 1 and stored.affected[0]["name"] == "alice"


def test_it_refuses_a_malformed_snapshot_and_stores_nothing(client, world, tmp_path):
    path = write_snapshot_file(tmp_path / "ad.jsonl.gz")
    truncated = path.read_bytes()[:-25]
    directory = make(Directory, world, "a")
    login(client, world.alice)
    response = upload(client, directory, truncated)
    assert response.status_code == 200
    assert "snapshot" in response.context["form"].errors
    assert "truncated" in response.content.decode() or "corrupt" in response.content.decode()
    assert not Audit.objects.exists() and not Job.objects.exists()


def test_it_refuses_a_file_that_is_not_a_snapshot(client, world):
    directory = make(Directory, world, "a")
    login(client, world.alice)
    response = upload(client, directory, b"%PDF-1.4 not a snapshot", name="report.pdf")
    assert response.status_code == 200 and response.context["form"].errors
    assert not Audit.objects.exists()


def test_it_refuses_a_snapshot_over_the_size_limit(client, world, tmp_path, settings):
    settings.VIGIE_MAX_SNAPSHOT_BYTES = 10
    directory = make(Directory, world, "a")
    login(client, world.alice)
    response = upload(client, directory, write_snapshot_file(tmp_path / "ad.jsonl.gz").read_bytes())
    assert response.status_code == 200 and response.context["form"].errors
    assert not Audit.objects.exists()


def audit_with(directory, result, when=None) -> Audit:
    audit = Audit.objects.create(organisation=directory.organisation, directory=directory, source="upload")
    services.store_result(audit, result)
    if when is not None:
        Audit.objects.filter(pk=audit.pk).update(finished_at=when)
        audit.refresh_from_db()
    services.apply_hooks(audit)
    return audit


def test_it_raises_and_closes_actions_across_two_audits(world):
    from vigie.actions.models import Action

    directory = make(Directory, world, "a")
    first = audit_with(directory, make_result({"krbtgt_age": 2, "guest": 2, "quota": 4}),
                       when=timezone.now() - timezone.timedelta(days=30))
    actions = Action.objects.filter(source="audit_check", organisation=world.hospital_a)
    assert actions.count() == 3
    assert set(actions.values_list("status", flat=True)) == {"open"}
    assert first.findings.count() == 3
    audit_with(directory, make_result({"guest": 2}, covered={"krbtgt_age": 2}))
    status = {a.source_key.rsplit(":", 1)[1]: a.status for a in actions}
    assert status == {"krbtgt_age": "done", "guest": "open", "quota": "open"}  # quota was not evaluated
    audit_with(directory, make_result({"krbtgt_age": 2, "guest": 2}))
    assert actions.get(source_key=services.action_key(directory, "krbtgt_age")).status == "open"  # reopened
    assert actions.count() == 3


def test_it_records_the_ad_audit_deadline(world):
    from vigie.actions.models import DeadlineCompletion

    directory = make(Directory, world, "a")
    audit = audit_with(directory, make_result({"guest": 2}))
    completion = DeadlineCompletion.objects.get(organisation=world.hospital_a, deadline="ad-audit")
    assert completion.done_on == timezone.localtime(audit.finished_at).date()
    assert str(audit.uuid) in completion.reference


def test_it_records_a_site_directory_s_audit_for_its_legal_entity(world):
    from vigie.actions.models import DeadlineCompletion

    directory = Directory.objects.create(organisation=world.site_a, name="Site AD", domain="site.local")
    audit_with(directory, make_result({}))
    assert DeadlineCompletion.objects.filter(organisation=world.hospital_a, deadline="ad-audit").exists()


def test_it_shows_the_level_the_blockers_and_the_trend(client, world):
    directory = make(Directory, world, "a")
    audit_with(directory, make_result({"krbtgt_age": 1, "guest": 2}), when=timezone.now() - timezone.timedelta(days=90))
    latest = audit_with(directory, make_result({"guest": 2, "quota": 4}))
    login(client, world.alice)
    page = client.get(latest.get_absolute_url()).content.decode()
    assert ">2</strong>" in page
    assert "Contrôle guest" in page and "Contrôle quota" in page
    assert response_blockers(client, latest) == ["guest"]
    detail = client.get(directory.get_absolute_url()).content.decode()
    assert 'class="chart-step series-0"' in detail and detail.count('<circle class="chart-point') == 2
    assert detail.count('<rect class="chart-bar"') == 2  # failing checks: 2, then 2
    assert "core/charts.css" in detail and "style=" not in detail
    assert 'class="chart-step series-0"' in page and "style=" not in page  # the audit page shows the trend too


def response_blockers(client, audit):
    response = client.get(audit.get_absolute_url())
    return [f.rule_id for f in response.context["blockers"]]


def test_it_paginates_the_affected_objects(client, world):
    directory = make(Directory, world, "a")
    audit = audit_with(directory, make_result({"guest": 2}, affected=120))
    finding = Finding.objects.get(audit=audit)
    login(client, world.alice)
    first = client.get(finding.get_absolute_url())
    assert len(first.context["page"].object_list) == 50
    last = client.get(finding.get_absolute_url() + "?page=3")
    assert "obj119" in last.content.decode()


@pytest.mark.parametrize("audience", ["technical", "management"])
def test_it_serves_the_reports_in_html_and_pdf(audience, client, world):
    directory = make(Directory, world, "a")
    audit = audit_with(directory, make_result({"guest": 2}))
    login(client, world.alice)
    url = reverse("directory:audit_report", args=[audit.uuid])
    html = client.get(url, {"audience": audience})
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    pdf = client.get(url, {"audience": audience, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_it_launches_an_audit_on_demand(client, world):
    directory = make(Directory, world, "a")
    login(client, world.alice)
    response = client.post(reverse("directory:run", args=[directory.uuid]))
    audit = Audit.objects.get(directory=directory)
    assert response.status_code == 302 and response["Location"] == audit.job.get_absolute_url()
    assert audit.source == Audit.Source.LIVE and audit.job.params == {"audit": str(audit.uuid)}


def test_it_fails_a_live_audit_clearly_when_the_server_is_unreachable(world):
    from vigie.directory.engine import DirectoryError

    directory = make(Directory, world, "a")
    Directory.objects.filter(pk=directory.pk).update(server="127.0.0.1", port=9, security="ldaps")
    directory.refresh_from_db()
    audit = services.start_audit(directory, world.alice)
    with pytest.raises(DirectoryError):
        run_jobs()
    audit.refresh_from_db()
    assert audit.status == Audit.Status.FAILED and audit.message
    assert not audit.findings.exists()
    assert Job.objects.get(pk=audit.job_id).status == Job.Status.FAILED


def test_it_refuses_a_gzip_that_is_not_json(client, world):
    directory = make(Directory, world, "a")
    login(client, world.alice)
    response = upload(client, directory, gzip.compress(b"hello\n"))
    assert response.status_code == 200 and "snapshot" in response.context["form"].errors
    assert not Audit.objects.exists()


def test_it_shows_the_module_on_the_home_page_and_menu(client, world):
    login(client, world.alice)
    page = client.get(reverse("steering:home")).content.decode()
    assert "Audit Active Directory" in page and reverse("directory:list") in page


def test_the_management_pdf_draws_the_trend_and_its_html_keeps_the_table(world):
    from vigie.directory.views import management_html

    directory = make(Directory, world, "a")
    audit_with(directory, make_result({"krbtgt_age": 1}), when=timezone.now() - timezone.timedelta(days=60))
    latest = audit_with(directory, make_result({"guest": 2, "quota": 4}))
    pdf = management_html(latest, for_pdf=True)
    assert pdf.count("<svg") == 1 and ".chart-bar" in pdf.split("<svg", 1)[1]  # its stylesheet inside
    assert pdf.count('<rect class="chart-bar"') == 2
    assert "<svg" not in management_html(latest)  # a page's policy would refuse the stylesheet inside it
    from weasyprint import HTML

    assert HTML(string=pdf).write_pdf().startswith(b"%PDF")


def test_the_trend_costs_the_same_queries_whatever_the_number_of_audits(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    directory = make(Directory, world, "a")
    login(client, world.alice)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    latest = audit_with(directory, make_result({"guest": 2}))
    few = (queries(latest.get_absolute_url()), queries(directory.get_absolute_url()))
    for days in (30, 60, 90, 120):
        audit_with(directory, make_result({"guest": 2, "quota": 4}), when=timezone.now() - timezone.timedelta(days=days))
    page = client.get(latest.get_absolute_url()).content.decode()
    assert page.count('<rect class="chart-bar"') == 5
    assert (queries(latest.get_absolute_url()), queries(directory.get_absolute_url())) == few


def test_the_list_costs_the_same_queries_whatever_the_number_of_directories_and_audits(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, world.national_admin)

    def listed():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("directory:list")).content.decode()
        return len(captured), page

    first = make(Directory, world, "a")
    audit_with(first, make_result({"guest": 2}))
    few, page = listed()
    assert "1 au total" in page
    for side in ("a", "b", "b"):
        directory = make(Directory, world, side)
        audit_with(directory, make_result({"guest": 2}), when=timezone.now() - timezone.timedelta(days=200))
        audit_with(directory, make_result({"krbtgt_age": 1}), when=timezone.now() - timezone.timedelta(days=10))
    many, page = listed()
    assert many == few and "4 au total" in page
    assert page.count("<tr>") == 5  # the header and the four directories


def test_the_list_shows_the_latest_audit_and_whether_a_recent_one_meets_the_level(client, world):
    directory = make(Directory, world, "a")
    good = audit_with(directory, make_result({"krbtgt_age": 5}), when=timezone.now() - timezone.timedelta(days=20))
    latest = audit_with(directory, make_result({"krbtgt_age": 1}), when=timezone.now() - timezone.timedelta(days=5))
    [(status, last)] = services.latest_and_care_audits([directory], 60, good.level)
    assert last == latest and (status.audit == good) == (latest.level < good.level)
    assert [s.audit for s, _ in services.latest_and_care_audits([directory], 60, 1)] == [latest]
    assert [s.audit for s, _ in services.latest_and_care_audits([directory], 3, 1)] == [None]
