"""Exposure audits: their level, the D1.O2.B pair 45 to 60 days apart, the evidence provider, third-party
reports imported from CSV with a column mapping."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.exposure.app_builders import english  # noqa: F401
from tests.exposure.app_builders import finding, host, result, store
from vigie.exposure import audits
from vigie.exposure.models import Audit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
DAY = datetime.date(2026, 3, 1)


def audit(org, days_after, level, provider="silene"):
    return Audit.objects.create(organisation=org, title=f"Audit J+{days_after}", provider=provider,
                                performed_on=DAY + datetime.timedelta(days=days_after), level=level)


@pytest.mark.parametrize("counts, dangerous, level", [
    ({"critical": 1}, 0, 1), ({}, 1, 1), ({"high": 2, "medium": 1}, 0, 2), ({"medium": 3, "low": 1}, 0, 3),
    ({"low": 4, "info": 9}, 0, 4), ({}, 0, 4)])
def test_the_level_follows_critical_high_findings_and_dangerous_services(counts, dangerous, level):
    assert audits.level_of(counts, dangerous) == level


def test_a_full_scan_becomes_an_audit_with_its_dangerous_services(world):
    scan = store(world.hospital_a, result([finding("tls-weak", 443, "medium")], hosts=(host(open_ports=(3389, 443)),)))
    made = Audit.objects.get(scan=scan)
    assert made.level == 1 and made.counts["medium"] == 1
    assert made.dangerous_services == ["198.18.0.10:3389 rdp"]
    clean = store(world.hospital_a, result([finding("tls-weak", 443, "medium")], hosts=(host(open_ports=(443,)),)))
    assert Audit.objects.get(scan=clean).level == 3


def test_a_retest_is_not_an_audit(world):
    store(world.hospital_a, result([finding()]))
    from vigie.exposure.models import Finding

    store(world.hospital_a, result([], hosts=()), kind="retest", finding=Finding.objects.get())
    assert Audit.objects.count() == 1


@pytest.mark.parametrize("gap, paired", [(44, False), (45, True), (52, True), (60, True), (61, False)])
def test_the_pair_needs_45_to_60_days(world, gap, paired):
    org = world.hospital_a
    first, second = audit(org, 0, 3), audit(org, gap, 4)
    pair = audits.care_pair(org, DAY + datetime.timedelta(days=90))
    assert (pair is not None) is paired
    if paired:
        assert (pair.first, pair.second, pair.days) == (first, second, gap)


def test_the_pair_needs_the_level_held_in_both_audits(world):
    org = world.hospital_a
    audit(org, 0, 2)
    audit(org, 50, 3)
    assert audits.care_pair(org, DAY + datetime.timedelta(days=90)) is None
    audit(org, 100, 3)
    pair = audits.care_pair(org, DAY + datetime.timedelta(days=120))
    assert (pair.first.performed_on, pair.second.performed_on) == (DAY + datetime.timedelta(days=50),
                                                                   DAY + datetime.timedelta(days=100))


def test_the_pair_is_the_most_recent_and_never_after_the_reference_date(world):
    org = world.hospital_a
    audit(org, 0, 3), audit(org, 30, 3), audit(org, 80, 3), audit(org, 200, 4)
    pair = audits.care_pair(org, DAY + datetime.timedelta(days=150))
    assert pair.second.performed_on == DAY + datetime.timedelta(days=80)
    assert pair.first.performed_on == DAY + datetime.timedelta(days=30)


def test_the_evidence_provider_proves_d1_o2_b_with_the_compliance_rules(world):
    from vigie.compliance.library import ensure_bundled
    from vigie.compliance.models import Requirement
    from vigie.compliance.providers import providers
    from vigie.compliance.rules import Item, check_set

    ensure_bundled()
    requirement = (Requirement.objects.filter(version__framework__key="care-d1", code="D1.O2.B")
                   .order_by("-version__loaded_at").first())
    org, as_of = world.hospital_a, DAY + datetime.timedelta(days=70)
    audit(org, 0, 2)
    audit(org, 10, 3)
    audit(org, 62, 4)
    audit(world.hospital_b, 20, 4)
    records = providers.records(org, requirement, as_of)
    assert [r.value for r in records] == [4.0, 3.0]  # level 2 is not evidence the level held; B's is not A's
    assert "52" in records[0].detail
    items = [Item(title=r.title, date=r.date, value=r.value) for r in records]
    assert check_set(items, requirement.freshness, as_of).valid is True


# --- third-party reports ---------------------------------------------------------------------------------

ANS_CSV = ("Criticité;Système concerné;Port;Vulnérabilité;Description;Recommandation;Catégorie;Référence interne\n"
           "Critique;vpn.ch-a.test;443;Fortinet SSL-VPN vulnérable;CVE-2024-21762;Mettre à jour FortiOS;Vuln;R1\n"
           "Moyenne;www.ch-a.test;;HSTS absent;;Ajouter l'en-tête;Config;R2\n")


def upload(text, name="rapport.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_an_ans_report_imports_with_its_preset_mapping_and_extra_columns(world):
    report, made = audits.import_report(upload(ANS_CSV), world.hospital_a, mapping=audits.PRESETS["ans"],
                                        provider="ans", performed_on=DAY, title="Cybersurveillance mars")
    assert report.ok, report.errors
    assert made.level == 1 and made.counts["critical"] == 1 and made.counts["medium"] == 1
    assert made.items[0]["asset"] == "vpn.ch-a.test" and made.items[0]["port"] == 443
    assert made.items[1]["port"] is None


def test_a_custom_mapping_reads_another_providers_columns(world):
    text = "Risk,Host,Issue\nhigh,198.18.0.5,Exposed admin console\nlow,198.18.0.6,Banner disclosure\n"
    report, made = audits.import_report(upload(text), world.hospital_a, provider="other", performed_on=DAY,
                                        title="Prestataire", mapping={"severity": "Risk", "asset": "Host",
                                                                      "title": "Issue"})
    assert report.ok and made.level == 2 and len(made.items) == 2


def test_a_bad_report_names_line_and_column_and_imports_nothing(world):
    bad = ANS_CSV + "Grave;srv.ch-a.test;99999;Titre;;;;\n"
    report, made = audits.import_report(upload(bad), world.hospital_a, mapping=audits.PRESETS["ans"],
                                        provider="ans", performed_on=DAY, title="Mauvais")
    assert made is None and Audit.objects.count() == 0
    messages = [str(e) for e in report.errors]
    assert any("line 4" in m and "Criticité" in m and "Grave" in m for m in messages), messages
    assert any("line 4" in m and "Port" in m for m in messages), messages


def test_a_mapping_naming_a_missing_column_is_refused(world):
    report, made = audits.import_report(upload(ANS_CSV), world.hospital_a, provider="ans", performed_on=DAY,
                                        title="x", mapping={**audits.PRESETS["ans"], "asset": "Hôte"})
    assert made is None
    assert any("Hôte" in str(e) and "no such column" in str(e) for e in report.errors)


def test_the_demo_data_loads_once_with_a_held_pair(world):
    from vigie.exposure.demo import load_demo
    from vigie.exposure.models import Finding, Scan

    load_demo({"brume": world.hospital_a})
    load_demo({"brume": world.hospital_a})
    org = world.hospital_a
    assert Scan.objects.filter(organisation=org).count() == 4
    pair = audits.care_pair(org)
    assert pair is not None and pair.days == 50
    assert Finding.objects.get(organisation=org, check_id="service.rdp").status == "verified"
    assert Finding.objects.get(organisation=org, check_id="http.no_hsts").status == "accepted"


# --- what an RSSI's files look like ------------------------------------------------------------------------


def test_a_report_saved_by_excel_in_windows_1252_gets_one_clear_message(world):
    """Excel's plain "CSV" on a French workstation is Windows-1252: say so, not "no such column" seven times."""
    data = SimpleUploadedFile("rapport.csv", ANS_CSV.encode("cp1252"), content_type="text/csv")
    report, made = audits.import_report(data, world.hospital_a, mapping=audits.PRESETS["ans"], provider="ans",
                                        performed_on=DAY, title="Cybersurveillance")
    assert made is None and Audit.objects.count() == 0
    assert [str(e) for e in report.errors] == [
        'The file is not UTF-8 text: in your spreadsheet, save it as "CSV UTF-8" and retry.']


