"""The ARS referent (a role between reader and contributor, on a region only): validates, verifies, returns
(with a mandatory comment) and comments on its region's funding dossiers, and changes nothing else."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import login, make_user
from vigie.accounts.models import RoleAssignment
from vigie.compliance import declarations as service
from vigie.compliance.models import Declaration
from vigie.core.roles import Role
from vigie.accounts.services import Refused as GrantRefused
from vigie.accounts.services import grant_role

S = Declaration.Status


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def referents(world):
    world.referent_a = make_user("referent_a", (world.region_a, Role.ARS_REFERENT))
    world.referent_b = make_user("referent_b", (world.region_b, Role.ARS_REFERENT))
    return world


@pytest.fixture
def dossier(referents):
    return service.prepare(organisation=referents.ght_a, call=service.calls().get(key="care-d2"),
                           user=referents.ght_manager, reference="ECARE-7")


def submitted(dossier, world):
    service.submit(dossier, world.ght_manager, "Dossier complet")
    return dossier


def test_the_referent_validates_and_verifies_its_regions_dossier(dossier, referents):
    service.validate(submitted(dossier, referents), referents.referent_a, "Conforme")
    service.declare_objectives(dossier, referents.ght_manager)
    service.verify(dossier, referents.referent_a)
    assert Declaration.objects.get(pk=dossier.pk).status == S.VERIFIED
    with pytest.raises(service.NotAllowed):  # payment stays with contributors of the ARS or the nation
        service.record_payment(dossier, referents.referent_a)


def test_the_referent_of_another_region_may_not(dossier, referents):
    submitted(dossier, referents)
    for act in (lambda: service.validate(dossier, referents.referent_b),
                lambda: service.send_back(dossier, referents.referent_b, "Incomplet"),
                lambda: service.comment_on(dossier, referents.referent_b, "Avis")):
        with pytest.raises(service.NotAllowed):
            act()
    assert not Declaration.objects.for_user(referents.referent_b).filter(pk=dossier.pk).exists()
    assert Declaration.objects.get(pk=dossier.pk).status == S.SUBMITTED


def test_a_reader_of_the_region_may_read_but_not_act(dossier, referents):
    submitted(dossier, referents)
    assert Declaration.objects.for_user(referents.ars_a).filter(pk=dossier.pk).exists()
    for act in (lambda: service.validate(dossier, referents.ars_a),
                lambda: service.send_back(dossier, referents.ars_a, "Incomplet"),
                lambda: service.comment_on(dossier, referents.ars_a, "Avis")):
        with pytest.raises(service.NotAllowed):
            act()
    assert dossier.transitions.count() == 2


def test_a_return_needs_a_comment_and_goes_back_one_step(dossier, referents):
    submitted(dossier, referents)
    with pytest.raises(service.Refused, match="why the dossier is returned"):
        service.send_back(dossier, referents.referent_a, "   ")
    assert Declaration.objects.get(pk=dossier.pk).status == S.SUBMITTED
    step = service.send_back(dossier, referents.referent_a, "Il manque l'exercice de crise")
    assert (step.from_status, step.to_status, step.comment) == (S.SUBMITTED, S.PREPARED, "Il manque l'exercice de crise")
    assert Declaration.objects.get(pk=dossier.pk).status == S.PREPARED
    assert service.may_edit(dossier, referents.ght_manager)  # the establishment completes it…
    service.submit(dossier, referents.ght_manager, "Complété")  # …and submits it again
    service.validate(dossier, referents.referent_a)
    service.declare_objectives(dossier, referents.ght_manager)
    service.send_back(dossier, referents.referent_a, "Preuve de l'audit AD manquante")
    assert Declaration.objects.get(pk=dossier.pk).status == S.VALIDATED


def test_only_submitted_or_declared_dossiers_are_returned(dossier, referents):
    with pytest.raises(service.Refused, match="cannot be returned"):
        service.send_back(dossier, referents.referent_a, "Trop tôt")
    with pytest.raises(service.NotAllowed):  # the establishment does not return its own dossier
        service.send_back(submitted(dossier, referents), referents.ght_manager, "Retour")


def test_both_sides_comment_without_changing_the_status(dossier, referents):
    submitted(dossier, referents)
    service.comment_on(dossier, referents.referent_a, "Pouvez-vous préciser le budget ?")
    service.comment_on(dossier, referents.ght_manager, "Budget précisé dans la note.")
    comments = dossier.transitions.filter(from_status=S.SUBMITTED, to_status=S.SUBMITTED)
    assert [c.actor for c in comments] == [referents.referent_a, referents.ght_manager]
    assert Declaration.objects.get(pk=dossier.pk).status == S.SUBMITTED
    with pytest.raises(service.Refused):
        service.comment_on(dossier, referents.referent_a, "")


def test_the_page_offers_the_referent_validate_return_and_comment(client, dossier, referents):
    submitted(dossier, referents)
    page = login(client, referents.referent_a).get(dossier.get_absolute_url()).content.decode()
    assert 'name="step" value="validate"' in page and 'name="step" value="return"' in page
    assert reverse("compliance:declaration_comment", args=[dossier.uuid]) in page
    client.logout()
    page = login(client, referents.ars_a).get(dossier.get_absolute_url()).content.decode()
    assert 'value="validate"' not in page and 'value="return"' not in page
    assert reverse("compliance:declaration_comment", args=[dossier.uuid]) not in page


def test_the_referent_returns_and_comments_by_page(client, dossier, referents):
    submitted(dossier, referents)
    login(client, referents.referent_a)
    step_url = reverse("compliance:declaration_transition", args=[dossier.uuid])
    client.post(step_url, {"step": "return", "comment": ""})
    assert Declaration.objects.get(pk=dossier.pk).status == S.SUBMITTED  # refused with a message
    assert client.post(step_url, {"step": "return", "comment": "À compléter"}).status_code == 302
    assert Declaration.objects.get(pk=dossier.pk).status == S.PREPARED
    comment_url = reverse("compliance:declaration_comment", args=[dossier.uuid])
    assert client.post(comment_url, {"comment": "Merci"}).status_code == 302
    history = client.get(dossier.get_absolute_url()).content.decode()
    assert "Merci" in history and "À compléter" in history


def test_the_referent_returns_and_comments_by_api(client, dossier, referents):
    from vigie.accounts.models import ApiToken

    submitted(dossier, referents)
    _token, raw = ApiToken.issue(referents.referent_a, "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    base = f"/api/compliance/declarations/{dossier.uuid}"
    response = client.post(f"{base}/return", {"comment": ""}, content_type="application/json", **headers)
    assert response.status_code == 409
    response = client.post(f"{base}/return", {"comment": "À compléter"}, content_type="application/json", **headers)
    assert response.status_code == 200 and response.json()["status"] == S.PREPARED
    response = client.post(f"{base}/comments", {"comment": "Avis favorable"}, content_type="application/json",
                           **headers)
    assert response.status_code == 200
    assert response.json()["history"][-1]["comment"] == "Avis favorable"


def test_the_role_is_granted_on_a_region_only(world):
    with pytest.raises(GrantRefused, match="region only"):
        grant_role(world.national_admin, world.hospital_a, "contrib_a", Role.ARS_REFERENT)
    assignment, _created = grant_role(world.national_admin, world.region_a, "contrib_a", Role.ARS_REFERENT)
    assert RoleAssignment.objects.get(pk=assignment.pk).role == Role.ARS_REFERENT


def test_the_user_creation_form_grants_it_on_a_region_only(world):
    from vigie.accounts.forms import UserCreateForm

    data = {"username": "new_referent", "email": "r@example.org", "role": Role.ARS_REFERENT}
    form = UserCreateForm({**data, "organisation": world.ght_a.uuid}, admin=world.national_admin)
    assert not form.is_valid() and "region only" in str(form.errors["role"])
    assert UserCreateForm({**data, "organisation": world.region_a.uuid}, admin=world.national_admin).is_valid()
