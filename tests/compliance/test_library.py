"""Framework files: schema validation, clear errors, all-or-nothing loading, version pinning."""

import copy

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import login
from vigie.compliance.library import FrameworkFileError, bundled_files, load_files, parse
from vigie.compliance.models import Framework, FrameworkVersion, Requirement

from .conftest import answer, assess, bundled, version_of, write


def snapshot():
    return (list(FrameworkVersion.objects.values_list("framework__key", "version", "sha256")),
            Requirement.objects.count())


def test_it_loads_every_bundled_framework(frameworks):
    keys = set(Framework.objects.values_list("key", flat=True))
    assert keys == {"care-d1", "care-d2", "hospiconnect", "dns-2025-12", "anssi-hygiene", "anssi-crisis-maturity"}
    assert version_of("anssi-hygiene").requirements.count() == 42
    d2 = set(version_of("care-d2").requirements.values_list("code", flat=True))
    assert {"D2.P1", "D2.P2", "D2.O1.A", "D2.O1.D", "D2.O2.B", "D2.O3.A", "D2.O3.D", "D2.O4"} <= d2
    d1 = set(version_of("care-d1").requirements.values_list("code", flat=True))
    assert {"D1.O2.B", "D1.O6.B"} <= d1
    assert version_of("dns-2025-12").requirements.count() == 7


def test_it_says_what_is_not_confirmed(frameworks):
    d1 = version_of("care-d1")
    assert d1.confirmed is False and d1.document["note"]["fr"]
    dns = version_of("dns-2025-12")
    assert dns.requirements.get(code="A1").confirmed is True
    assert dns.requirements.get(code="A4").confirmed is False


def test_it_gives_each_hygiene_measure_a_level(frameworks):
    levels = [r.data["level"] for r in version_of("anssi-hygiene").requirements.all()]
    assert set(levels) == {"standard", "standard_reinforced", "reinforced"}
    assert [r.code for r in version_of("anssi-hygiene").requirements.all() if r.data["level"] == "reinforced"] == [
        "38", "41", "42"]


def test_it_tags_maturity_questions(frameworks):
    version = version_of("anssi-crisis-maturity")
    assert len(version.themes) == 5
    assert {r.data["tag"] for r in version.requirements.all()} == {"strategic", "operational"}


def test_it_names_file_requirement_and_field_of_a_schema_error(tmp_path):
    document = bundled("care-d2.yaml")
    del document["requirements"][1]["title"]["en"]
    with pytest.raises(FrameworkFileError) as caught:
        load_files([write(tmp_path, "broken.yaml", document)])
    message = str(caught.value)
    assert "broken.yaml" in message and "D2.P2" in message and "title" in message and "'en'" in message


def test_it_names_the_field_of_a_bad_freshness_rule(tmp_path):
    document = bundled("care-d2.yaml")
    document["requirements"][0]["freshness"] = [{"rule": "not_before", "date": "16/07/2022"}]
    with pytest.raises(FrameworkFileError) as caught:
        load_files([write(tmp_path, "dates.yaml", document)])
    assert "D2.P1" in str(caught.value) and "freshness.0" in str(caught.value)


def test_it_refuses_duplicate_codes_and_unknown_references(tmp_path):
    document = bundled("care-d2.yaml")
    document["requirements"].append(copy.deepcopy(document["requirements"][0]))
    document["requirements"][3]["parent"] = "D2.O9"
    document["requirements"][9]["applicability"]["condition"] = "no_such_condition"
    with pytest.raises(FrameworkFileError) as caught:
        parse("refs.yaml", write(tmp_path, "refs.yaml", document).read_bytes())
    fields = {(p.code, p.field) for p in caught.value.problems}
    assert ("D2.P1", "code") in fields
    assert ("D2.O1.A", "parent") in fields
    assert ("D2.O3.A", "applicability.condition") in fields


def test_it_reports_yaml_syntax_errors_with_the_line():
    with pytest.raises(FrameworkFileError) as caught:
        parse("syntax.yaml", b"key: [unclosed\nversion: 1\n")
    assert "syntax.yaml" in str(caught.value) and "2" in str(caught.value)


