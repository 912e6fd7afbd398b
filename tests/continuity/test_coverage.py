"""Coverage of the group's activity by a BIA and a PCRA against 66 %, in the continuity pages and through the
evidence providers in the compliance module's coverage; restore tests as D2.O4 evidence."""

import datetime
from decimal import Decimal

from django.urls import reverse

from tests.conftest import login, make_org
from tests.continuity.builders import activity, good_plan, stack
from vigie.continuity import services
from vigie.continuity.models import Activity, RestoreTest
from vigie.organisations.finess import with_key

VALIDATED = datetime.date(2025, 5, 1)


def cover(org, pcra=VALIDATED):
    activity(org, f"Urgences {org.pk}", "care_service", pcra=pcra)
    activity(org, f"Paie {org.pk}", "administrative", pcra=pcra)
    activity(org, f"Pharmacie {org.pk}", "technical_platform", pcra=pcra)


def second_hospital(world, share="30"):
    return make_org(kind="legal_entity", name="CH A2", parent=world.ght_a, finess=with_key("75000011"),
                    legal_status="public", activity_share=share)


def test_share_against_66(client, world):
    other = second_hospital(world)
    cover(world.hospital_a, pcra=None)
    result = services.coverage(world.ght_a)
    assert result.bia_share == Decimal("60") and result.pcra_share == 0 and result.met is False
    Activity.objects.filter(organisation=world.hospital_a).update(pcra_validated_on=VALIDATED)
    assert services.coverage(world.ght_a).pcra_share == Decimal("60")
    assert services.coverage(world.ght_a).met is False  # 60 % < 66 %
    cover(other)
    result = services.coverage(world.ght_a)
    assert result.bia_share == result.pcra_share == Decimal("90") and result.met is True
    login(client, world.alice)
    assert client.get(reverse("continuity:coverage")).status_code == 200


def test_a_missing_category_leaves_the_unit_uncovered(world):
    activity(world.hospital_a, "Urgences", "care_service", pcra=VALIDATED)
    activity(world.hospital_a, "Paie", "administrative", pcra=VALIDATED)
    bia, pcra, no_bia, no_pcra = services.unit_status(world.hospital_a)
    assert (bia, pcra) == (False, False) and no_bia == no_pcra == ["Plateau technique du parcours de soins"]


def test_the_categories_without_a_pcra_are_named_apart(client, world):
    cover(world.hospital_a, pcra=None)
    Activity.objects.filter(category="care_service").update(pcra_validated_on=VALIDATED)
    bia, pcra, no_bia, no_pcra = services.unit_status(world.hospital_a)
    assert (bia, pcra, no_bia) == (True, False, [])
    assert no_pcra == ["Processus administratif critique", "Plateau technique du parcours de soins"]
    page = login(client, world.alice).get(reverse("continuity:coverage")).content.decode()
    assert "Processus administratif critique, Plateau technique du parcours de soins" in page


def test_an_activity_of_the_entity_for_a_site_covers_that_site(world):
    """A multi-site entity usually declares its activities itself, naming the sites they run on."""
    other_site = make_org(kind="site", name="CH A — site 2", parent=world.hospital_a, finess=with_key("75000012"),
                          activity_share="20")
    for act in (activity(world.hospital_a, "Urgences", "care_service", pcra=VALIDATED),
                activity(world.hospital_a, "Paie", "administrative", pcra=VALIDATED),
                activity(world.hospital_a, "Pharmacie", "technical_platform", pcra=VALIDATED)):
        act.sites.set([world.site_a])
    assert services.unit_status(world.site_a)[:2] == (True, True)
    assert services.unit_status(other_site)[:2] == (False, False)
    assert services.unit_status(world.hospital_a)[:2] == (True, True)
    records = services_records(world.site_a)
    assert len(records) == 1 and "3" in str(records[0].title)


def services_records(org):
    from vigie.continuity.providers import bia_pcra

    return bia_pcra(org, None, datetime.date(2026, 1, 1))


