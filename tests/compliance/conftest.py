from datetime import date

import pytest
import yaml

from vigie.compliance.library import FRAMEWORKS_DIR, ensure_bundled


@pytest.fixture
def frameworks(db):
    ensure_bundled()


def bundled(name: str) -> dict:
    return yaml.safe_load((FRAMEWORKS_DIR / name).read_text(encoding="utf-8"))


def write(tmp_path, name: str, document: dict):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def version_of(key: str):
    from vigie.compliance.models import FrameworkVersion

    return FrameworkVersion.objects.filter(framework__key=key).latest("loaded_at")


def assess(org, key: str, user=None, on: date = date(2025, 6, 1), conditions=None):
    from vigie.compliance.services import create_assessment

    return create_assessment(organisation=org, version=version_of(key), assessed_on=on, user=user,
                             conditions=conditions)


def answer(assessment, code: str, status: str = "", score=None, comment: str = ""):
    from vigie.compliance.services import save_answer

    found = assessment.answers.get(requirement__code=code)
    return save_answer(found, status=status, score=score, comment=comment, evidence=None, user=None)
