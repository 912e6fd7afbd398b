"""From the stored BIA to the planner's inputs, and the "continuity.plan" job that runs it for a scenario.

Mapping (docs/continuity.md):
- every component, application and supplier reachable from the organisation's activities (plus the
  organisation's own components) becomes a planner `Component`; a component's duration is its rebuild time
  plus its predicted restore time (data size at the throughput measured by restore tests, else the declared
  estimate); applications take 30 minutes to restart by the team of their first component; suppliers are
  outside parties (no team capacity, no duration of their own);
- teams keep their capacity; components with no team go to a "Unassigned" team of capacity 1;
- an activity's weight is its patient impact: 1 + the sum of its patient-safety and continuity-of-care
  levels over the five windows of the interruption table; its DMIA is its derived DMIA (1 week if unrated).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.jobs import JobResult, enqueue, handler

from . import services
from .engine import planner
from .kit import mark_stale
from .models import Activity, Application, Component, Scenario, Supplier

JOB_KIND = "continuity.plan"
UNASSIGNED = "unassigned"
APP_RESTART_MINUTES = 30
KIND = {"server": "server", "database": "database", "directory": "directory", "network": "network",
        "storage": "storage", "backup": "backup", "other": "other"}


def inputs(organisation):
    activities = list(Activity.objects.filter(organisation__path__startswith=organisation.path))
    own = list(Component.objects.filter(organisation__path__startswith=organisation.path))
    objects, edges = services.collect([*activities, *own])
    needs: dict[str, list[str]] = {}
    for source, target in edges:
        needs.setdefault(source, []).append(target)
    default_rate = services.organisation_throughput(organisation)
    teams = {}
    components = []
    for key, obj in objects.items():
        if isinstance(obj, Component):
            team = obj.team
            if team is not None:
                teams[str(team.uuid)] = planner.Team(str(team.uuid), team.name, max(team.capacity, 1))
            restore = services.predicted_restore_hours(obj, default_rate) if obj.holds_data else 0
            minutes = round((obj.rebuild_hours + restore) * 60)
            tags = (obj.platform,) if obj.platform else ()
            components.append(planner.Component(key, obj.name, KIND[obj.kind], str(team.uuid) if team else UNASSIGNED,
                                                minutes, tuple(sorted(needs.get(key, []))), tags))
        elif isinstance(obj, Application):
            first = next((objects[t] for t in sorted(needs.get(key, [])) if isinstance(objects[t], Component)
                          and objects[t].team_id), None)
            team = str(first.team.uuid) if first else UNASSIGNED
            components.append(planner.Component(key, obj.name, "application", team, APP_RESTART_MINUTES,
                                                tuple(sorted(needs.get(key, [])))))
        elif isinstance(obj, Supplier):
            components.append(planner.Component(key, obj.name, "supplier", "", 0))
    teams[UNASSIGNED] = planner.Team(UNASSIGNED, _("Unassigned"), 1)
    plan_activities = []
    for activity in activities:
        interruption = services.impact_tables(activity)["interruption"]
        weight = 1 + sum(interruption["patient_safety"]) + sum(interruption["continuity_of_care"])
        dmia = activity.dmia_hours if activity.dmia_hours is not None else 168
        plan_activities.append(planner.Activity(services._key(activity), activity.name, weight, round(dmia * 60),
                                                tuple(sorted(needs.get(services._key(activity), [])))))
    return components, list(teams.values()), plan_activities


def run_scenario(scenario: Scenario, on_progress=None) -> dict:
    components, teams, activities = inputs(scenario.organisation)
    result = planner.plan(components, teams, activities, planner.builtin_scenario(scenario.builtin),
                          time_limit_s=scenario.time_limit_s, method=scenario.method, on_progress=on_progress)
    return serialise(result, {c.key: c.name for c in components}, {t.key: t.name for t in teams})


def serialise(result, names: dict[str, str], team_names: dict[str, str]) -> dict:
    def loss(item):
        return {"key": item.key, "name": names.get(item.key, item.key), "direct": item.direct,
                "path": [names.get(k, k) for k in item.path]}

    return {
        "status": result.status, "method": result.method, "objective": result.objective,
        "greedy_objective": result.greedy_objective, "lower_bound": result.lower_bound,
        "makespan_minutes": result.makespan_minutes,
        "steps": [{"order": s.order, "component": s.component, "name": s.name, "kind": s.kind, "team": team_names.get(s.team, s.team),
                   "start": s.start_minute, "end": s.end_minute, "waits_for": [names.get(k, k) for k in s.waits_for]} for s in result.steps],
        "activities": [{"key": a.activity, "name": a.name, "weight": a.weight, "dmia": a.dmia_minutes,
                        "recovery": a.recovery_minute, "gap": a.gap_minutes, "within": a.within_dmia,
                        "affected": a.affected, "last": names.get(a.last_component or "", "")} for a in result.activities],
        "lost": [loss(item) for item in result.impact.lost],
        "waiting": [loss(item) for item in result.impact.waiting],
    }


@handler(JOB_KIND)
def plan_job(job, progress):
    scenario = Scenario.objects.select_related("organisation").filter(
        uuid=job.params.get("scenario"), organisation=job.organisation).first()
    if scenario is None:
        raise LookupError(_("The scenario of this job no longer exists."))

    def on_progress(done, total, message):
        progress(int(100 * done / max(total, 1)), message)

    try:
        result = run_scenario(scenario, on_progress)
    except planner.PlanningError as exc:
        result = {"error": str(exc)}
    Scenario.objects.filter(pk=scenario.pk).update(result=result, computed_at=timezone.now())
    mark_stale(scenario.organisation)  # the kit prints this runbook
    return JobResult(url=scenario.get_absolute_url())


def start(scenario: Scenario, user):
    job = enqueue(JOB_KIND, organisation=scenario.organisation, user=user, params={"scenario": str(scenario.uuid)})
    Scenario.objects.filter(pk=scenario.pk).update(job=job)
    return job
