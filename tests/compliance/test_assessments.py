"""Assessment pages: create, answer a row with HTMX, submit, review, approve (which raises PAQ actions)."""

from datetime import date

import pytest
from django.apps import apps

from tests.conftest import login
from vigie.compliance.models import Assessment
from vigie.compliance.services import Refused, approve, submit

from .conftest import answer, assess, version_of


def test_it_creates_an_assessment_with_one_answer_per_answerable_requirement(client, world, frameworks):
    login(client, world.contributor_a)
    version = version_of("care-d2")
    response = client.post("/compliance/assessments/new/", {
        "organisation": str(world.hospital_a.uuid), "version": str(version.uuid), "assessed_on": "2025-06-01"})
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.answers.count() == version.requirements.filter(answerable=True).count()
    assert assessment.created_by == world.contributor_a and assessment.status == "draft"


def test_it_does_not_offer_another_hospital(client, world, frameworks):
    login(client, world.contributor_a)
    response = client.post("/compliance/assessments/new/", {
        "organisation": str(world.hospital_b.uuid), "version": str(version_of("care-d2").uuid),
        "assessed_on": "2025-06-01"})
    assert response.status_code == 200 and Assessment.objects.count() == 0


def test_it_saves_a_row_with_htmx_and_returns_the_row(client, world, frameworks):
    assessment = assess(world.hospital_a, "care-d2")
    row = assessment.answers.get(requirement__code="D2.P1")
    login(client, world.contributor_a)
    response = client.post(f"/compliance/answers/{row.uuid}/", {"status": "partial", "comment": "PSSI de 2021"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="answer-{row.uuid}"' in response.content.decode() and "<html" not in response.content.decode()
    row.refresh_from_db()
    assert row.status == "partial" and row.comment == "PSSI de 2021" and row.updated_by == world.contributor_a


def test_a_maturity_row_takes_a_score(client, world, frameworks):
    assessment = assess(world.hospital_a, "anssi-crisis-maturity")
    row = assessment.answers.get(requirement__code="7.4")
    login(client, world.contributor_a)
    client.post(f"/compliance/answers/{row.uuid}/", {"score": "2", "status": ""}, HTTP_HX_REQUEST="true")
    row.refresh_from_db()
    assert row.score == 2


def test_a_reader_cannot_save_a_row(client, world, frameworks):
    assessment = assess(world.hospital_a, "care-d2")
    row = assessment.answers.get(requirement__code="D2.P1")
    login(client, world.auditor_a)
    assert client.post(f"/compliance/answers/{row.uuid}/", {"status": "compliant"}).status_code == 403
    row.refresh_from_db()
    assert row.status == ""


def test_it_will_not_submit_with_unanswered_requirements(world, frameworks):
    assessment = assess(world.hospital_a, "care-d1")
    with pytest.raises(Refused) as caught:
        submit(assessment)
    assert "D1.O2.B" in str(caught.value)


def fill(assessment, status="compliant"):
    for row in assessment.answers.select_related("requirement"):
        answer(assessment, row.requirement.code, status)


def test_a_manager_reviews_a_row_then_approves(client, world, frameworks):
    assessment = assess(world.hospital_a, "care-d1")
    fill(assessment)
    submit(assessment)
    row = assessment.answers.get(requirement__code="D1.O2.B")
    login(client, world.ght_manager)
    client.post(f"/compliance/answers/{row.uuid}/review/", HTTP_HX_REQUEST="true")
    row.refresh_from_db()
    assert row.reviewed_by == world.ght_manager and row.reviewed_at is not None
    response = client.post(f"/compliance/assessments/{assessment.uuid}/approve/")
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "approved" and assessment.approved_by == world.ght_manager
    assert not assessment.answers.filter(reviewed_at__isnull=True).exists()


def test_a_contributor_cannot_approve(client, world, frameworks):
    assessment = assess(world.hospital_a, "care-d1")
    fill(assessment)
    submit(assessment)
    login(client, world.contributor_a)
    assert client.post(f"/compliance/assessments/{assessment.uuid}/approve/").status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == "in_review"


def test_approval_asks_for_a_fresh_second_factor(client, world, frameworks):
    from vigie.core.recent import RECENT_KEY

    assessment = assess(world.hospital_a, "care-d1")
    fill(assessment)
    submit(assessment)
    login(client, world.alice)
    session = client.session
    session[RECENT_KEY] = 0
    session.save()
    response = client.post(f"/compliance/assessments/{assessment.uuid}/approve/")
    assert response.status_code == 302 and "/accounts/me/confirm/" in response["Location"]
    assessment.refresh_from_db()
    assert assessment.status == "in_review"


def test_an_approved_assessment_is_frozen(world, frameworks):
    assessment = assess(world.hospital_a, "care-d1")
    fill(assessment)
    submit(assessment)
    approve(assessment, world.alice)
    with pytest.raises(Refused):
        answer(assessment, "D1.O2.B", "non_compliant")


@pytest.mark.skipif(not apps.is_installed("vigie.actions"), reason="the actions app is not installed")
def test_approval_raises_one_paq_action_per_gap_once(world, frameworks):
    from vigie.actions.models import Action

    assessment = assess(world.hospital_a, "care-d2")
    fill(assessment)
    answer(assessment, "D2.P1", "non_compliant", comment="PSSI de 2020")
    answer(assessment, "D2.O3.C", "partial")
    answer(assessment, "D2.O4", "not_applicable")
    submit(assessment)
    assert approve(assessment, world.alice) == 2
    actions = Action.objects.filter(organisation=world.hospital_a).order_by("source_key")
    assert [a.source_key for a in actions] == ["care-d2:D2.O3.C", "care-d2:D2.P1"]
    pssi = actions.get(source_key="care-d2:D2.P1")
    assert pssi.priority == "high" and "PSSI de 2020" in pssi.description and "D2.P1" in pssi.title
    assert actions.get(source_key="care-d2:D2.O3.C").priority == "low"  # medium, one step lower for partial
    again = assess(world.hospital_a, "care-d2", on=date(2026, 6, 1))
    fill(again)
    answer(again, "D2.P1", "non_compliant")
    submit(again)
    assert approve(again, world.alice) == 0  # the same gap: the actions app de-duplicates
    assert Action.objects.filter(organisation=world.hospital_a).count() == 2


def test_maturity_gaps_below_two_raise_actions(world, frameworks):
    if not apps.is_installed("vigie.actions"):
        pytest.skip("the actions app is not installed")
    from vigie.actions.models import Action

    assessment = assess(world.hospital_a, "anssi-crisis-maturity")
    for row in assessment.answers.select_related("requirement"):
        answer(assessment, row.requirement.code, score=2)
    answer(assessment, "7.4", score=1)
    submit(assessment)
    assert approve(assessment, world.alice) == 1
    assert Action.objects.get(organisation=world.hospital_a).source_key == "anssi-crisis-maturity:7.4"


def test_the_module_is_on_the_home_page(client, world, frameworks):
    login(client, world.alice)
    text = client.get("/").content.decode()
    assert "Conformité CaRE" in text and "/compliance/" in text


