"""The yearly self-assessment: history, and a comparison that shows aggregates of at least 5 peers only."""

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import login, make_org
from vigie.compliance.comparison import band_of, compare
from vigie.compliance.models import Assessment
from vigie.organisations.finess import with_key

from .conftest import assess, version_of


def approved(org, score, on=date(2025, 5, 1)):
    assessment = assess(org, "anssi-crisis-maturity", on=on)
    Assessment.objects.filter(pk=assessment.pk).update(status="approved", score=Decimal(score), approved_at=None)
    return assessment


@pytest.fixture
def peers(world, frameworks):
    """Public hospitals of 300 to 799 beds: hospital A and up to six others named Pair N."""
    world.hospital_a.bed_count = 450
    world.hospital_a.save()

    def make(count, status="public", beds=500):
        return [make_org(kind="legal_entity", name=f"Pair {i} Zorglub", parent=world.region_b,
                         finess=with_key(f"6910{i:04d}"), legal_status=status, bed_count=beds)
                for i in range(count)]
    return make


def test_it_puts_bed_counts_in_bands():
    assert band_of(99, [100, 300, 800]) == (0, 100)
    assert band_of(300, [100, 300, 800]) == (300, 800)
    assert band_of(1200, [100, 300, 800]) == (800, None)
    assert band_of(None, [100]) is None


def test_it_shows_nothing_with_four_peers(world, peers):
    for org, score in zip(peers(4), ("1.0", "2.0", "2.5", "3.0")):
        approved(org, score)
    result = compare(world.hospital_a, version_of("anssi-crisis-maturity"), 2025)
    assert result.available is False and result.peers == 4 and result.mean is None
    assert "5" in result.reason


def test_it_shows_aggregates_with_five_peers(world, peers):
    for org, score in zip(peers(5), ("1.00", "1.50", "2.00", "2.50", "3.00")):
        approved(org, score)
    approved(world.hospital_a, "2.20")
    result = compare(world.hospital_a, version_of("anssi-crisis-maturity"), 2025)
    assert result.available is True and result.peers == 5
    assert result.mean == Decimal("2.00") and result.median == Decimal("2.00")
    assert result.own == Decimal("2.20")


def test_peers_must_share_status_size_and_year(world, peers):
    for org in peers(3):
        approved(org, "2.0")
    private = make_org(kind="legal_entity", name="Clinique Zorglub", parent=world.region_b,
                       finess=with_key("69200001"), legal_status="private_for_profit", bed_count=500)
    small = make_org(kind="legal_entity", name="Petit Zorglub", parent=world.region_b,
                     finess=with_key("69200002"), legal_status="public", bed_count=50)
    old = make_org(kind="legal_entity", name="Ancien Zorglub", parent=world.region_b,
                   finess=with_key("69200003"), legal_status="public", bed_count=500)
    approved(private, "3.0")
    approved(small, "3.0")
    approved(old, "3.0", on=date(2024, 5, 1))
    result = compare(world.hospital_a, version_of("anssi-crisis-maturity"), 2025)
    assert result.peers == 3 and result.available is False


def test_the_page_never_names_peers(client, world, peers):
    for org, score in zip(peers(6), ("1.0", "1.5", "2.0", "2.5", "3.0", "2.0")):
        approved(org, score)
    login(client, world.alice)
    response = client.get(f"/compliance/self-assessment/{world.hospital_a.uuid}/?year=2025")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Zorglub" not in text and "6910" not in text
    assert "2,00" in text or "2.00" in text


def test_the_page_explains_when_there_are_too_few_peers(client, world, peers):
    approved(peers(1)[0], "2.0")
    login(client, world.alice)
    text = client.get(f"/compliance/self-assessment/{world.hospital_a.uuid}/?year=2025").content.decode()
    assert "Zorglub" not in text and "5" in text


def test_the_history_lists_approved_self_assessments(client, world, frameworks):
    approved(world.hospital_a, "1.5", on=date(2024, 4, 1))
    approved(world.hospital_a, "2.5", on=date(2025, 4, 1))
    login(client, world.auditor_a)
    text = client.get(f"/compliance/self-assessment/{world.hospital_a.uuid}/").content.decode()
    assert text.index("2,50") < text.index("1,50")
