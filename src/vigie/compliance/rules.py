"""The rules a framework file declares, evaluated: applicability, evidence freshness and scoring.

Pure functions over plain values and the requirement's `data`; no queries. Reasons are translated
sentences, shown beside each verdict.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import localised

KIND_LABELS = {
    "national": gettext_lazy("national level"), "region": gettext_lazy("region"), "ght": gettext_lazy("GHT"),
    "legal_entity": gettext_lazy("legal entity"), "site": gettext_lazy("site"),
}


# --- applicability ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Applicability:
    applies: bool
    reason: str = ""


def condition_values(version, answers: dict | None) -> dict[str, bool]:
    """The framework's conditions with the assessment's answers, defaults where unanswered."""
    values = {c["key"]: bool(c.get("default", False)) for c in version.conditions}
    for key, value in (answers or {}).items():
        if key in values:
            values[key] = bool(value)
    return values


def applicability(requirement, organisation_kind: str, conditions: dict[str, bool]) -> Applicability:
    rule = requirement.applicability
    kinds = rule.get("org_kinds")
    if kinds and organisation_kind not in kinds:
        return Applicability(False, _("Applies only to: %(kinds)s.") % {
            "kinds": ", ".join(str(KIND_LABELS.get(k, k)) for k in kinds)})
    condition = rule.get("condition")
    if condition and not conditions.get(condition, False):
        question = next((localised(c["question"]) for c in requirement.version.conditions if c["key"] == condition), "")
        return Applicability(False, _("Applies only if: %(question)s") % {"question": question})
    return Applicability(True, localised(rule.get("explain")))


# --- freshness --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """A piece of evidence as the rules see it: an uploaded file or a provider's record."""

    title: str
    date: date
    value: float | None = None
    source: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    valid: bool
    reasons: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def active_rules(rules: list[dict], conditions: dict[str, bool]) -> list[dict]:
    return [r for r in rules if not r.get("when") or conditions.get(r["when"], False)]


def _day(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def check_item(item: Item, rules: list[dict], as_of: date) -> Verdict:
    """The rules about one item (date limits, minimum value); interval rules concern several items."""
    problems = []
    if item.date > as_of:
        problems.append(_("Dated %(date)s, after %(as_of)s.") % {"date": _day(item.date), "as_of": _day(as_of)})
    for rule in rules:
        kind = rule["rule"]
        if kind == "not_before":
            limit = date.fromisoformat(rule["date"])
            if item.date < limit:
                problems.append(_("Dated %(date)s, before %(limit)s.") % {"date": _day(item.date), "limit": _day(limit)})
        elif kind == "max_age_days":
            age = (as_of - item.date).days
            if age > rule["days"]:
                problems.append(_("%(age)s days old on %(as_of)s; at most %(days)s days allowed.") % {
                    "age": age, "as_of": _day(as_of), "days": rule["days"]})
        elif kind == "min_value":
            if item.value is None:
                problems.append(_("No level or score recorded; at least %(minimum)s needed.") % {
                    "minimum": rule["value"]})
            elif item.value < rule["value"]:
                problems.append(_("Level or score %(value)s, below the %(minimum)s needed.") % {
                    "value": item.value, "minimum": rule["value"]})
    return Verdict(not problems, tuple(problems))


def check_set(items: list[Item], rules: list[dict], as_of: date) -> Verdict:
    """Whether the evidence of a requirement, taken together, satisfies its freshness rules."""
    if not items:
        return Verdict(False, (_("No evidence yet."),))
    good = [i for i in items if check_item(i, rules, as_of).valid]
    if not good:
        return Verdict(False, (_("No evidence satisfies the freshness rules."),))
    for rule in rules:
        if rule["rule"] != "interval":
            continue
        low, high = rule["min_days"], rule["max_days"]
        pairs = [(a, b) for a, b in combinations(sorted(good, key=lambda i: i.date), 2)
                 if low <= abs((b.date - a.date).days) <= high]
        if not pairs:
            return Verdict(False, (_("Needs two pieces of evidence between %(low)s and %(high)s days apart.") % {
                "low": low, "high": high},))
        first, second = pairs[-1]
        return Verdict(True, (_("%(first)s and %(second)s are %(days)s days apart.") % {
            "first": first.title, "second": second.title, "days": (second.date - first.date).days},))
    latest = max(good, key=lambda i: i.date)
    return Verdict(True, (_("Valid: %(title)s (%(date)s).") % {"title": latest.title, "date": _day(latest.date)},))


def describe_rule(rule: dict) -> str:
    if rule.get("explain"):
        return localised(rule["explain"])
    kind = rule["rule"]
    if kind == "not_before":
        return _("Dated %(date)s or later.") % {"date": _day(date.fromisoformat(rule["date"]))}
    if kind == "max_age_days":
        return _("At most %(days)s days old on the reference date.") % {"days": rule["days"]}
    if kind == "min_value":
        return _("Level or score of at least %(minimum)s.") % {"minimum": rule["value"]}
    return _("Two pieces between %(low)s and %(high)s days apart.") % {"low": rule["min_days"], "high": rule["max_days"]}


# --- scoring ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ThemeScore:
    key: str
    title: str
    value: Decimal | None
    answered: int = 0
    counted: int = 0


@dataclass(slots=True)
class Score:
    method: str
    value: Decimal | None
    answered: int
    applicable: int
    themes: list[ThemeScore] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return "%" if self.method == "compliance" else "/ 3"


def _round(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _mean(values: list) -> Decimal | None:
    return _round(sum(values) / len(values)) if values else None


def answer_value(scoring: dict, status: str, score: int | None) -> float | None:
    """What one applicable answer counts for: a weight (compliance) or its score (maturity); None: left out."""
    if status == "not_applicable":
        return None
    if scoring["method"] == "maturity":
        if score is None:
            return 0.0 if scoring.get("unanswered") == "zero" else None
        return float(score)
    if not status:
        return 0.0 if scoring.get("unanswered", "zero") == "zero" else None
    weights = scoring.get("weights") or {"compliant": 1, "partial": 0.5, "non_compliant": 0}
    return float(weights[status])


def compute_score(version, rows: list[tuple]) -> Score:
    """`rows`: (requirement, status, score, applies) for every answerable requirement."""
    scoring = version.scoring
    method = scoring["method"]
    titles = version.themes
    by_theme: dict[str, list[float]] = {}
    answered = {key: 0 for key in titles}
    applicable = 0
    values = []
    for requirement, status, score, applies in rows:
        if not applies:
            continue
        applicable += 1
        theme = requirement.theme or ""
        if status or score is not None:
            answered[theme] = answered.get(theme, 0) + 1
        value = answer_value(scoring, status, score)
        if value is None:
            continue
        values.append(value)
        by_theme.setdefault(theme, []).append(value)
    scale = 100 if method == "compliance" else 1
    themes = [
        ThemeScore(key, titles.get(key, key), _mean([v * scale for v in by_theme.get(key, [])]),
                   answered.get(key, 0), len(by_theme.get(key, [])))
        for key in list(titles) + [k for k in by_theme if k not in titles]
    ]
    if method == "maturity" and scoring.get("overall") == "mean_of_themes":
        overall = _mean([t.value for t in themes if t.value is not None])
    else:
        overall = _mean([v * scale for v in values])
    return Score(method, overall, sum(answered.values()), applicable, themes)


def is_gap(scoring: dict, status: str, score: int | None) -> bool:
    if scoring["method"] == "maturity":
        return score is not None and score < scoring.get("gap_below", 2)
    return status in ("non_compliant", "partial")
