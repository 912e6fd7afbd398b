"""The deadlines catalogue (data, checked on load) and the status of each deadline per organisation."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import login
from vigie.actions.deadlines import DATA_FILE, CatalogueError, add_months, catalogue, load
from vigie.actions.models import DeadlineCompletion
from vigie.actions.services import record_completion, statuses_for

D = datetime.date
REQUIRED = {"crisis-exercise", "maturity-self-assessment", "ad-audit", "exposure-audit", "bcp-drp", "bia-critical",
            "bia-all", "d2-pcra-test", "hospiconnect-2027", "hospiconnect-2028"}


def state(code, today, *done):
    return catalogue().get(code).status(today, list(done))


def test_the_catalogue_holds_every_required_deadline_with_a_source_and_confidence():
    deadlines = {d.code: d for d in catalogue()}
    assert REQUIRED <= set(deadlines)
    assert all(d.source and d.confidence in ("C", "S", "NC") for d in deadlines.values())
    assert deadlines["bia-critical"].due == D(2026, 6, 30) and deadlines["bia-all"].due == D(2027, 6, 30)
    assert deadlines["d2-pcra-test"].due == D(2026, 11, 30)
    assert (deadlines["exposure-audit"].every_months, deadlines["ad-audit"].every_months) == (1, 3)
    assert deadlines["exposure-audit"].confidence == "C" and deadlines["ad-audit"].confidence == "NC"


@pytest.mark.parametrize("change, field", [
    ("  - code: Bad Code", "code"),
    ("    confidence: maybe", "confidence"),
    ("    rule: {every_months: 0, anchor: \"2025-01-01\"}", "rule.every_months"),
    ("    rule: {due: \"2026-13-01\"}", "rule.due"),
    ("    applies_to: [hospital]", "applies_to"),
    ("    source: \"\"", "source"),
])
def test_a_malformed_file_is_refused_naming_the_deadline_and_field(tmp_path: Path, change, field):
    text = DATA_FILE.read_text(encoding="utf-8")
    key = change.strip().split(":")[0].lstrip("- ")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith(("- " if key == "code" else "") + key + ":"))
    lines[first] = change
    bad = tmp_path / "deadlines.yaml"
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load(bad)
    assert caught.value.file == "deadlines.yaml"
    assert caught.value.field == field
    assert str(caught.value).startswith("deadlines.yaml: deadline ")


def test_a_duplicate_code_is_refused(tmp_path):
    text = DATA_FILE.read_text(encoding="utf-8").replace("code: bia-all", "code: bia-critical")
    bad = tmp_path / "deadlines.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="bia-critical: code: used twice"):
        load(bad)


def test_add_months_keeps_the_day_within_the_month():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 11, 1), 3) == D(2027, 2, 1)
    assert add_months(D(2026, 1, 1), -1) == D(2025, 12, 1)


def test_a_yearly_deadline_is_done_within_its_period_and_due_by_its_end():
    assert state("crisis-exercise", D(2026, 5, 15), D(2025, 3, 1), D(2026, 2, 1)).state == "done"
    due = state("crisis-exercise", D(2026, 5, 15), D(2025, 3, 1))
    assert (due.state, due.due) == ("due", D(2026, 12, 31))


def test_a_yearly_deadline_is_late_when_the_last_period_was_missed():
    late = state("crisis-exercise", D(2026, 5, 15))
    assert (late.state, late.due) == ("late", D(2025, 12, 31))
    assert state("crisis-exercise", D(2026, 5, 15), D(2026, 5, 15)).state == "done"  # caught up this year


def test_the_first_period_after_the_anchor_is_never_late():
    assert state("crisis-exercise", D(2025, 6, 1)).state == "due"


def test_quarterly_period_boundaries():
    on_last_day = state("ad-audit", D(2026, 6, 30), D(2026, 4, 1))
    assert (on_last_day.state, on_last_day.period_start, on_last_day.due) == ("done", D(2026, 4, 1), D(2026, 6, 30))
    next_day = state("ad-audit", D(2026, 7, 1), D(2026, 4, 1))
    assert (next_day.state, next_day.due) == ("due", D(2026, 9, 30))
    assert state("ad-audit", D(2026, 7, 1), D(2026, 3, 31)).state == "late"  # Q2 had none


def test_monthly_boundaries_and_future_completions_do_not_count():
    assert state("exposure-audit", D(2026, 3, 1), D(2026, 2, 28)).state == "due"
    assert state("exposure-audit", D(2026, 3, 1), D(2026, 3, 1)).state == "done"
    assert state("exposure-audit", D(2026, 3, 10), D(2026, 2, 5), D(2026, 3, 20)).state == "due"


def test_fixed_deadlines_are_due_then_late_and_done_even_when_late():
    assert state("bia-critical", D(2026, 6, 30)).state == "due"
    assert state("bia-critical", D(2026, 7, 1)).state == "late"
    assert state("bia-critical", D(2026, 7, 20), D(2026, 7, 10)).state == "done"
    assert state("d2-pcra-test", D(2026, 6, 1), D(2024, 1, 1)).state == "due"  # before the operational phase


def test_applicability_by_kind_and_candidacy(world):
    pcra = catalogue().get("d2-pcra-test")
    assert pcra.applies(world.ght_a) is True
    assert pcra.applies(world.hospital_a) is False  # its GHT answers for it
    assert pcra.applies(world.clinic) is True  # outside any GHT: its own candidate
    assert pcra.applies(world.site_a) is False
    assert catalogue().get("crisis-exercise").applies(world.ght_a) is False


def test_record_completion_is_idempotent_and_checked(world):
    first = record_completion(world.hospital_a, "crisis-exercise", D(2026, 3, 1), "RETEX mars")
    again = record_completion(world.hospital_a, "crisis-exercise", D(2026, 3, 1), "RETEX mars")
    assert first.pk == again.pk and DeadlineCompletion.objects.count() == 1
    with pytest.raises(ValidationError, match="Unknown deadline|inconnue"):
        record_completion(world.hospital_a, "no-such-thing", D(2026, 3, 1))
    with pytest.raises(ValidationError):
        record_completion(world.site_a, "crisis-exercise", D(2026, 3, 1))  # not for sites
    with pytest.raises(ValidationError):
        record_completion(world.hospital_a, "crisis-exercise", datetime.date.today() + datetime.timedelta(days=1))


def test_statuses_for_uses_the_recorded_completions(world):
    record_completion(world.hospital_a, "crisis-exercise", D(2026, 2, 1), "RETEX")
    (org, states), = statuses_for([world.hospital_a], D(2026, 5, 15))
    by_code = {s.deadline.code: (s.state, last) for s, last in states}
    assert org == world.hospital_a
    assert by_code["crisis-exercise"][0] == "done" and by_code["crisis-exercise"][1].reference == "RETEX"
    assert by_code["maturity-self-assessment"] == ("late", None)
    assert "d2-pcra-test" not in by_code


def test_the_page_shows_the_users_organisations_and_their_states(client, world):
    record_completion(world.hospital_a, "crisis-exercise", datetime.date.today(), "RETEX du jour")
    response = login(client, world.alice).get(reverse("actions:deadlines"))
    assert response.status_code == 200
    assert [org for org, _ in response.context["rows"]] == [world.hospital_a]
    assert "RETEX du jour" in response.text and "CH B" not in response.text
    response = login(client, world.ars_a).get(reverse("actions:deadlines"), {"organisation": str(world.ght_a.uuid)})
    assert [org for org, _ in response.context["rows"]] == [world.ght_a, world.hospital_a]


def test_contributors_record_a_completion_by_hand_and_readers_cannot(client, world):
    url = reverse("actions:completion_add")
    data = {"organisation": str(world.hospital_a.uuid), "deadline": "ad-audit", "done_on": "2026-01-15",
            "reference": "ORADAD janvier"}
    assert login(client, world.auditor_a).get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    response = login(client, world.contributor_a).post(url, data)
    assert response.status_code == 302
    completion = DeadlineCompletion.objects.get()
    assert (completion.recorded_by, completion.reference) == (world.contributor_a, "ORADAD janvier")
    refused = client.post(url, {**data, "organisation": str(world.hospital_b.uuid)})
    assert refused.status_code == 200 and DeadlineCompletion.objects.count() == 1


def test_a_completion_recorded_by_mistake_can_be_deleted(client, world):
    completion = record_completion(world.hospital_a, "ad-audit", D(2026, 1, 15), "erreur")
    url = reverse("actions:completion_delete", args=[completion.uuid])
    assert login(client, world.auditor_a).post(url).status_code == 403
    assert login(client, world.contributor_a).post(url).status_code == 302
    assert not DeadlineCompletion.objects.exists()
