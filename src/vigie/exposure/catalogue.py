"""The engine's checks catalogue as the app reads it: titles and remediation in French and English.

A finding keeps its titles when it is stored, so a check removed from a later catalogue (or one named by an
imported file) still shows what it was; `meta()` answers for such ids with the id itself as title.
"""

from dataclasses import dataclass
from functools import cache

from django.utils.translation import get_language

from .engine import CHECKS


@dataclass(frozen=True, slots=True)
class CheckMeta:
    check_id: str
    title_fr: str
    title_en: str
    severity: str = "medium"
    remediation_fr: str = ""
    remediation_en: str = ""
    reference: str = ""
    known: bool = True

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "fr").startswith("en") and self.title_en else self.title_fr

    @property
    def remediation(self) -> str:
        english = (get_language() or "fr").startswith("en")
        return (self.remediation_en if english and self.remediation_en else self.remediation_fr) or self.remediation_en


def _text(value, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang, "") or "")
    return str(value or "")


def _from_check(check) -> CheckMeta:
    get = (lambda name, default="": check.get(name, default)) if isinstance(check, dict) else \
        (lambda name, default="": getattr(check, name, default))
    title, remediation = get("title", None), get("remediation", None)
    return CheckMeta(
        check_id=str(get("id") or get("check_id")),
        title_fr=str(get("title_fr") or _text(title, "fr")), title_en=str(get("title_en") or _text(title, "en")),
        severity=str(get("severity") or "medium"),
        remediation_fr=str(get("remediation_fr") or _text(remediation, "fr")),
        remediation_en=str(get("remediation_en") or _text(remediation, "en")),
        reference=str(get("reference") or ""),
    )


@cache
def catalogue() -> dict[str, CheckMeta]:
    items = CHECKS.values() if hasattr(CHECKS, "values") else CHECKS
    found = {}
    for check in items:
        meta = _from_check(check)
        found[meta.check_id] = meta
    return found


def meta(check_id: str) -> CheckMeta:
    return catalogue().get(check_id) or CheckMeta(check_id, check_id, check_id, known=False)
