"""Freshness rules, conditional applicability and scoring, as the framework files declare them."""

from datetime import date
from decimal import Decimal

from vigie.compliance import rules
from vigie.compliance.services import approve, row_for, score_of, submit

from .conftest import answer, assess, version_of


def item(day: date, value=None, title="preuve"):
    return rules.Item(title, day, value)


def requirement(key, code):
    return version_of(key).requirements.get(code=code)


def test_it_accepts_a_pssi_reviewed_after_16_july_2022(frameworks):
    active = requirement("care-d2", "D2.P1").freshness
    assert rules.check_set([item(date(2022, 7, 16))], active, date(2025, 6, 1)).valid is True


def test_it_refuses_a_pssi_reviewed_before_16_july_2022_and_says_why(frameworks):
    active = requirement("care-d2", "D2.P1").freshness
    verdict = rules.check_set([item(date(2022, 7, 15))], active, date(2025, 6, 1))
    assert verdict.valid is False
    assert "freshness" in verdict.reason or "fraîcheur" in verdict.reason
    assert rules.check_item(item(date(2022, 7, 15)), active, date(2025, 6, 1)).valid is False


def test_it_expires_an_ads_audit_older_than_60_days_only_with_a_dedicated_ad(frameworks):
    rules_d2o3a = requirement("care-d2", "D2.O3.A").freshness
    old = item(date(2025, 3, 1), value=4)
    declaration = date(2025, 6, 1)
    without = rules.active_rules(rules_d2o3a, {"dedicated_backup_ad": False})
    assert rules.check_set([old], without, declaration).valid is True
    with_ad = rules.active_rules(rules_d2o3a, {"dedicated_backup_ad": True})
    assert rules.check_set([old], with_ad, declaration).valid is False
    assert rules.check_set([item(date(2025, 5, 1), value=3)], with_ad, declaration).valid is True
    low = rules.check_item(item(date(2025, 5, 1), value=2), with_ad, declaration)
    assert low.valid is False and "2" in low.reason


def test_it_needs_two_exposure_audits_45_to_60_days_apart(frameworks):
    active = requirement("care-d1", "D1.O2.B").freshness
    as_of = date(2025, 6, 30)
    monthly = [item(date(2025, 5, 1), title="mai"), item(date(2025, 6, 1), title="juin")]
    assert rules.check_set(monthly, active, as_of).valid is False
    spaced = [item(date(2025, 4, 15), title="avril"), item(date(2025, 6, 1), title="juin")]
    verdict = rules.check_set(spaced, active, as_of)
    assert verdict.valid is True and "47" in verdict.reason


def test_it_refuses_evidence_dated_after_the_reference_date(frameworks):
    verdict = rules.check_item(item(date(2025, 7, 1)), [], date(2025, 6, 1))
    assert verdict.valid is False


def test_d1o6b_applies_to_a_ght_only(frameworks, world):
    d1o6b = requirement("care-d1", "D1.O6.B")
    assert rules.applicability(d1o6b, "ght", {}).applies is True
    outside = rules.applicability(d1o6b, "legal_entity", {})
    assert outside.applies is False and outside.reason


def test_reinforced_measures_apply_only_when_the_reinforced_level_is_aimed_at(frameworks, world):
    standard = assess(world.hospital_a, "anssi-hygiene")
    reinforced = assess(world.hospital_a, "anssi-hygiene", conditions={"reinforced_level": True})
    measure_41 = lambda a: row_for(a.answers.get(requirement__code="41"), with_evidence=False)  # noqa: E731
    assert measure_41(standard).applies.applies is False
    assert measure_41(reinforced).applies.applies is True
    assert score_of(reinforced).applicable == score_of(standard).applicable + 3


def test_it_scores_compliance_as_a_percentage_with_half_for_partial(frameworks, world):
    assessment = assess(world.hospital_a, "care-d2")
    codes = list(assessment.answers.values_list("requirement__code", flat=True))
    assert len(codes) == 13  # the group D2.O1 is not answered
    for code in codes[:6]:
        answer(assessment, code, "compliant")
    for code in codes[6:10]:
        answer(assessment, code, "partial")
    answer(assessment, codes[10], "non_compliant")
    answer(assessment, codes[11], "not_applicable")
    answer(assessment, codes[12], "non_compliant")
    score = score_of(assessment)
    # 6 × 1 + 4 × 0.5 + 2 × 0 over 12 applicable answers (one not applicable)
    assert score.value == Decimal("66.67")
    assert score.unit == "%"
    governance = next(t for t in score.themes if t.key == "governance")
    assert governance.value is not None


def test_it_counts_unanswered_requirements_as_zero_in_compliance(frameworks, world):
    assessment = assess(world.hospital_a, "care-d1", conditions=None)
    answer(assessment, "D1.O2.B", "compliant")
    assert score_of(assessment).value == Decimal("50.00")  # D1.O6.B does not apply to a legal entity


def test_it_averages_maturity_per_theme_and_overall(frameworks, world):
    assessment = assess(world.hospital_a, "anssi-crisis-maturity")
    scores = {"V.GOV.1": 3, "V.GOV.2": 2, "V.GOV.3": 1, "7.4": 0, "V.COM.1": 3, "10.8": 2}
    for code, value in scores.items():
        answer(assessment, code, score=value)
    answer(assessment, "V.CON.1", "not_applicable")
    score = score_of(assessment)
    themes = {t.key: t for t in score.themes}
    assert themes["governance"].value == Decimal("2.00")
    assert themes["communication"].value == Decimal("1.50")
    assert themes["continuity"].value == Decimal("2.00")
    assert themes["processes"].value is None
    assert score.value == Decimal("1.83")  # (3+2+1+0+3+2) / 6: unanswered questions are left out
    assert score.unit == "/ 3"


def test_it_keeps_the_score_at_approval(frameworks, world):
    assessment = assess(world.hospital_a, "anssi-crisis-maturity")
    for requirement_ in assessment.version.requirements.all():
        answer(assessment, requirement_.code, score=2)
    submit(assessment)
    approve(assessment, world.ght_manager)
    assessment.refresh_from_db()
    assert assessment.status == "approved" and assessment.score == Decimal("2.00")
