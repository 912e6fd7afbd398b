"""From an activity to the documents engine's `ActivityPlan`: the PCRA printed as DOCX and PDF.

The runbook is the one of the organisation's most recently computed scenario (the steps this activity
waits for, each with what to do), with its predicted recovery; contacts are the organisation's directory
contacts (or, when a crisis kit sets up the crisis cell, its members), the on-call lists of the teams
rebuilding what the activity needs and its suppliers; the data date is the latest change of the activity,
its plans and tests.
"""

import datetime

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vigie.organisations.models import Contact, Kind

from . import services
from .engine import documents
from .models import Activity, Application, Component, CrisisKit, Scenario, Supplier
from .engine import bia as bia_engine

CATEGORY = {"care_service": "care", "administrative": "administrative", "technical_platform": "technical"}


def _minutes(hours):
    return None if hours is None else round(hours * 60)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12))


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def _ancestors(organisation):
    return [organisation.path[: 7 * i] for i in range(1, organisation.depth + 1)]


# Dependencies are printed by layer, in the order they come back: applications, infrastructure, suppliers.
DEPENDENCY_ORDER = {"application": 0, "infrastructure": 1, "supplier": 2, "staff": 3}


def step_action(obj) -> str:
    """What the team does at a runbook step, from what the step brings back."""
    if isinstance(obj, Application):
        return _("Restart and check with the users")
    if isinstance(obj, Component) and obj.holds_data:
        return _("Rebuild, then restore the data")
    return _("Rebuild")


def latest_scenario(activity: Activity):
    return (Scenario.objects.filter(organisation__path__in=_ancestors(activity.organisation), computed_at__isnull=False)
            .exclude(result__has_key="error").order_by("-computed_at").first())


def runbook_for(activity: Activity, scenario) -> tuple[documents.Runbook | None, int | None]:
    if scenario is None or not scenario.result.get("steps"):
        return None, None
    key = services._key(activity)
    mine = next((a for a in scenario.result["activities"] if a["key"] == key), None)
    needed = {services._key(o): o for o in services.collect([activity])[0].values()}
    steps = [s for s in scenario.result["steps"] if s["component"] in needed]
    orders = {s["name"]: s["order"] for s in steps}
    printed = tuple(documents.RunbookStep(
        order=s["order"], component=s["name"], team=s["team"], start_minute=s["start"], end_minute=s["end"],
        depends_on=tuple(sorted(orders[n] for n in s["waits_for"] if n in orders)),
        action=step_action(needed[s["component"]]), activities=(activity.name,)) for s in steps)
    runbook = documents.Runbook(scenario=scenario.name, steps=printed,
                                computed_at=timezone.localtime(scenario.computed_at).replace(tzinfo=None))
    return runbook, (mine["recovery"] if mine else None)


def impact_rows(table: dict) -> tuple[documents.ImpactRow, ...]:
    return tuple(documents.ImpactRow(window=w * 60, patient_safety=table["patient_safety"][i],
                                     continuity=table["continuity_of_care"][i], legal=table["legal"][i],
                                     financial=table["financial"][i], reputation=table["reputation"][i])
                 for i, w in enumerate(bia_engine.WINDOWS))


def crisis_cell(activity: Activity) -> documents.CrisisCell | None:
    """The crisis cell of the nearest crisis kit (the activity's organisation or above), if one is set up."""
    kit = (CrisisKit.objects.filter(organisation__path__in=_ancestors(activity.organisation))
           .select_related("organisation").order_by("-organisation__path").first())
    if kit is None:
        return None
    members = tuple(documents.Contact(name=c.name, role=c.get_function_display(), phone=c.phone, email=c.email)
                    for c in Contact.objects.filter(organisation=kit.organisation))
    return documents.CrisisCell(members=members, meeting_place=kit.meeting_place,
                                backup_meeting_place=kit.backup_meeting_place,
                                conference_bridge=kit.conference_bridge, activation=kit.activation)


