import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.organisations.conftest import csv_upload, xlsx_upload
from vigie.accounts.models import AuditEvent
from vigie.organisations.finess import with_key
from vigie.organisations.models import Organisation

EJ = with_key("75000300")
EG1 = with_key("75000301")
EG2 = with_key("75000302")


def good_rows():
    return [
        ["ght", "GHT Nouveau", "", "", "GHT-11-09", "", "", "", "", "", ""],
        ["legal_entity", "CH Nouveau", "GHT Nouveau", EJ, "", "public", "55,5", "300", "1 rue X", "dsi@chn.fr",
         "+33 1 02 03 04 05"],
        ["site", "CH Nouveau — site 1", EJ, EG1, "", "", "", "200", "", "", ""],
        ["site", "CH Nouveau — site 2", EJ, EG2, "", "", "", "100", "", "", ""],
    ]


def url(org):
    return reverse("organisations:import", args=[org.uuid])


def test_it_imports_a_good_csv_file(world, as_user):
    response = as_user(world.national_admin).post(url(world.region_a), {"file": csv_upload(good_rows())})
    assert response.status_code == 302, response.context and response.context["report"].errors
    ght = Organisation.objects.get(name="GHT Nouveau")
    entity = Organisation.objects.get(finess=EJ)
    sites = Organisation.objects.filter(parent=entity)
    assert ght.parent_id == world.region_a.pk and ght.code == "GHT-11-09"
    assert entity.parent_id == ght.pk and str(entity.activity_share) == "55.50"
    assert entity.phone == "+33 1 02 03 04 05"
    assert {s.finess for s in sites} == {EG1, EG2}
    assert all(s.path.startswith(world.region_a.path) for s in sites)


def test_it_imports_a_comma_separated_file_without_bom(world, as_user):
    rows = [r[:6] + [r[6].replace(",", ".")] + r[7:] for r in good_rows()]
    upload = csv_upload(rows, delimiter=",", bom=False)
    response = as_user(world.national_admin).post(url(world.region_a), {"file": upload})
    assert response.status_code == 302
    assert Organisation.objects.filter(parent__finess=EJ).count() == 2


def test_it_imports_a_good_xlsx_file(world, as_user):
    rows = good_rows()
    rows[1][6], rows[1][7] = 55.5, 300  # real numbers in the workbook
    rows[2][1] = "CH Nouveau — site 1"
    response = as_user(world.national_admin).post(url(world.region_a), {"file": xlsx_upload(rows)})
    assert response.status_code == 302
    entity = Organisation.objects.get(finess=EJ)
    assert entity.bed_count == 300 and str(entity.activity_share) == "55.50"
    assert Organisation.objects.filter(parent=entity).count() == 2


def test_it_records_an_import_audit_event_with_counts(world, as_user):
    as_user(world.national_admin).post(url(world.region_a), {"file": csv_upload(good_rows())})
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.changes["created"] == 4
    assert event.changes["by_kind"] == {"ght": 1, "legal_entity": 1, "site": 2}
    assert event.organisation_id == world.region_a.pk


def test_bad_rows_import_nothing_and_are_all_reported(world, as_user):
    rows = good_rows()
    rows[0][0] = "hospital"                                   # line 2: unknown kind
    rows[1][3] = EJ[:-1] + str((int(EJ[-1]) + 1) % 10)       # line 3: wrong FINESS key
    rows[2][7] = "many"                                       # line 4: not a number
    rows.append(["site", "Orphan", "", with_key("75000303"), "", "", "", "", "", "", ""])  # line 6: wrong parent kind
    before = Organisation.objects.count()
    response = as_user(world.national_admin).post(url(world.region_a), {"file": csv_upload(rows)})
    assert response.status_code == 200
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()
    errors = {(e.line, e.column) for e in response.context["report"].errors}
    assert {(2, "kind"), (3, "finess"), (4, "bed_count"), (6, "parent")} <= errors
    body = response.content.decode()
    for line, column in [(2, "kind"), (3, "finess"), (4, "bed_count"), (6, "parent")]:
        assert f"<td>{line}</td><td>{column}</td>" in body


def test_a_row_under_a_failed_row_says_so(world, as_user):
    rows = good_rows()
    rows[1][5] = ""  # the legal entity lacks its legal status
    response = as_user(world.national_admin).post(url(world.region_a), {"file": csv_upload(rows)})
    errors = response.context["report"].errors
    assert {(e.line, e.column) for e in errors} >= {(3, "legal_status"), (4, "parent"), (5, "parent")}
    assert any("3" in e.message for e in errors if e.line == 4)


def test_it_refuses_rows_outside_the_chosen_subtree(world, as_user):
    rows = [["site", "Intrus", world.hospital_b.finess, with_key("75000304"), "", "", "", "", "", "", ""],
            ["region", "Région Z", "", "", "", "", "", "", "", "", ""]]
    before = Organisation.objects.count()
    response = as_user(world.alice).post(url(world.hospital_a), {"file": csv_upload(rows)})
    assert response.status_code == 200
    errors = {(e.line, e.column) for e in response.context["report"].errors}
    assert errors == {(2, "parent"), (3, "parent")}
    assert Organisation.objects.count() == before
    assert "CH B" not in response.content.decode()


@pytest.mark.parametrize("persona", ["ght_manager", "auditor_a", "bob"])
def test_it_refuses_without_import(world, as_user, persona):
    rows = [["site", "CH A — site 9", "", with_key("75000305"), "", "", "", "", "", "", ""]]
    client = as_user(getattr(world, persona))
    refused = 404 if persona == "bob" else 403  # 404 for what one cannot see, 403 for what one only sees
    assert client.get(url(world.hospital_a)).status_code == refused
    assert client.post(url(world.hospital_a), {"file": csv_upload(rows)}).status_code == refused
    assert not Organisation.objects.filter(name="CH A — site 9").exists()


def test_the_templates_import_as_they_are(world, as_user):
    client = as_user(world.national_admin)
    response = client.get(reverse("organisations:import_template_csv"))
    assert response["Content-Type"].startswith("text/csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header[:3] == ["kind", "name", "parent"]
    upload = SimpleUploadedFile("template.csv", response.content)
    assert client.post(url(world.ght_a), {"file": upload}).status_code == 302
    assert Organisation.objects.get(finess="330781196").parent.finess == "750712184"


def test_the_xlsx_template_has_the_header_and_an_example(world, as_user):
    import openpyxl

    content = as_user(world.alice).get(reverse("organisations:import_template_xlsx")).content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("kind", "name", "parent", "finess")
    assert rows[1][3] == "750712184"


@pytest.mark.parametrize("share", ["NaN", "Infinity", "-inf"])
def test_a_share_that_is_no_number_is_reported_not_a_crash(world, as_user, share):
    rows = good_rows()
    rows[1][6] = share
    before = Organisation.objects.count()
    response = as_user(world.national_admin).post(url(world.region_a), {"file": csv_upload(rows)})
    assert response.status_code == 200
    assert (3, "activity_share") in {(e.line, e.column) for e in response.context["report"].errors}
    assert Organisation.objects.count() == before


def test_the_model_refuses_a_share_that_is_no_number(world):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    world.hospital_a.activity_share = Decimal("NaN")
    with pytest.raises(ValidationError) as exc:
        world.hospital_a.full_clean()
    assert "activity_share" in exc.value.message_dict
