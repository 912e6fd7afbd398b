"""Funding declarations: candidates, the workflow and every illegal jump, who may take each step, the
history and the audit log, the calls' dates (locked when confirmed, editable by administrators otherwise)."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.conftest import login, make_user
from vigie.accounts.models import AuditEvent
from vigie.compliance import declarations as service
from vigie.compliance.models import CallDate, Declaration, DeclarationTransition, FundingCall
from vigie.core.roles import Role

S = Declaration.Status
ORDER = [S.PREPARED, S.SUBMITTED, S.VALIDATED, S.DECLARED, S.VERIFIED, S.PAID]
LEGAL = set(zip(ORDER, ORDER[1:]))
ILLEGAL = [(a, b) for a, b in itertools.product(ORDER, ORDER) if (a, b) not in LEGAL]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(world):
    """The ARS writer of region A, an ARS manager of region A, the ARS of region B, the clinic's manager."""
    world.ars_writer = make_user("ars_writer", (world.region_a, Role.CONTRIBUTOR))
    world.ars_manager = make_user("ars_manager", (world.region_a, Role.MANAGER))
    world.ars_b = make_user("ars_b", (world.region_b, Role.CONTRIBUTOR))
    world.clinic_rssi = make_user("clinic_rssi", (world.clinic, Role.MANAGER))
    world.root = make_user("root", superuser=True)
    return world


def call(key="care-d2") -> FundingCall:
    return service.calls().get(key=key)


@pytest.fixture
def dossier(people):
    return service.prepare(organisation=people.ght_a, call=call(), user=people.ght_manager, reference="ECARE-1")


def walk_to(declaration, status, world):
    """Take the legal steps up to `status`, each by the right side."""
    actors = {S.SUBMITTED: world.ght_manager, S.VALIDATED: world.ars_writer, S.DECLARED: world.ght_manager,
              S.VERIFIED: world.ars_writer, S.PAID: world.national_admin}
    for target in ORDER[1: ORDER.index(status) + 1]:
        service.advance(declaration, target, actors[target], f"to {target}")
    return declaration


# --- candidates --------------------------------------------------------------------------------------------


def test_it_prepares_a_dossier_for_a_ght_on_the_latest_framework_version(dossier, people):
    assert dossier.status == S.PREPARED and dossier.version.framework.key == "care-d2"
    step = dossier.transitions.get()
    assert (step.from_status, step.to_status, step.actor) == ("", S.PREPARED, people.ght_manager)


def test_it_lets_a_legal_entity_outside_any_ght_file_its_own(people):
    declaration = service.prepare(organisation=people.clinic, call=call(), user=people.clinic_rssi)
    assert declaration.organisation == people.clinic


@pytest.mark.parametrize("node, message", [
    ("hospital_a", "belongs to GHT A: the GHT files one dossier for all its members"),
    ("site_a", "Only a GHT, or a legal entity outside any GHT, files a funding dossier."),
    ("region_a", "Only a GHT, or a legal entity outside any GHT, files a funding dossier."),
])
def test_it_refuses_candidates_that_do_not_file(people, node, message):
    with pytest.raises(ValidationError, match=message):
        service.prepare(organisation=getattr(people, node), call=call(), user=people.root)
    assert not Declaration.objects.exists()


def test_it_refuses_a_second_dossier_for_the_same_call(dossier, people):
    with pytest.raises(ValidationError, match="already has a dossier"):
        service.prepare(organisation=people.ght_a, call=call(), user=people.ght_manager)
    assert Declaration.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "ars_writer", "ars_manager", "national_admin"])
def test_it_lets_only_the_candidates_managers_prepare(people, who):
    with pytest.raises(service.NotAllowed, match="Only a manager of the candidate"):
        service.prepare(organisation=people.ght_a, call=call(), user=getattr(people, who))
    assert not Declaration.objects.exists()


# --- the workflow -------------------------------------------------------------------------------------------


def test_it_walks_the_whole_workflow_with_history_and_audit(dossier, people):
    walk_to(dossier, S.VERIFIED, people)
    service.record_payment(dossier, people.national_admin, "virement reçu", amount_paid=Decimal("120000"))
    dossier.refresh_from_db()
    assert dossier.status == S.PAID and dossier.amount_paid == Decimal("120000")
    steps = list(dossier.transitions.order_by("at", "id"))
    assert [(t.from_status, t.to_status) for t in steps] == [("", S.PREPARED), *zip(ORDER, ORDER[1:])]
    assert [t.actor.username for t in steps[1:]] == ["ght_a", "ars_writer", "ght_a", "ars_writer", "nadmin"]
    assert steps[-1].comment == "virement reçu" and all(t.at for t in steps)
    events = AuditEvent.objects.filter(object_uuid=str(dossier.uuid), changes__step__isnull=False).order_by("id")
    assert [e.changes["status"]["to"] for e in events] == ORDER[1:]
    assert events.last().user == people.national_admin and events.last().changes["comment"] == "virement reçu"


