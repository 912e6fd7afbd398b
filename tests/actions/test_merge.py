"""Merging duplicates by hand: one survivor, notes moved, duplicates closed with a pointer."""

import datetime

from django.urls import reverse

from tests.conftest import login
from vigie.actions import services
from vigie.actions.models import Status

from .conftest import make_action


def test_it_merges_notes_pointers_priority_and_due_date(world):
    survivor = make_action(world, title="Survivante", priority="low", due=datetime.date(2026, 9, 1))
    duplicate = make_action(world, title="Doublon", priority="critical", due=datetime.date(2026, 7, 1))
    services.note(duplicate, "note du doublon", world.alice)
    services.merge_actions(survivor, [duplicate], world.alice)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert duplicate.status == Status.CANCELLED and duplicate.closed_at is not None
    assert (survivor.priority, survivor.due) == ("critical", datetime.date(2026, 7, 1))
    texts = [n.text for n in survivor.notes.all()]
    assert "note du doublon" in texts
    assert any("Doublon" in t for t in texts)


def test_merging_again_repoints_earlier_merges(world):
    a, b, c = make_action(world, title="A"), make_action(world, title="B"), make_action(world, title="C")
    services.merge_actions(b, [a], world.alice)
    services.merge_actions(c, [b], world.alice)
    a.refresh_from_db()
    assert a.merged_into == c


def test_it_refuses_other_organisations_and_already_merged(world):
    mine, theirs = make_action(world), make_action(world, organisation=world.hospital_b)
    other = make_action(world)
    for bad in ([theirs], [], [mine]):
        try:
            services.merge_actions(mine, bad, world.alice)
        except services.Refused:
            continue
        raise AssertionError(f"merge of {bad} was accepted")
    services.merge_actions(mine, [other], world.alice)
    try:
        services.merge_actions(other, [mine], world.alice)
    except services.Refused:
        pass
    else:
        raise AssertionError("a merged action became a survivor")


def test_the_merge_page_offers_only_same_organisation_actions(client, world):
    survivor = make_action(world, title="Survivante")
    duplicate = make_action(world, title="Doublon à fusionner")
    make_action(world, title="Ailleurs", organisation=world.hospital_b)
    login(client, world.alice)
    url = reverse("actions:merge", args=[survivor.uuid])
    page = client.get(url)
    assert "Doublon à fusionner" in page.text and "Ailleurs" not in page.text
    response = client.post(url, {"duplicates": [str(duplicate.uuid)]})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    detail = client.get(reverse("actions:detail", args=[duplicate.uuid]))
    assert survivor.get_absolute_url() in detail.text