def activity_plan(activity: Activity, cell: documents.CrisisCell | None = None
                  ) -> tuple[documents.ActivityPlan, datetime.datetime]:
    """The activity's plan and its data date. With the crisis `cell` printed beside it, the cell's members
    are not repeated in the contacts."""
    tables = services.impact_tables(activity)
    procedures = tuple(documents.DegradedProcedure(
        title=p.title, trigger=p.trigger_when, triggered_by=p.triggered_by, steps=tuple(p.step_list),
        forms=tuple(f.strip() for f in p.paper_forms.split(";") if f.strip()), return_to_normal=p.back_to_normal)
        for p in activity.procedures.all())
    objects, _edges = services.collect([activity])
    dependencies: list[documents.Dependency] = []
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
    dependencies.sort(key=lambda d: DEPENDENCY_ORDER[d.kind])
    # The staff needed is printed in the context (`staff`), with the activity, not as a dependency row.
    contacts = [] if cell is not None else [
        documents.Contact(name=c.name, role=c.get_function_display(), phone=c.phone, email=c.email)
        for c in Contact.objects.filter(organisation=activity.organisation)]
    # A team's on-call list is free text (names, functions, numbers): printed as its second number.
    contacts += [documents.Contact(name=t.name, role=_("Recovery team"), phone_alt=t.on_call, on_call=True)
                 for t in sorted(teams.values(), key=lambda t: t.name)]
    contacts += [documents.Contact(name=o.name, role=o.get_kind_display(), phone=o.phone, email=o.email,
                                   availability=o.support_hours)
                 for o in objects.values() if isinstance(o, Supplier)]
    tests, dates = [], [_local(activity.updated_at)]
    for target in (o for o in objects.values() if isinstance(o, (Component, Application))):
        for plan in target.backup_plans.all():
            dates.append(_local(plan.updated_at))
            for test in plan.restore_tests.all():
                dates.append(datetime.datetime.combine(test.tested_on, datetime.time.min))  # never ahead of now
                tests.append(documents.RestoreTestRecord(
                    date=_at(test.tested_on), scope=test.scope, duration=test.duration_minutes,
                    data_loss=test.data_loss_minutes, success=test.success,
                    validated_by=test.referent if test.validated else "", notes=test.notes))
    runbook, predicted = runbook_for(activity, latest_scenario(activity))
    plan = documents.ActivityPlan(
        name=activity.name, category=CATEGORY[activity.category], owner=activity.owner or "—",
        sites=tuple(s.name for s in activity.sites.all()), dmia=_minutes(activity.dmia_hours),
        pdma=_minutes(activity.pdma_hours), rto=_minutes(activity.rto_hours), rpo=_minutes(activity.rpo_hours),
        impacts=impact_rows(tables["interruption"]) if activity.has_bia else (),
        data_loss_impacts=impact_rows(tables["data_loss"]) if activity.has_bia else (), procedures=procedures,
        contacts=tuple(contacts),
        dependencies=tuple(dependencies), runbook=runbook, tests=tuple(sorted(tests, key=lambda t: t.date)),
        description=activity.description, predicted_recovery=predicted, approved_by=activity.pcra_validated_by,
        reviewed_at=_at(activity.pcra_validated_on) if activity.pcra_validated_on else None,
        critical=activity.critical, staff=activity.minimum_staff)
    return plan, max(dates)


def establishment(activity: Activity) -> documents.Establishment:
    org = activity.organisation
    while org.kind == Kind.SITE and org.parent_id:
        org = org.parent
    sites = tuple(documents.Site(s.name, s.finess or "") for s in org.children.filter(kind=Kind.SITE))
    return documents.Establishment(org.name, org.finess or "", sites)


def render(activity: Activity, fmt: str) -> bytes:
    cell = crisis_cell(activity)
    plan, as_of = activity_plan(activity, cell)
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    build = documents.pcra_pdf if fmt == "pdf" else documents.pcra_docx
    return build(plan, establishment(activity), data_as_of=as_of, generated_at=timezone.localtime().replace(tzinfo=None),
                 language=language, crisis_cell=cell)