def test_a_report_exported_as_xlsx_imports_like_its_csv(world):
    import io

    from openpyxl import Workbook

    book = Workbook()
    for line in ANS_CSV.splitlines():
        book.active.append(line.split(";"))
    buffer = io.BytesIO()
    book.save(buffer)
    data = SimpleUploadedFile("rapport.xlsx", buffer.getvalue())
    report, made = audits.import_report(data, world.hospital_a, mapping=audits.PRESETS["ans"], provider="ans",
                                        performed_on=DAY, title="Cybersurveillance")
    assert report.ok, [str(e) for e in report.errors]
    assert made.counts["critical"] == 1 and made.items[0]["asset"] == "vpn.ch-a.test" and made.items[0]["port"] == 443


def test_the_same_report_is_imported_once_per_organisation(world):
    first_report, first = audits.import_report(upload(ANS_CSV), world.hospital_a, mapping=audits.PRESETS["ans"],
                                               provider="ans", performed_on=DAY, title="Mars")
    assert first_report.ok
    report, again = audits.import_report(upload(ANS_CSV, "copie.csv"), world.hospital_a, mapping=audits.PRESETS["ans"],
                                         provider="ans", performed_on=DAY, title="Mars bis")
    assert again is None and Audit.objects.count() == 1
    assert [str(e) for e in report.errors] == [f"This file was already imported, as the audit “{first}”."]
    other_report, other = audits.import_report(upload(ANS_CSV), world.hospital_b, mapping=audits.PRESETS["ans"],
                                               provider="ans", performed_on=DAY, title="Mars")
    assert other_report.ok and other.organisation == world.hospital_b


