"""Trajectories: HospiConnect targets read from the framework file, gaps per year, budget shares against the
2 % target, and bad input (negative budgets, shares over 100 %, unknown means) refused with nothing saved."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.conftest import login
from vigie.accounts.models import ApiToken
from vigie.compliance import trajectories as service
from vigie.compliance.models import BudgetDeclaration, IdentityApplication, IdentityIndicators


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def indicators(org, year, **counts):
    values = {"doctors_nurses": 200, "doctors_nurses_2fa": 100, "all_users": 1000, "all_users_2fa": 250,
              "dmp_patients": 4000, "dmp_consents": 2000, "dmp_users": 500, "dmp_consulting": 150, **counts}
    item = IdentityIndicators(organisation=org, year=year, measured_on=date(year, 6, 1), **values)
    item.full_clean()
    item.save()
    return item


def test_it_reads_the_yearly_targets_from_the_hospiconnect_file(db):
    found = {(t.year, t.metric): t.minimum for t in service.targets()}
    assert found == {
        (2027, "mfa_doctors_nurses"): 100, (2027, "dmp_consent_rate"): 75, (2027, "dmp_consultation_rate"): 40,
        (2028, "mfa_all_users"): 100, (2028, "dmp_consent_rate"): 90, (2028, "dmp_consultation_rate"): 60,
    }
    assert {t.confidence for t in service.targets()} == {"S"}


def test_it_computes_the_gap_per_year_from_the_latest_measure(world):
    indicators(world.hospital_a, 2026)
    indicators(world.hospital_a, 2028, all_users_2fa=1000, dmp_consents=3800, dmp_consulting=250)
    years = {y.year: {g.target.metric: g for g in y.gaps} for y in service.gaps(world.hospital_a)}
    mfa = years[2027]["mfa_doctors_nurses"]
    assert (mfa.value, mfa.gap, mfa.measured_in, mfa.met) == (Decimal("50.0"), Decimal("50.0"), 2026, False)
    assert years[2027]["dmp_consent_rate"].gap == Decimal("25.0")  # 50 % collected against 75 %
    assert years[2027]["dmp_consultation_rate"].gap == Decimal("10.0")  # 30 % against 40 %
    assert years[2028]["mfa_all_users"].met is True and years[2028]["mfa_all_users"].measured_in == 2028
    assert years[2028]["dmp_consent_rate"].value == Decimal("95.0") and years[2028]["dmp_consent_rate"].gap == 0
    assert years[2028]["dmp_consultation_rate"].gap == Decimal("10.0")  # 50 % against 60 %


def test_a_target_without_a_measure_shows_no_gap(world):
    years = service.gaps(world.hospital_b)
    assert [y.year for y in years] == [2027, 2028]
    assert all(g.value is None and g.gap is None and g.met is None for y in years for g in y.gaps)
    indicators(world.hospital_b, 2027, dmp_patients=None, dmp_consents=None)
    gap = {g.target.metric: g for g in service.gaps(world.hospital_b)[0].gaps}["dmp_consent_rate"]
    assert gap.gap is None


@pytest.mark.parametrize("part, whole, expected", [(1, 3, "33.3"), (2, 3, "66.7"), (0, 10, "0.0"), (5, 5, "100.0")])
def test_percent_rounds_half_up_to_one_decimal(part, whole, expected):
    assert service.percent(part, whole) == Decimal(expected)
    assert service.percent(1, 0) is None and service.percent(None, 4) is None


@pytest.mark.parametrize("total, digital, cyber, share, gap", [
    ("100000000", "1500000", "200000", "1.70", "0.30"),
    ("50000000", "900000", "200000", "2.20", "0.00"),
    ("0", "0", "0", None, None),
])
def test_it_computes_the_budget_share_against_the_2_percent_target(world, total, digital, cyber, share, gap):
    budget = BudgetDeclaration(organisation=world.hospital_a, year=2025, total_budget=Decimal(total),
                               digital_budget=Decimal(digital), cyber_budget=Decimal(cyber))
    budget.full_clean()
    row = service.budget_row(budget)
    assert row.target == Decimal("2")
    assert row.share == (Decimal(share) if share else None) and row.gap == (Decimal(gap) if gap else None)


@pytest.mark.parametrize("values, field, message", [
    ({"total_budget": "-1"}, "total_budget", "A budget cannot be negative."),
    ({"cyber_budget": "-10"}, "cyber_budget", "A budget cannot be negative."),
    ({"digital_budget": "900", "cyber_budget": "200"}, "digital_budget",
     "Digital and cyber budgets together (1100) cannot exceed 1000: the share would be 110.0 %, over 100 %."),
    ({"total_budget": "0"}, "total_budget", "The total budget cannot be zero"),
])
def test_it_refuses_bad_budgets_with_a_clear_message(world, values, field, message):
    data = {"total_budget": "1000", "digital_budget": "10", "cyber_budget": "5", **values}
    budget = BudgetDeclaration(organisation=world.hospital_a, year=2025, **{k: Decimal(v) for k, v in data.items()})
    with pytest.raises(ValidationError) as refused:
        budget.full_clean()
    assert any(message in m for m in refused.value.message_dict[field])


def test_the_page_refuses_a_negative_budget_and_saves_nothing(client, world):
    login(client, world.alice)
    response = client.post(reverse("compliance:budget_create"), {
        "organisation": str(world.hospital_a.uuid), "year": "2025", "total_budget": "-5",
        "digital_budget": "1", "cyber_budget": "1"})
    assert response.status_code == 200 and response.context["form"].errors["total_budget"]
    assert not BudgetDeclaration.objects.exists()


def test_the_page_records_a_budget_and_shows_the_history(client, world):
    login(client, world.alice)
    for year, digital in ((2024, "1500000"), (2025, "2100000")):
        response = client.post(reverse("compliance:budget_create"), {
            "organisation": str(world.hospital_a.uuid), "year": str(year), "total_budget": "100000000",
            "digital_budget": digital, "cyber_budget": "100000"})
        assert response.status_code == 302
    assert BudgetDeclaration.objects.get(year=2025).declared_by == world.alice
    page = client.get(reverse("compliance:trajectory_detail", args=[world.hospital_a.uuid])).content.decode()
    assert ("1,60 %" in page and "2,20 %" in page) or ("1.60 %" in page and "2.20 %" in page)
    duplicate = client.post(reverse("compliance:budget_create"), {
        "organisation": str(world.hospital_a.uuid), "year": "2025", "total_budget": "1",
        "digital_budget": "0", "cyber_budget": "0"})
    assert duplicate.status_code == 200 and BudgetDeclaration.objects.count() == 2


def test_only_managers_declare_budgets(client, world):
    login(client, world.contributor_a)
    response = client.post(reverse("compliance:budget_create"), {
        "organisation": str(world.hospital_a.uuid), "year": "2025", "total_budget": "10",
        "digital_budget": "0", "cyber_budget": "0"})
    assert response.status_code == 403  # the route's declaration: a contributor may declare budgets nowhere
    assert not BudgetDeclaration.objects.exists()


@pytest.mark.parametrize("counts, field", [
    ({"doctors_nurses_2fa": 201}, "doctors_nurses_2fa"),
    ({"all_users_2fa": 1001}, "all_users_2fa"),
    ({"doctors_nurses": 1200}, "doctors_nurses"),
    ({"dmp_consents": 4001}, "dmp_consents"),
    ({"dmp_consulting": 501}, "dmp_consulting"),
    ({"dmp_users": None}, "dmp_consulting"),
])
def test_it_refuses_indicators_over_100_percent(world, counts, field):
    with pytest.raises(ValidationError) as refused:
        indicators(world.hospital_a, 2026, **counts)
    assert refused.value.message_dict[field]
    assert not IdentityIndicators.objects.exists()


def test_it_refuses_unknown_means_with_the_known_ones(world):
    application = IdentityApplication(organisation=world.hospital_a, name="DPI", means=["cps", "badge", "sms"])
    with pytest.raises(ValidationError) as refused:
        application.full_clean()
    assert refused.value.message_dict["means"] == [
        "Unknown authentication means: badge, sms. Known means: cps, e_cps, fido, otp, password."]


def test_it_checks_the_homologation_date(world):
    application = IdentityApplication(organisation=world.hospital_a, name="DPI", means=["password", "cps", "cps"],
                                      homologation="with_reserve")
    with pytest.raises(ValidationError, match="needs its homologation date"):
        application.full_clean()
    application.homologated_on = date(2025, 12, 1)
    application.full_clean()
    assert application.means == ["cps", "password"] and application.strong is True


def test_the_page_saves_an_application_and_summarises_the_means(client, world, settings):
    login(client, world.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("compliance:identity_application_create"), {
        "organisation": str(world.hospital_a.uuid), "name": "DPI Orbis", "patient_record": "on",
        "means": ["password"], "homologation": "not_started"})
    assert response.status_code == 302
    application = IdentityApplication.objects.get()
    page = client.get(reverse("compliance:trajectory_detail", args=[world.hospital_a.uuid])).content.decode()
    assert "DPI Orbis" in page and "(no second factor)" in page
    response = client.post(reverse("compliance:identity_application_edit", args=[application.uuid]), {
        "name": "DPI Orbis", "patient_record": "on", "means": ["password", "e_cps"], "pro_sante_connect": "on",
        "homologation": "not_required"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.means == ["e_cps", "password"] and application.pro_sante_connect


def api(client, user):
    _token, raw = ApiToken.issue(user, "tests")

    def post(url, body):
        return client.post(url, json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")

    return post


def test_the_api_refuses_bad_input_and_saves_nothing(client, world):
    post = api(client, world.alice)
    org = str(world.hospital_a.uuid)
    refused = post(reverse("api:compliance_identity_application_create"),
                   {"organisation": org, "name": "DPI", "means": ["cps", "iris"]})
    assert refused.status_code == 422 and "iris" in json.dumps(refused.json())
    refused = post(reverse("api:compliance_budget_create"), {
        "organisation": org, "year": 2025, "total_budget": "100", "digital_budget": "-1", "cyber_budget": "0"})
    assert refused.status_code == 422 and refused.json()["errors"]["digital_budget"]
    refused = post(reverse("api:compliance_budget_create"), {
        "organisation": org, "year": 2025, "total_budget": "100", "digital_budget": "90", "cyber_budget": "20"})
    assert refused.status_code == 422 and "110.0 %" in json.dumps(refused.json(), ensure_ascii=False)
    refused = post(reverse("api:compliance_identity_indicators_create"), {
        "organisation": org, "year": 2026, "measured_on": "2026-02-01", "doctors_nurses": 10,
        "doctors_nurses_2fa": 11, "all_users": 20, "all_users_2fa": 0})
    assert refused.status_code == 422
    assert not (IdentityApplication.objects.exists() or BudgetDeclaration.objects.exists()
                or IdentityIndicators.objects.exists())


def test_the_api_gives_the_gaps_and_the_budget_history(client, world):
    post = api(client, world.alice)
    org = str(world.hospital_a.uuid)
    assert post(reverse("api:compliance_budget_create"), {
        "organisation": org, "year": 2025, "total_budget": "1000", "digital_budget": "15", "cyber_budget": "2"},
    ).status_code == 201
    indicators(world.hospital_a, 2027, doctors_nurses_2fa=180)
    _token, raw = ApiToken.issue(world.alice, "read")
    body = client.get(reverse("api:compliance_trajectory_get", args=[world.hospital_a.uuid]),
                      HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    gap = next(g for g in body["gaps"] if g["year"] == 2027 and g["metric"] == "mfa_doctors_nurses")
    assert Decimal(gap["measured"]) == Decimal("90.0") and Decimal(gap["gap"]) == Decimal("10.0")
    assert Decimal(body["budgets"][0]["share"]) == Decimal("1.70")
    assert Decimal(body["budgets"][0]["gap"]) == Decimal("0.30")
