"""Helpers for the organisation tests: upload files built in memory, and a signed-in client per persona."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import login

HEADER = ["kind", "name", "parent", "finess", "code", "legal_status", "activity_share", "bed_count", "address",
          "email", "phone"]


def csv_upload(rows, header=HEADER, delimiter=";", name="orgs.csv", bom=True) -> SimpleUploadedFile:
    lines = [delimiter.join(header)] + [delimiter.join(str(v) for v in row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return SimpleUploadedFile(name, text.encode("utf-8-sig" if bom else "utf-8"), content_type="text/csv")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_upload(rows, header=HEADER, name="orgs.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, header), content_type="application/octet-stream")


@pytest.fixture
def as_user(client):
    """as_user(user) -> the test client signed in as that user (2FA verified)."""

    def sign_in(user):
        client.logout()
        return login(client, user)

    return sign_in