def test_compliance_coverage_uses_the_provider(world):
    from vigie.compliance.coverage import coverage
    from vigie.compliance.library import ensure_bundled
    from vigie.compliance.models import FrameworkVersion

    ensure_bundled()
    version = FrameworkVersion.objects.filter(framework__key="care-d2").latest("loaded_at")
    second_hospital(world)
    cover(world.hospital_a)

    def d2_o1_c():
        return next(r for r in coverage(world.ght_a, version, datetime.date(2025, 6, 1))
                    if r.requirement.code == "D2.O1.C")

    row = d2_o1_c()
    assert row.covered == Decimal("60") and row.met is False
    cover(world.ght_a.children.get(name="CH A2"))
    assert d2_o1_c().covered == Decimal("90") and d2_o1_c().met is True


def test_restore_tests_are_d2_o4_evidence(world):
    from vigie.compliance.providers import providers

    _act, _app, database, _server = stack(world.hospital_a)
    plan = good_plan(database)
    RestoreTest.objects.create(organisation=plan.organisation, plan=plan, tested_on=datetime.date(2025, 6, 1),
                               scope="base", duration_minutes=60, to_production=True, referent="cadre", validated=True)
    RestoreTest.objects.create(organisation=plan.organisation, plan=plan, tested_on=datetime.date(2025, 6, 2),
                               scope="recette", duration_minutes=60, to_production=False, referent="cadre",
                               validated=True)

    class Requirement:
        reference, code = "care-d2:D2.O4", "D2.O4"

    records = providers.records(world.hospital_a, Requirement(), datetime.date(2025, 12, 1))
    assert len(records) == 1 and records[0].date == datetime.date(2025, 6, 1)
    assert providers.records(world.hospital_b, Requirement(), datetime.date(2025, 12, 1)) == []


def test_a_region_lists_its_ghts_coverage(client, world):
    """The 66 % rule is a GHT's: for a region (or the nation) the page lists the coverage of each of its GHTs
    instead of refusing the level."""
    cover(world.hospital_a)
    reader = login(client, world.ars_a)
    response = reader.get(reverse("continuity:coverage") + f"?organisation={world.region_a.uuid}")
    assert response.status_code == 200
    assert [c.candidate for c in response.context["coverages"]] == [world.ght_a]
    assert response.context["coverages"][0].bia_share == Decimal("60")
    national = login(client, world.national_admin).get(
        reverse("continuity:coverage") + f"?organisation={world.national.uuid}")
    assert [c.candidate for c in national.context["coverages"]] == [world.ght_a, world.ght_b]
    reader = login(client, world.ars_a)
    assert reader.get(reverse("continuity:coverage") + f"?organisation={world.region_b.uuid}").status_code == 404
    assert reader.get(reverse("continuity:coverage") + "?organisation=not-a-uuid").status_code == 404


def coverage_queries(client, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("continuity:coverage"), params)
    assert response.status_code == 200
    return len(captured), response


def test_the_national_coverage_reads_a_fixed_number_of_queries(client, world):
    """At national scope the page computed every GHT's coverage unit by unit (4,776 queries)."""
    cover(world.hospital_a)
    login(client, world.national_admin)
    alone, _response = coverage_queries(client, organisation=world.national.uuid)
    everything_alone, _response = coverage_queries(client)  # every GHT and establishment, sites as units
    for n, parent in enumerate((world.ght_a, world.ght_b, world.ght_b)):
        hospital = make_org(kind="legal_entity", name=f"CH {n}", parent=parent, finess=with_key(f"1300000{n}"),
                            legal_status="public", activity_share="10")
        site = make_org(kind="site", name=f"CH {n} — site", parent=hospital, finess=with_key(f"1300010{n}"))
        cover(hospital, pcra=None if n else VALIDATED)
        act = activity(hospital, f"Bloc {n}", "care_service", pcra=VALIDATED)
        act.sites.set([site])
    together, response = coverage_queries(client, organisation=world.national.uuid)
    assert together == alone
    for shown in response.context["coverages"]:  # the same values as coverage() of each GHT alone
        computed = services.coverage(shown.candidate)
        assert shown.units == computed.units and shown.bia_share == computed.bia_share
    everything, response = coverage_queries(client)
    assert everything == everything_alone
    for shown in response.context["coverages"]:
        assert shown.units == services.coverage(shown.candidate).units
    assert {c.candidate.kind for c in response.context["coverages"]} == {"ght", "legal_entity"}
