"""The organisation choice at national scale: a <select> for a few hundred organisations, beyond that a
search input (typed FINESS number or name checked by the server) with suggestions from a scoped route."""

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from tests.conftest import login, make_org, make_user
from vigie.compliance.forms import AssessmentCreateForm
from vigie.compliance.models import Assessment
from vigie.core.organisation_choice import SELECT_LIMIT, label
from vigie.core.roles import Role
from vigie.organisations.finess import with_key
from vigie.organisations.models import Organisation

pytestmark = pytest.mark.django_db
MANY = 600


def build_many(world):
    """MANY establishments under GHT A, and a regional administrator of region A who may act on them all."""
    for number in range(MANY):
        make_org(kind="legal_entity", name=f"Centre hospitalier n°{number}", parent=world.ght_a,
                 finess=with_key(f"{76000000 + number:08d}"), legal_status="public")
    world.regional = make_user("regional", (world.region_a, Role.ADMIN))
    return world


@pytest.fixture
def many(world):
    return build_many(world)


def search(client, **params):
    url = reverse("core:organisation_search") + "?" + urlencode(
        {"model": Assessment._meta.label_lower, "action": "add", **params})
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["label"] for row in response.json()["results"]]


def test_a_few_organisations_are_a_select(world):
    html = str(AssessmentCreateForm(user=world.alice)["organisation"])
    assert html.startswith('<select name="organisation"') and "CH A" in html and "CH B" not in html


def test_hundreds_of_organisations_are_a_search_input_not_a_drop_down(many):
    assert Organisation.objects.filter(path__startswith=many.region_a.path).count() > SELECT_LIMIT
    html = str(AssessmentCreateForm(user=many.regional)["organisation"])
    assert "<select" not in html and html.count("<option") == 0
    assert 'type="search"' in html and "data-organisation-search" in html and "organisation-search.js" in html


def test_the_search_finds_one_by_finess_or_name_and_never_another_tenants(client, many):
    target = Organisation.objects.get(name="Centre hospitalier n°417")
    login(client, many.regional)
    assert search(client, q=target.finess) == [label(target)]
    assert label(target) in search(client, q="n°417")
    assert search(client, q="CH B") == [] and search(client, q=many.hospital_b.finess) == []
    assert len(search(client)) == 20  # a page of suggestions, never the whole list
    login(client, many.bob)
    assert search(client, q="Centre hospitalier") == []
    assert search(client, q="CH") == [label(many.hospital_b), label(many.site_b)]


def test_a_typed_finess_or_name_is_checked_by_the_server(many):
    target = Organisation.objects.get(name="Centre hospitalier n°42")
    for typed in (target.finess, f" {target.finess.lower()} ", "centre hospitalier n°42", label(target),
                  str(target.uuid)):
        form = AssessmentCreateForm({"organisation": typed}, user=many.regional)
        form.is_valid()
        assert "organisation" not in form.errors, (typed, form.errors)
        assert form.cleaned_data["organisation"] == target
    for typed in (many.hospital_b.finess, "CH B", "nowhere"):
        form = AssessmentCreateForm({"organisation": typed}, user=many.regional)
        assert not form.is_valid() and "organisation" in form.errors, typed
        assert typed in form.errors["organisation"][0]


def test_the_same_name_twice_asks_for_the_finess(many):
    make_org(kind="legal_entity", name="Centre hospitalier n°7", parent=many.clinic.parent,
             finess=with_key("77000001"), legal_status="public")
    form = AssessmentCreateForm({"organisation": "Centre hospitalier n°7"}, user=many.regional)
    assert not form.is_valid() and "FINESS" in form.errors["organisation"][0]


def test_the_search_refuses_an_unknown_model(client, world):
    login(client, world.alice)
    response = client.get(reverse("core:organisation_search"), {"model": "nothing.here"})
    assert response.status_code == 400
