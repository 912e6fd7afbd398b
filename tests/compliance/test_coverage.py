"""The 66 % coverage rule over a GHT's legal entities, from the threshold in the framework file."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login, make_org
from tests.factories import PDF_BYTES
from vigie.compliance.coverage import coverage
from vigie.compliance.services import add_evidence
from vigie.organisations.finess import with_key

from .conftest import version_of


@pytest.fixture
def ght(world, frameworks):
    """A GHT with three legal entities sharing its activity 50 / 30 / 20."""
    ght = make_org(kind="ght", name="GHT Trois", parent=world.region_a)
    members = [
        make_org(kind="legal_entity", name=name, parent=ght, finess=with_key(number), legal_status="public",
                 activity_share=share)
        for name, number, share in (("CH Un", "75100001", "50"), ("CH Deux", "75100002", "30"),
                                    ("CH Trois", "75100003", "20"))
    ]
    return ght, members


def prove(org, code, day=date(2025, 9, 1)):
    add_evidence(organisation=org, upload=SimpleUploadedFile("bia.pdf", PDF_BYTES + org.name.encode()),
                 title="BIA " + org.name, document_date=day, references=[("care-d2", code)], user=None)


def row(rows, code):
    return next(r for r in rows if r.requirement.code == code)


def test_it_meets_the_threshold_with_two_thirds_of_the_activity(ght):
    group, (one, two, _three) = ght
    prove(one, "D2.O1.C")
    prove(two, "D2.O1.C")
    found = row(coverage(group, version_of("care-d2"), date(2025, 10, 1)), "D2.O1.C")
    assert found.threshold == Decimal("66")
    assert found.covered == Decimal("80") and found.declared == Decimal("100")
    assert found.met is True


def test_it_does_not_meet_the_threshold_with_half_the_activity(ght):
    group, (one, _two, three) = ght
    prove(one, "D2.O1.C")
    prove(three, "D2.O1.C", day=date(2025, 11, 1))  # dated after the reference date: not valid
    found = row(coverage(group, version_of("care-d2"), date(2025, 10, 1)), "D2.O1.C")
    assert found.covered == Decimal("50") and found.met is False
    assert [u.verdict.valid for u in found.units] == [False, False, True]  # by name: Deux, Trois, Un


def test_it_counts_only_valid_evidence(ght):
    group, (one, two, three) = ght
    for member in (one, two, three):
        prove(member, "D2.O1.D", day=date(2024, 12, 1))  # before the operational phase
    found = row(coverage(group, version_of("care-d2"), date(2025, 10, 1)), "D2.O1.D")
    assert found.covered == Decimal("0") and found.met is False


def test_requirements_without_a_threshold_show_the_share_only(ght):
    group, (one, _two, _three) = ght
    prove(one, "D2.P1")
    found = row(coverage(group, version_of("care-d2"), date(2025, 10, 1)), "D2.P1")
    assert found.threshold is None and found.met is None and found.covered == Decimal("50")


def test_the_coverage_page_shows_each_requirement(client, world, ght):
    group, (one, two, _three) = ght
    prove(one, "D2.O1.C")
    prove(two, "D2.O1.C")
    login(client, world.national_admin)
    response = client.get(f"/compliance/coverage/{group.uuid}/?framework=care-d2")
    text = response.content.decode()
    assert response.status_code == 200
    assert "D2.O1.C" in text and "80" in text and "CH Trois" in text


def test_a_region_leads_to_its_ghts_coverage_instead_of_refusing(client, world, ght):
    ght_trois, _members = ght
    body = login(client, world.ars_a).get(reverse("compliance:coverage_detail", args=[world.region_a.uuid]))
    assert body.status_code == 200
    text = body.content.decode()
    assert reverse("compliance:coverage_detail", args=[ght_trois.uuid]) in text
    assert reverse("compliance:coverage_detail", args=[world.ght_a.uuid]) in text
    assert reverse("compliance:coverage_detail", args=[world.ght_b.uuid]) not in text  # region B's
    assert "ne s'applique" not in text and "has no such members" not in text