def test_it_changes_nothing_when_one_file_of_several_is_malformed(frameworks, tmp_path):
    good = bundled("care-d2.yaml")
    good["version"] = "2026-v2"
    bad = bundled("care-d1.yaml")
    bad["version"] = "2026-v2"
    bad["requirements"][1]["kind"] = "wish"
    before = snapshot()
    with pytest.raises(FrameworkFileError) as caught:
        load_files([write(tmp_path, "good.yaml", good), write(tmp_path, "bad.yaml", bad)])
    assert "bad.yaml" in str(caught.value) and "D1.O2.B" in str(caught.value) and "kind" in str(caught.value)
    assert snapshot() == before


def test_it_keeps_assessments_on_their_version_when_a_new_one_is_loaded(frameworks, world, tmp_path):
    assessment = assess(world.hospital_a, "care-d2")
    answer(assessment, "D2.P1", "compliant")
    old = assessment.version
    newer = bundled("care-d2.yaml")
    newer["version"] = "2026-v2"
    newer["requirements"][0]["title"]["fr"] = "PSSI revue (nouvelle version)"
    (version, outcome), = load_files([write(tmp_path, "care-d2-v2.yaml", newer)])
    assert outcome == "created" and version != old
    assessment.refresh_from_db()
    assert assessment.version == old
    assert assessment.answers.get(requirement__code="D2.P1").requirement.title != "PSSI revue (nouvelle version)"
    assert version_of("care-d2") == version


def test_it_refuses_to_change_a_version_in_use(frameworks, world, tmp_path):
    assess(world.hospital_a, "care-d2")
    changed = bundled("care-d2.yaml")
    changed["requirements"][0]["title"]["fr"] = "Autre texte"
    before = snapshot()
    with pytest.raises(FrameworkFileError) as caught:
        load_files([write(tmp_path, "same-version.yaml", changed)])
    assert "version" in str(caught.value) and "2025-v1" in str(caught.value)
    assert snapshot() == before


def test_it_loads_the_same_file_twice_without_change(frameworks):
    before = snapshot()
    assert {outcome for _v, outcome in load_files(bundled_files())} == {"unchanged"}
    assert snapshot() == before


def test_the_command_reports_problems_and_loads_nothing(frameworks, tmp_path):
    document = bundled("hospiconnect.yaml")
    document["version"] = "2027-v1"
    document["requirements"][2]["source"] = {"reference": "x"}
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        call_command("load_frameworks", str(write(tmp_path, "hc.yaml", document)))
    assert "hc.yaml" in str(caught.value) and "HC.2027.0" in str(caught.value) and "source" in str(caught.value)
    assert snapshot() == before


def test_the_upload_page_is_for_superusers_only(client, world, frameworks):
    login(client, world.alice)
    assert client.get("/compliance/frameworks/upload/").status_code == 403


def test_a_superuser_uploads_a_new_version(client, world, frameworks, tmp_path):
    from tests.conftest import make_user

    root = make_user("root", superuser=True)
    login(client, root)
    document = bundled("dns-2025-12.yaml")
    document["version"] = "2026-v2"
    path = write(tmp_path, "dns.yaml", document)
    with path.open("rb") as fh:
        response = client.post("/compliance/frameworks/upload/", {"file": fh})
    assert response.status_code == 302
    assert FrameworkVersion.objects.filter(framework__key="dns-2025-12", version="2026-v2").exists()


def test_a_malformed_upload_lists_its_problems(client, world, frameworks, tmp_path):
    from tests.conftest import make_user

    login(client, make_user("root", superuser=True))
    document = bundled("dns-2025-12.yaml")
    document["version"] = "2026-v3"
    document["requirements"][0]["code"] = "bad code!"
    before = snapshot()
    with write(tmp_path, "dns-bad.yaml", document).open("rb") as fh:
        response = client.post("/compliance/frameworks/upload/", {"file": fh})
    assert response.status_code == 200
    assert "dns-bad.yaml" in response.content.decode() and "code" in response.content.decode()
    assert snapshot() == before
