"""Pages of the BIA: impacts saved and derived, bad impacts refused, cycles refused with the cycle named."""

from django.urls import reverse

from tests.conftest import login
from tests.continuity.builders import activity, stack
from vigie.continuity.models import Activity, Application, Component, Impact


def impact_post(levels_by_key):
    data = {}
    for table in ("interruption", "data_loss"):
        for dimension in ("patient_safety", "continuity_of_care", "legal", "financial", "reputation"):
            for window in ("h1", "h4", "h24", "h72", "w1"):
                data[f"{table}__{dimension}__{window}"] = "0"
    data.update(levels_by_key)
    return data


def test_impacts_page_derives_dmia_pdma(client, world):
    act = activity(world.hospital_a, "Réanimation", impacts=False)
    login(client, world.alice)
    response = client.post(reverse("continuity:activity_impacts", args=[act.uuid]), impact_post({
        "interruption__patient_safety__h1": "2", "interruption__patient_safety__h4": "3",
        "interruption__patient_safety__h24": "4", "interruption__patient_safety__h72": "4",
        "interruption__patient_safety__w1": "4", "data_loss__financial__w1": "3"}))
    assert response.status_code == 302
    act.refresh_from_db()
    assert (act.dmia_hours, act.pdma_hours, act.rto_hours, act.rpo_hours) == (0, 72, 0, 36)
    page = client.get(act.get_absolute_url())
    assert page.status_code == 200 and "<svg" in page.content.decode()


def test_decreasing_impacts_are_refused_and_nothing_changes(client, world):
    act = activity(world.hospital_a, "Maternité")
    before = (act.dmia_hours, list(Impact.objects.filter(activity=act).values_list("h1", "h4", "h24")))
    login(client, world.alice)
    response = client.post(reverse("continuity:activity_impacts", args=[act.uuid]), impact_post({
        "interruption__financial__h1": "3", "interruption__financial__h4": "1"}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Financial" in text or "Financier" in text
    act.refresh_from_db()
    assert (act.dmia_hours, list(Impact.objects.filter(activity=act).values_list("h1", "h4", "h24"))) == before


def test_cycle_is_refused_with_the_cycle_named(client, world):
    _act, app, database, server = stack(world.hospital_a)
    login(client, world.alice)
    data = {"name": server.name, "kind": "server", "platform": "windows", "depends_on": [database.pk],
            "holds_data": "on", "data_size_gb": "100", "rebuild_hours": "4", "restore_hours": "4"}
    response = client.post(reverse("continuity:component_edit", args=[server.uuid]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "SRV-X → BDD-X → SRV-X" in text or "BDD-X → SRV-X → BDD-X" in text
    assert list(server.depends_on.all()) == []


def test_application_cycle_through_another_application(client, world):
    _act, app, database, _server = stack(world.hospital_a)
    portal = Application.objects.create(organisation=world.hospital_a, name="Portail")
    portal.depends_on.add(app)
    login(client, world.alice)
    response = client.post(reverse("continuity:application_edit", args=[app.uuid]), {
        "name": app.name, "hosting": "on_premise", "depends_on": [portal.pk], "components": [database.pk]})
    assert response.status_code == 200
    assert "Portail" in response.content.decode() and "→" in response.content.decode()
    assert list(app.depends_on.all()) == []


def test_pickers_offer_only_the_organisation_and_its_ancestors(client, world):
    mine = Component.objects.create(organisation=world.hospital_a, name="SRV-MINE", kind="server")
    shared = Component.objects.create(organisation=world.ght_a, name="SRV-GHT", kind="server")
    other = Component.objects.create(organisation=world.hospital_b, name="SRV-OTHER", kind="server")
    from vigie.continuity.services import selectable

    offered = set(selectable(Component, world.hospital_a))
    assert mine in offered and shared in offered and other not in offered


def test_graph_page_lists_only_visible(client, world):
    stack(world.hospital_a, "A")
    stack(world.hospital_b, "B")
    login(client, world.alice)
    text = client.get(reverse("continuity:graph")).content.decode()
    assert "SRV-A" in text and "SRV-B" not in text
    assert Activity.objects.count() == 2


def test_graph_page_draws_under_the_csp_with_its_table(client, world):
    stack(world.hospital_a, "A")
    login(client, world.alice)
    response = client.get(reverse("continuity:graph"))
    text = response.content.decode()
    assert "continuity/graph.css" in text and "<style" not in text and "style=" not in text
    assert 'class="dependency-graph"' in text and text.count('<path class="e"') == 3
    rows = {row.node.label: [n.label for n in row.needs] for row in response.context["graph"].rows}
    assert rows == {"Urgences A": ["DPI-A"], "DPI-A": ["BDD-A"], "BDD-A": ["SRV-A"], "SRV-A": []}
    assert '<th scope="row"><a href="' in text
    one_chain = response_queries(client)
    for prefix in "BCD":
        stack(world.hospital_a, prefix)
    assert response_queries(client) == one_chain  # more chains of the same depth cost no query (no N+1)


def response_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("continuity:graph"))
    return len(queries)
