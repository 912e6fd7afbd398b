"""The plan and the kit turned into display values (formatted strings, labels, ordered rows).

One context feeds every output (DOCX, PDF, kit pages), so the three print the same thing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .model import (
    FORMS,
    ActivityPlan,
    Contact,
    CrisisCell,
    DegradedProcedure,
    Establishment,
    ImpactRow,
    Kit,
    RestoreTestRecord,
    Runbook,
)
from .texts import FORM_SPECS, format_date, format_datetime, format_minutes, label, texts

__all__ = ["kit_context", "plan_context", "slug"]


def slug(text: str) -> str:
    """A file-name-safe ASCII slug ("Urgences adultes" -> "urgences-adultes")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(c.lower() if c.isalnum() else "-" for c in ascii_text)
    return "-".join(part for part in out.split("-") if part)[:40] or "activite"


def _t_plus(minutes: int, language: str) -> str:
    return "T0" if minutes == 0 else "T+" + format_minutes(minutes, language)


def _contact(c: Contact, t: Mapping[str, str]) -> dict[str, Any]:
    return {
        "name": c.name, "role": c.role, "phone": c.phone, "phone_alt": c.phone_alt, "email": c.email,
        "on_call": t["yes"] if c.on_call else "", "is_on_call": c.on_call, "organisation": c.organisation,
        "availability": c.availability,
    }


def _procedure(p: DegradedProcedure, language: str) -> dict[str, Any]:
    specs = FORM_SPECS[language]
    forms = [{"code": f if f in FORMS else "", "title": specs[f].title if f in FORMS else f} for f in p.forms]
    return {
        "title": p.title, "trigger": p.trigger, "triggered_by": p.triggered_by, "steps": list(p.steps),
        "forms": forms, "forms_text": ", ".join(f["title"] for f in forms), "return_to_normal": p.return_to_normal,
    }


def runbook_context(runbook: Runbook | None, language: str) -> dict[str, Any] | None:
    """The runbook's steps in dependency order (by ``order``, checked by validation) as display rows."""
    if runbook is None:
        return None
    steps = sorted(runbook.steps, key=lambda s: s.order)
    names = {s.order: s.component for s in steps}
    return {
        "scenario": runbook.scenario,
        "computed_at": format_datetime(runbook.computed_at, language),
        "total": _t_plus(max((s.end_minute for s in steps), default=0), language),
        "steps": [{
            "order": s.order, "component": s.component, "action": s.action, "team": s.team,
            "start": _t_plus(s.start_minute, language), "end": _t_plus(s.end_minute, language),
            "after": ", ".join(str(d) for d in sorted(s.depends_on)),
            "after_names": ", ".join(f"{d} {names[d]}" for d in sorted(s.depends_on)),
            "gives_back": ", ".join(s.activities),
        } for s in steps],
    }


AXES = ("patient_safety", "continuity", "legal", "financial", "reputation")


def _impacts(rows: tuple[ImpactRow, ...], language: str) -> list[dict[str, Any]]:
    """Impact rows by window, with one label per level (and flat cells, which docxtpl table rows need)."""
    shown = []
    for row in sorted(rows, key=lambda r: r.window):
        levels = [{"level": getattr(row, a), "label": label("impact", str(getattr(row, a)), language)} for a in AXES]
        cells: dict[str, Any] = {"window": format_minutes(row.window, language), "levels": levels}
        cells.update({a: f"{c['level']} — {c['label']}" for a, c in zip(AXES, levels, strict=True)})
        shown.append(cells)
    return shown


def _compare(measured: int | None, target: int | None, t: Mapping[str, str]) -> str:
    if measured is None or target is None:
        return ""
    return t["within"] if measured <= target else t["over"]


def _test(r: RestoreTestRecord, plan: ActivityPlan, language: str, t: Mapping[str, str]) -> dict[str, Any]:
    return {
        "date": format_date(r.date, language), "scope": r.scope,
        "duration": format_minutes(r.duration, language), "vs_rto": _compare(r.duration, plan.rto, t),
        "data_loss": format_minutes(r.data_loss, language), "vs_rpo": _compare(r.data_loss, plan.rpo, t),
        "result": t["success"] if r.success else t["failure"], "success": r.success,
        "validated_by": r.validated_by, "notes": r.notes,
    }


