"""The anonymised comparison: quartiles among establishments of the same legal status and bed band, the
5-peer floor, no peer's name, uuid or FINESS for an establishment's user (page and API), and names only of
the caller's own subtree for GHT, ARS and national users."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login, make_org
from vigie.accounts.models import ApiToken
from vigie.compliance.library import ensure_bundled
from vigie.core.indicators import Indicator, State
from vigie.core.registry import registry
from vigie.organisations.finess import with_key
from vigie.steering.models import Summary


@pytest.fixture
def score_indicator(monkeypatch):
    monkeypatch.setattr(registry, "indicators", {})
    registry.indicator(Indicator(key="test.score", title="Score d'auto-évaluation", short="AE", order=1,
                                 compute=lambda orgs, as_of: {}))


def value(org, number, key="test.score"):
    Summary.objects.create(organisation=org, key=key, state=State.HELD, value=Decimal(number),
                           computed_at=timezone.now())


@pytest.fixture
def peers(world, score_indicator):
    """Hospital A (public, 250 beds, value 5) and six public peers of 100–299 beds valued 1 to 6: three in
    GHT A (region A), three in GHT B (region B). Two non-peers with extreme values."""
    ensure_bundled()  # the self-assessment framework holds the bed bands
    world.hospital_a.bed_count = 250
    world.hospital_a.save()
    value(world.hospital_a, 5)
    world.peers = []
    for number in range(1, 7):
        ght = world.ght_a if number <= 3 else world.ght_b
        peer = make_org(kind="legal_entity", name=f"Hôpital Pair {number}", parent=ght, legal_status="public",
                        bed_count=100 + number * 20, finess=with_key(f"3300000{number}"))
        value(peer, number)
        world.peers.append(peer)
    world.outsiders = [
        make_org(kind="legal_entity", name="Clinique Hors Groupe", parent=world.region_a,
                 legal_status="private_for_profit", bed_count=250, finess=with_key("33000010")),
        make_org(kind="legal_entity", name="CHU Trop Grand", parent=world.ght_a, legal_status="public",
                 bed_count=900, finess=with_key("33000011")),
    ]
    value(world.outsiders[0], 99)
    value(world.outsiders[1], 0)
    return world


def page(client, user, org):
    return login(client, user).get(reverse("steering:comparison", args=[org.uuid]))


def api(client, user, org):
    _token, raw = ApiToken.issue(user, "test")
    return client.get(f"/api/steering/establishments/{org.uuid}/comparison", HTTP_AUTHORIZATION=f"Bearer {raw}")


def identifiers(org) -> list[str]:
    return [org.name, str(org.uuid), org.finess]


def test_it_shows_the_quartiles_and_the_establishments_quarter(client, peers):
    body = page(client, peers.alice, peers.hospital_a).content.decode()
    # peers 1..6, inclusive quartiles: 2.25, 3.5, 4.75; its own 5 is in the top quarter
    row = body.split("Score d&#x27;auto-évaluation", 1)[1].split("</tr>", 1)[0]
    for shown in ("5,00", "<td>6</td>", "2,25", "3,50", "4,75", "quart 4 sur 4"):
        assert shown in row, shown
    assert "99" not in row and "Hors Groupe" not in body  # another legal status is not a peer


def test_no_peer_is_named_or_identified_to_the_establishments_user(client, peers):
    body = page(client, peers.alice, peers.hospital_a).content.decode()
    answer = api(client, peers.alice, peers.hospital_a)
    assert answer.status_code == 200
    text = answer.content.decode()
    for other in peers.peers + peers.outsiders + [peers.hospital_b, peers.clinic]:
        for secret in identifiers(other):
            assert secret not in body, secret
            assert secret not in text, secret
    assert answer.json()["names"] is False
    assert answer.json()["positions"][0]["median"] == "3.50"
    assert 'id="ranked-title"' not in body


def test_fewer_than_five_peers_show_nothing_but_the_reason(client, peers):
    Summary.objects.filter(organisation__in=peers.peers[:2]).delete()
    body = page(client, peers.alice, peers.hospital_a).content.decode()
    assert "Seuls 4 établissements comparables ont une valeur" in body
    assert "3,50" not in body and "2,25" not in body
    position = api(client, peers.alice, peers.hospital_a).json()["positions"][0]
    assert (position["peers"], position["median"], position["lower_quartile"]) == (4, None, None)


def test_an_establishment_without_a_bed_count_is_not_compared(client, peers):
    peers.hospital_a.bed_count = None
    peers.hospital_a.save()
    body = page(client, peers.alice, peers.hospital_a).content.decode()
    assert "aucune tranche de taille" in body
    assert 'id="position-title"' not in body


def test_an_ars_user_sees_names_of_its_region_only(client, peers):
    body = page(client, peers.ars_a, peers.hospital_a).content.decode()
    ranked = body.split('id="ranked-title"', 1)[1]
    for peer in peers.peers[:3]:
        assert peer.name in ranked
    for peer in peers.peers[3:]:
        for secret in identifiers(peer):
            assert secret not in body, secret
    assert "CH A" in ranked and "se classe 1 sur 4" in body  # region A: peers 1–3 and CH A (5) first
    names = {row["name"] for row in api(client, peers.ars_a, peers.hospital_a).json()["positions"][0]["ranked"]}
    assert names == {"CH A", "Hôpital Pair 3", "Hôpital Pair 2", "Hôpital Pair 1"}


def test_a_national_user_sees_every_peer_named(client, peers):
    found = api(client, peers.national_admin, peers.hospital_a).json()["positions"][0]
    assert [row["name"] for row in found["ranked"]][:3] == ["Hôpital Pair 6", "CH A", "Hôpital Pair 5"]
    assert (found["own_rank"], found["ranked_total"]) == (2, 7)


def test_the_page_runs_a_fixed_number_of_queries(client, peers):
    login(client, peers.national_admin)
    url = reverse("steering:comparison", args=[peers.hospital_a.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(10):
        peer = make_org(kind="legal_entity", name=f"Autre {number}", parent=peers.ght_b, legal_status="public",
                        bed_count=150, finess=with_key(f"3400000{number}"))
        value(peer, number)
        value(peer, number, key="test.other")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few) <= 16


def test_only_an_establishment_is_compared(client, peers):
    assert page(client, peers.national_admin, peers.ght_a).status_code == 404


def test_the_establishment_page_links_to_its_comparison(client, peers):
    body = login(client, peers.alice).get(peers.hospital_a.get_absolute_url()).content.decode()
    assert reverse("steering:comparison", args=[peers.hospital_a.uuid]) in body
    assert "/comparison/" not in client.get(peers.site_a.get_absolute_url()).content.decode()