def test_a_report_dated_in_the_future_is_refused_by_the_form():
    import datetime

    from django.utils import timezone

    from vigie.exposure.forms import ReportImportForm

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = ReportImportForm({"provider": "ans", "title": "x", "performed_on": tomorrow.isoformat(), "preset": "ans"},
                            {"file": upload(ANS_CSV)})
    assert not form.is_valid() and "in the future" in form.errors["performed_on"][0]
    form = ReportImportForm({"provider": "ans", "title": "x", "performed_on": timezone.localdate().isoformat(),
                             "preset": "ans"}, {"file": upload(ANS_CSV)})
    assert form.is_valid(), form.errors


def test_an_audit_below_the_minimum_between_two_good_ones_breaks_the_pair(world):
    """Days 0 and 50 are at level 3, but a scan on day 20 saw remote desktop exposed: the level was not held."""
    org = world.hospital_a
    audit(org, 0, 3)
    audit(org, 20, 1, provider="vigie")
    audit(org, 50, 3)
    as_of = DAY + datetime.timedelta(days=55)
    assert audits.care_pair(org, as_of) is None
    from vigie.exposure.providers import exposure_audits

    assert [r.date for r in exposure_audits(org, None, as_of)] == [DAY + datetime.timedelta(days=50)]
    later = audit(org, 98, 4)
    pair = audits.care_pair(org, DAY + datetime.timedelta(days=100))
    assert pair is not None and (pair.first.performed_on, pair.second) == (DAY + datetime.timedelta(days=50), later)


def test_a_latest_audit_below_the_minimum_means_the_level_is_not_held_now(world):
    org = world.hospital_a
    audit(org, 0, 3), audit(org, 50, 4), audit(org, 70, 2)
    assert audits.care_pair(org, DAY + datetime.timedelta(days=60)) is not None  # as it stood then
    assert audits.care_pair(org, DAY + datetime.timedelta(days=80)) is None


def test_pairs_of_many_organisations_at_once_are_each_ones_pair(world):
    histories = {world.hospital_a: [(0, 3), (50, 4)], world.hospital_b: [(0, 2), (50, 3), (100, 3)],
                 world.clinic: [(0, 3), (30, 3), (80, 3), (200, 4)], world.site_a: [(0, 3), (20, 1), (50, 3)]}
    expected = {  # as_of day -> the pair's (first, second) days, per organisation
        world.hospital_a: {40: None, 90: (0, 50), 300: (0, 50)},
        world.hospital_b: {40: None, 90: None, 120: (50, 100)},
        world.clinic: {40: None, 90: (30, 80), 300: (30, 80)},  # day 200 is too far from day 80
        world.site_a: {40: None, 90: None},  # day 20 fell short: 0 and 50 do not show the level held
        world.ght_a: {90: None}}
    for org, history in histories.items():
        for days, level in history:
            audit(org, days, level)
    for day in (40, 90, 120, 300):
        pairs = audits.care_pairs(list(expected), DAY + datetime.timedelta(days=day))
        for org, by_day in expected.items():
            if day in by_day:
                pair = pairs[org.pk]
                found = pair and ((pair.first.performed_on - DAY).days, (pair.second.performed_on - DAY).days)
                assert found == by_day[day], (org.name, day)


def test_the_exposure_list_costs_the_same_queries_for_one_organisation_or_three(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.conftest import login
    from tests.exposure.app_builders import attest_scope

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("exposure:list"))
        assert page.status_code == 200
        return len(captured), page.content.decode()

    login(client, world.ars_a)
    for n, org in enumerate((world.hospital_a, world.clinic, world.site_a)):
        attest_scope(org, f"198.18.0.{10 + n}")
        store(org, result([finding(address=f"198.18.0.{10 + n}")], hosts=(host(address=f"198.18.0.{10 + n}"),)))
        audit(org, 0, 3), audit(org, 50, 3)
        if n == 0:
            alone, _page = queries()
    together, page = queries()
    assert together == alone
    for org in (world.hospital_a, world.clinic, world.site_a):
        assert org.name in page
    assert page.count(">1</td>") >= 3  # each one's open critical finding


def test_the_exposure_list_pages_every_organisation_and_shows_the_total(client, world):
    """Issue 13: the list of a region stopped silently at 200 rows. Now every organisation with a scope is
    on a page, the total is shown, and a page costs the same queries whatever the number of pages."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.conftest import login
    from vigie.exposure.models import ScopeEntry
    from vigie.exposure.views import PER_PAGE
    from vigie.organisations.models import Organisation

    total = 2 * PER_PAGE + 5
    orgs = [Organisation(kind="legal_entity", parent=world.ght_a, name=f"CH paginé {n:03d}") for n in range(total)]
    for org in orgs:  # save() builds each path
        org.save()
    ScopeEntry.objects.bulk_create(ScopeEntry(organisation=org, kind="domain", value=f"ch{n}.example")
                                   for n, org in enumerate(orgs))
    login(client, world.ars_a)
    seen, cost = set(), set()
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("exposure:list"), {"page": number}).content.decode()
        cost.add(len(captured))
        assert f"{total} organisations avec un périmètre" in page
        seen |= {org.name for org in orgs if org.name in page}
    assert seen == {org.name for org in orgs}
    assert len(cost) == 1, cost