@pytest.mark.parametrize("source, target", ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_it_refuses_every_illegal_jump(dossier, people, source, target):
    Declaration.objects.filter(pk=dossier.pk).update(status=source)
    dossier.refresh_from_db()
    root = people.root
    steps, events = DeclarationTransition.objects.count(), AuditEvent.objects.count()
    with pytest.raises(service.Refused) as refused:
        service.advance(dossier, target, root, "saut")
    message = str(refused.value)
    if source == S.PAID:
        assert message == f"The dossier is Paid: its workflow is over, it cannot become {S(target).label}."
    else:
        following = service.next_step(dossier)
        assert message == (f"A dossier that is {S(source).label} cannot become {S(target).label}; "
                           f"its next step is: {following.label}.")
    dossier.refresh_from_db()
    assert dossier.status == source
    assert (DeclarationTransition.objects.count(), AuditEvent.objects.count()) == (steps, events)


def test_it_refuses_an_unknown_status_or_step(dossier, people):
    with pytest.raises(service.Refused, match="Unknown status archived"):
        service.advance(dossier, "archived", people.ght_manager)
    with pytest.raises(service.Refused, match="Unknown step archive"):
        service.take(dossier, "archive", people.ght_manager)


STEP_ACTORS = {
    "submit": (S.PREPARED, ["ght_manager"], ["alice", "ars_writer", "ars_manager", "ars_b", "national_admin", "auditor_a"]),
    "validate": (S.SUBMITTED, ["ars_writer", "ars_manager"], ["ght_manager", "alice", "ars_a", "ars_b", "national_admin"]),
    "declare": (S.VALIDATED, ["ght_manager"], ["alice", "ars_writer", "ars_manager", "national_admin"]),
    "verify": (S.DECLARED, ["ars_writer", "ars_manager"], ["ght_manager", "alice", "ars_a", "ars_b", "national_admin"]),
    "pay": (S.VERIFIED, ["ars_writer", "national_admin"], ["ght_manager", "alice", "ars_a", "ars_b", "auditor_a"]),
}
CASES = [(step, who, ok) for step, (_s, yes, no) in STEP_ACTORS.items() for who, ok in
         [(w, True) for w in yes] + [(w, False) for w in no]]


@pytest.mark.parametrize("step, who, allowed", CASES, ids=[f"{s}-{w}-{'yes' if a else 'no'}" for s, w, a in CASES])
def test_it_lets_only_the_right_side_take_each_step(dossier, people, step, who, allowed):
    """Establishment managers submit and declare; the ARS (contributor or more on the region) validates and
    verifies; the ARS or the national level records the payment. Readers and other regions may not."""
    source = STEP_ACTORS[step][0]
    Declaration.objects.filter(pk=dossier.pk).update(status=source)
    dossier.refresh_from_db()
    user = getattr(people, who)
    assert (service.allowed_steps(dossier, user) != []) is allowed
    if allowed:
        service.take(dossier, step, user, "ok")
        assert dossier.status == service.BY_NAME[step].target
    else:
        with pytest.raises(service.NotAllowed, match="Only .* may take this step"):
            service.take(dossier, step, user, "non")
        dossier.refresh_from_db()
        assert dossier.status == source and not dossier.transitions.filter(comment="non").exists()


def test_it_refuses_a_negative_payment(dossier, people):
    walk_to(dossier, S.VERIFIED, people)
    with pytest.raises(service.Refused, match="cannot be negative"):
        service.record_payment(dossier, people.national_admin, amount_paid=Decimal("-1"))
    dossier.refresh_from_db()
    assert dossier.status == S.VERIFIED


def test_a_stale_copy_cannot_take_a_step_twice(dossier, people):
    stale = Declaration.objects.get(pk=dossier.pk)
    service.submit(dossier, people.ght_manager)
    with pytest.raises(service.Refused, match="cannot become Submitted"):
        service.submit(stale, people.ght_manager)
    assert dossier.transitions.filter(to_status=S.SUBMITTED).count() == 1


def test_it_changes_details_only_while_prepared(dossier, people):
    service.update(dossier, people.ght_manager, reference="ECARE-2", amount_requested=Decimal("50000"), note="")
    assert Declaration.objects.get(pk=dossier.pk).reference == "ECARE-2"
    with pytest.raises(service.NotAllowed):
        service.update(dossier, people.alice, reference="X")
    service.submit(dossier, people.ght_manager)
    with pytest.raises(service.Refused, match="no longer change"):
        service.update(dossier, people.ght_manager, reference="ECARE-3")
    assert Declaration.objects.get(pk=dossier.pk).reference == "ECARE-2"


def test_it_warns_about_passed_dates(dossier, people):
    CallDate.objects.filter(call=dossier.call, key="application_closes").update(date=date(2025, 12, 1))
    dossier = Declaration.objects.get(pk=dossier.pk)
    assert service.warnings(dossier, date(2025, 11, 30)) == []
    assert service.warnings(dossier, date(2025, 12, 2)) == ["The application window closed on 12/01/2025."]


# --- visibility and pages -------------------------------------------------------------------------------------


def test_members_see_their_ghts_dossier_and_others_do_not(dossier, people):
    visible = lambda user: Declaration.objects.for_user(user, "view").filter(pk=dossier.pk).exists()  # noqa: E731
    assert visible(people.alice) and visible(people.auditor_a) and visible(people.ars_a)
    assert not visible(people.bob) and not visible(people.ars_b) and not visible(people.clinic_rssi)
    assert not Declaration.objects.for_user(people.alice, "change").exists()
    assert not Declaration.objects.for_user(people.alice, "export").exists()


def test_the_page_shows_only_the_buttons_the_user_may_press(client, dossier, people):
    url = dossier.get_absolute_url()
    submit = 'name="step" value="submit"'
    assert submit in login(client, people.ght_manager).get(url).content.decode()
    client.logout()
    page = login(client, people.alice).get(url).content.decode()
    assert submit not in page and reverse("compliance:declaration_edit", args=[dossier.uuid]) not in page
    client.logout()
    page = login(client, people.ars_writer).get(url).content.decode()
    assert submit not in page and 'value="validate"' not in page
    service.submit(dossier, people.ght_manager)
    assert 'name="step" value="validate"' in client.get(url).content.decode()


def test_a_step_by_page_is_recorded_and_refused_to_others(client, dossier, people):
    step_url = reverse("compliance:declaration_transition", args=[dossier.uuid])
    response = login(client, people.alice).post(step_url, {"step": "submit", "comment": "non"})
    assert response.status_code == 403
    client.logout()
    response = login(client, people.ght_manager).post(step_url, {"step": "submit", "comment": "Dossier complet"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED
    assert dossier.transitions.get(to_status=S.SUBMITTED).comment == "Dossier complet"
    response = client.post(step_url, {"step": "declare"}, follow=True)  # not its next step: a message
    assert response.status_code == 200 and Declaration.objects.get(pk=dossier.pk).status == S.SUBMITTED


def test_the_create_page_offers_only_candidates_the_user_manages(client, people):
    login(client, people.ght_manager)
    response = client.post(reverse("compliance:declaration_create"), {
        "organisation": str(people.hospital_a.uuid), "call": "care-d2"})
    assert response.status_code == 200 and not Declaration.objects.exists()
    response = client.post(reverse("compliance:declaration_create"), {
        "organisation": str(people.ght_a.uuid), "call": "care-d2", "amount_requested": "-5"})
    assert response.status_code == 200 and not Declaration.objects.exists()
    response = client.post(reverse("compliance:declaration_create"), {
        "organisation": str(people.ght_a.uuid), "call": "care-d2", "reference": "ECARE-9"})
    declaration = Declaration.objects.get()
    assert response.status_code == 302 and response["Location"] == declaration.get_absolute_url()


# --- the calls' dates ------------------------------------------------------------------------------------------


def test_the_calls_carry_the_programmes_dates(db):
    d1 = call("care-d1")
    assert d1.date_of("application_opens") == date(2024, 3, 18)
    assert d1.date_of("declaration_deadline") == date(2025, 6, 30)
    assert call("care-d2").date_of("declaration_opens") == date(2026, 1, 16)
    assert call("care-d2").date_of("declaration_deadline") is None
    assert not CallDate.objects.get(call__key="care-d1", key="declaration_deadline").editable
    assert CallDate.objects.get(call__key="care-d1", key="payment_closes").editable


def test_only_administrators_edit_dates_and_never_confirmed_ones(people):
    unknown = CallDate.objects.get(call=call(), key="declaration_deadline")
    with pytest.raises(service.NotAllowed):
        service.edit_date(unknown, people.alice, value=date(2026, 12, 31), source="ARS")
    service.edit_date(unknown, people.national_admin, value=date(2026, 12, 31), source="Webinaire ARS")
    confirmed = CallDate.objects.get(call=call(), key="declaration_opens")
    with pytest.raises(service.Refused, match="official text"):
        service.edit_date(confirmed, people.national_admin, value=date(2026, 2, 1), source="")
    assert CallDate.objects.get(pk=confirmed.pk).date == date(2026, 1, 16)
    unknown.refresh_from_db()
    assert unknown.date == date(2026, 12, 31) and unknown.edited_by == people.national_admin


def test_a_new_data_file_keeps_administrators_edits(people):
    row = CallDate.objects.get(call=call(), key="declaration_deadline")
    service.edit_date(row, people.national_admin, value=date(2026, 12, 31), source="ARS")
    FundingCall.objects.update(data_sha256="old")
    CallDate.objects.filter(call__key="care-d2", key="declaration_opens").update(date=date(2000, 1, 1))
    service.ensure_calls()
    assert CallDate.objects.get(pk=row.pk).date == date(2026, 12, 31)
    assert call().date_of("declaration_opens") == date(2026, 1, 16)  # confirmed: the file wins


def test_the_date_page_is_for_administrators(client, people):
    row = CallDate.objects.get(call=call(), key="declaration_deadline")
    url = reverse("compliance:call_date_edit", args=[row.uuid])
    assert login(client, people.alice).get(url).status_code == 403
    client.logout()
    login(client, people.national_admin)
    assert client.post(url, {"date": "2026-10-31", "source": "ARS"}).status_code == 302
    assert CallDate.objects.get(pk=row.pk).date == date(2026, 10, 31)
