"""From an activity to the documents engine's `ActivityPlan`: the PCRA printed as DOCX and PDF.

The runbook is the one of the organisation's most recently computed scenario (the steps this activity
waits for), with its predicted recovery; contacts are the organisation's directory contacts and the
on-call lists of the teams rebuilding what the activity needs; the data date is the latest change of the
activity, its procedures, plans and tests.
"""

import datetime

from django.utils import timezone
from django.utils.translation import get_language

from vigie.organisations.models import Contact, Kind

from . import services
from .engine import documents
from .models import Activity, Application, Component, Scenario, Supplier
from .models.bia import WINDOWS

CATEGORY = {"care_service": "care", "administrative": "administrative", "technical_platform": "technical"}


def _minutes(hours):
    return None if hours is None else round(hours * 60)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12))


def latest_scenario(activity: Activity):
    prefixes = [activity.organisation.path[: 7 * i] for i in range(1, activity.organisation.depth + 1)]
    return (Scenario.objects.filter(organisation__path__in=prefixes, computed_at__isnull=False)
            .exclude(result__has_key="error").order_by("-computed_at").first())


def runbook_for(activity: Activity, scenario) -> tuple[documents.Runbook | None, int | None]:
    if scenario is None or not scenario.result.get("steps"):
        return None, None
    key = services._key(activity)
    mine = next((a for a in scenario.result["activities"] if a["key"] == key), None)
    needed = {services._key(o) for o in services.collect([activity])[0].values()}
    steps = [s for s in scenario.result["steps"] if s["component"] in needed]
    orders = {s["name"]: s["order"] for s in steps}
    printed = tuple(documents.RunbookStep(
        order=s["order"], component=s["name"], team=s["team"], start_minute=s["start"], end_minute=s["end"],
        depends_on=tuple(sorted(orders[n] for n in s["waits_for"] if n in orders)),
        activities=(activity.name,)) for s in steps)
    runbook = documents.Runbook(scenario=scenario.name, steps=printed,
                                computed_at=timezone.localtime(scenario.computed_at).replace(tzinfo=None))
    return runbook, (mine["recovery"] if mine else None)


def activity_plan(activity: Activity) -> tuple[documents.ActivityPlan, datetime.datetime]:
    tables = services.impact_tables(activity)["interruption"]
    impacts = tuple(documents.ImpactRow(window=w * 60, patient_safety=tables["patient_safety"][i],
                                        continuity=tables["continuity_of_care"][i], legal=tables["legal"][i],
                                        financial=tables["financial"][i], reputation=tables["reputation"][i])
                    for i, w in enumerate(WINDOWS))
    procedures = tuple(documents.DegradedProcedure(
        title=p.title, trigger=p.trigger_when, triggered_by=p.triggered_by, steps=tuple(p.step_list),
        forms=tuple(f.strip() for f in p.paper_forms.split(";") if f.strip()), return_to_normal=p.back_to_normal)
        for p in activity.procedures.all())
    objects, _edges = services.collect([activity])
    dependencies = []
    teams = {}
    for obj in objects.values():
        if isinstance(obj, Application):
            dependencies.append(documents.Dependency(obj.name, "application", obj.vendor))
        elif isinstance(obj, Component):
            dependencies.append(documents.Dependency(obj.name, "infrastructure", obj.get_kind_display()))
            if obj.team_id:
                teams[obj.team_id] = obj.team
        elif isinstance(obj, Supplier):
            dependencies.append(documents.Dependency(obj.name, "supplier", obj.phone))
    if activity.minimum_staff:
        dependencies.append(documents.Dependency(activity.minimum_staff, "staff"))
    contacts = [documents.Contact(name=c.name, role=c.get_function_display(), phone=c.phone, email=c.email)
                for c in Contact.objects.filter(organisation=activity.organisation)]
    contacts += [documents.Contact(name=t.name, role=t.on_call or t.name, on_call=True) for t in teams.values()]
    contacts += [documents.Contact(name=o.name, role=o.get_kind_display(), phone=o.phone, email=o.email,
                                   availability=o.support_hours)
                 for o in objects.values() if isinstance(o, Supplier)]
    tests, dates = [], [activity.updated_at.date()]
    for component in (o for o in objects.values() if isinstance(o, Component)):
        for plan in component.backup_plans.all():
            dates.append(plan.updated_at.date())
            for test in plan.restore_tests.all():
                dates.append(test.tested_on)
                tests.append(documents.RestoreTestRecord(
                    date=_at(test.tested_on), scope=test.scope, duration=test.duration_minutes,
                    data_loss=test.data_loss_minutes, success=test.success,
                    validated_by=test.referent if test.validated else "", notes=test.notes))
    runbook, predicted = runbook_for(activity, latest_scenario(activity))
    plan = documents.ActivityPlan(
        name=activity.name, category=CATEGORY[activity.category], owner=activity.owner or "—",
        sites=tuple(s.name for s in activity.sites.all()), dmia=_minutes(activity.dmia_hours),
        pdma=_minutes(activity.pdma_hours), rto=_minutes(activity.rto_hours), rpo=_minutes(activity.rpo_hours),
        impacts=impacts if activity.has_bia else (), procedures=procedures, contacts=tuple(contacts),
        dependencies=tuple(dependencies), runbook=runbook, tests=tuple(sorted(tests, key=lambda t: t.date)),
        description=activity.description, predicted_recovery=predicted, approved_by=activity.pcra_validated_by,
        reviewed_at=_at(activity.pcra_validated_on) if activity.pcra_validated_on else None)
    return plan, _at(max(dates))


def establishment(activity: Activity) -> documents.Establishment:
    org = activity.organisation
    while org.kind == Kind.SITE and org.parent_id:
        org = org.parent
    sites = tuple(documents.Site(s.name, s.finess or "") for s in org.children.filter(kind=Kind.SITE))
    return documents.Establishment(org.name, org.finess or "", sites)


def render(activity: Activity, fmt: str) -> bytes:
    plan, as_of = activity_plan(activity)
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    build = documents.pcra_pdf if fmt == "pdf" else documents.pcra_docx
    return build(plan, establishment(activity), data_as_of=as_of, generated_at=timezone.localtime().replace(tzinfo=None),
                 language=language)