def plan_context(plan: ActivityPlan, establishment: Establishment, *, data_as_of: datetime,
                 generated_at: datetime | None, language: str,
                 crisis_cell: CrisisCell | None = None) -> dict[str, Any]:
    """Everything the PCRA prints, formatted in ``language``."""
    t = texts(language)
    ns = t["not_set"]
    minutes = {name: format_minutes(getattr(plan, name), language, none=ns)
               for name in ("dmia", "pdma", "rto", "rpo")}
    predicted_status, predicted_gap = "", ""
    if plan.predicted_recovery is not None and plan.dmia is not None:
        predicted_status = t["predicted_ok"] if plan.predicted_recovery <= plan.dmia else t["predicted_late"]
        if plan.predicted_recovery > plan.dmia:
            predicted_gap = t["predicted_gap"] % format_minutes(plan.predicted_recovery - plan.dmia, language)
    contacts = [_contact(c, t) for c in plan.contacts]
    return {
        "t": t, "lang": language,
        "establishment": establishment.name, "finess": establishment.finess,
        "data_as_of": format_datetime(data_as_of, language),
        "generated_at": format_datetime(generated_at or data_as_of, language),
        "name": plan.name, "slug": slug(plan.name),
        "category": label("category", plan.category, language), "owner": plan.owner,
        "sites": ", ".join(plan.sites), "version": plan.version, "approved_by": plan.approved_by,
        "critical": "" if plan.critical is None else (t["yes"] if plan.critical else t["no"]),
        "staff": plan.staff,
        "reviewed_at": format_date(plan.reviewed_at, language),
        "description": [p for p in plan.description.split("\n") if p.strip()],
        "objectives": [
            {"code": t["dmia"], "label": t["dmia_long"], "value": minutes["dmia"]},
            {"code": t["pdma"], "label": t["pdma_long"], "value": minutes["pdma"]},
            {"code": t["rto"], "label": t["rto_long"], "value": minutes["rto"]},
            {"code": t["rpo"], "label": t["rpo_long"], "value": minutes["rpo"]},
        ],
        "dmia": minutes["dmia"], "pdma": minutes["pdma"], "rto": minutes["rto"], "rpo": minutes["rpo"],
        "predicted": format_minutes(plan.predicted_recovery, language, none=""),
        "predicted_status": predicted_status, "predicted_late": predicted_status == t["predicted_late"],
        "predicted_gap": predicted_gap,
        "impacts": _impacts(plan.impacts, language), "data_loss_impacts": _impacts(plan.data_loss_impacts, language),
        "dependencies": [{"name": d.name, "kind": label("kind", d.kind, language), "notes": d.notes}
                         for d in plan.dependencies],
        "procedures": [_procedure(p, language) for p in plan.procedures],
        "contacts": contacts, "on_call": [c for c in contacts if c["is_on_call"]],
        # the PCRA prints the on-call list apart: the directory holds the others, so nobody is listed twice
        "directory": [c for c in contacts if not c["is_on_call"]],
        "runbook": runbook_context(plan.runbook, language),
        "tests": [_test(r, plan, language, t) for r in sorted(plan.tests, key=lambda r: r.date, reverse=True)],
        "cell": _cell(crisis_cell) if crisis_cell else None,
    }


def _cell(cell: CrisisCell) -> dict[str, Any]:
    return {
        "meeting_place": cell.meeting_place, "backup_meeting_place": cell.backup_meeting_place,
        "conference_bridge": cell.conference_bridge, "activation": cell.activation, "notes": cell.notes,
        "members": [{"name": m.name, "role": m.role, "phone": m.phone, "phone_alt": m.phone_alt,
                     "email": m.email, "organisation": m.organisation, "availability": m.availability}
                    for m in cell.members],
    }


def kit_context(kit: Kit, language: str) -> dict[str, Any]:
    """Everything the crisis kit prints, formatted in ``language``; activity file names are unique."""
    t = texts(language)
    activities = []
    for i, plan in enumerate(kit.activities, start=1):
        ctx = plan_context(plan, kit.establishment, data_as_of=kit.data_as_of, generated_at=kit.generated_at,
                           language=language)
        ctx["file"] = f"activites/{i:02d}-{slug(plan.name)}.html"
        ctx["anchor"] = f"activite-{i:02d}"
        activities.append(ctx)
    contacts = [_contact(c, t) for c in kit.contacts]
    specs = FORM_SPECS[language]
    return {
        "t": t, "lang": language,
        "establishment": kit.establishment.name, "finess": kit.establishment.finess,
        "sites": [{"name": s.name, "finess": s.finess, "address": s.address} for s in kit.establishment.sites],
        "data_as_of": format_datetime(kit.data_as_of, language),
        "generated_at": format_datetime(kit.generated_at, language),
        "cell": _cell(kit.crisis_cell),
        "contacts": contacts, "on_call": [c for c in contacts if c["is_on_call"]],
        "activities": activities,
        "runbook": runbook_context(kit.runbook, language),
        "forms": [specs[code] for code in kit.forms],
        "first_hour": t["first_hour_steps"].split("|"),
    }
