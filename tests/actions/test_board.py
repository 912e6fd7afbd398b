"""The board: columns by status; moving a card is a small POST, with or without HTMX."""

from django.urls import reverse

from tests.conftest import login
from vigie.actions.models import Status

from .conftest import make_action


def test_it_shows_a_column_per_status_with_its_cards(client, world):
    make_action(world, title="Carte ouverte")
    make_action(world, title="Carte finie", status=Status.DONE)
    response = login(client, world.alice).get(reverse("actions:board"))
    assert response.status_code == 200
    columns = {c["status"]: [a.title for a in c["cards"]] for c in response.context["columns"]}
    assert columns[Status.OPEN] == ["Carte ouverte"]
    assert columns[Status.DONE] == ["Carte finie"]
    assert "hx-select=\"#board\"" in response.text


def test_it_moves_a_card_without_javascript(client, world):
    action = make_action(world)
    url = reverse("actions:move", args=[action.uuid])
    response = login(client, world.contributor_a).post(url, {"status": "in_progress", "next": reverse("actions:board")})
    assert response.status_code == 302
    assert response["Location"] == reverse("actions:board")
    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS


def test_it_moves_a_card_with_htmx_and_returns_the_board(client, world):
    action = make_action(world, title="Carte HTMX")
    url = reverse("actions:move", args=[action.uuid])
    response = login(client, world.alice).post(
        url, {"status": "done", "next": reverse("actions:board")}, HTTP_HX_REQUEST="true", follow=True)
    assert response.status_code == 200
    assert 'id="board"' in response.text
    action.refresh_from_db()
    assert action.status == Status.DONE


def test_it_refuses_an_illegal_move_with_a_message(client, world):
    action = make_action(world, status=Status.CANCELLED)
    response = login(client, world.alice).post(reverse("actions:move", args=[action.uuid]), {"status": "done"},
                                               follow=True)
    action.refresh_from_db()
    assert action.status == Status.CANCELLED
    assert any("cannot" in str(m) or "ne peut" in str(m) for m in response.context["messages"])


def test_it_refuses_readers_and_get(client, world):
    action = make_action(world)
    url = reverse("actions:move", args=[action.uuid])
    assert login(client, world.auditor_a).post(url, {"status": "done"}).status_code == 403
    assert client.get(url).status_code == 403  # the route declares "change", checked before the method
    assert login(client, world.alice).get(url).status_code == 405
    action.refresh_from_db()
    assert action.status == Status.OPEN
