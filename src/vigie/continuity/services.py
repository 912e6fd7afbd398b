"""What views, the API, imports and jobs call: impacts → DMIA/PDMA, the dependency graph and its cycle check,
backup evaluation with its action-plan items, restore throughput, and BIA/PCRA coverage."""

import os
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.actions.models import Action, Priority, Source
from vigie.actions.services import close_action, raise_action
from vigie.core.scoping import scoped
from vigie.organisations.models import PATH_SEGMENT, Kind, Organisation

from .engine import backups as backup_engine
from .engine import bia as bia_engine
from .engine import graph as graph_engine
from .models import (
    Activity,
    Application,
    BackupPlan,
    Category,
    Component,
    Dimension,
    Impact,
    ImpactTable,
    RestoreTest,
)
from .models.bia import WINDOW_FIELDS

COVERAGE_THRESHOLD = Decimal("66")
ACTION_PREFIX = "continuity:backup:"


# --- BIA -----------------------------------------------------------------------------------------------------


def impact_tables(activity: Activity) -> dict[str, dict[str, tuple[int, ...]]]:
    """{table: {dimension: levels}}, zeros for rows not rated yet."""
    tables = {t: {d: (0,) * len(WINDOW_FIELDS) for d in Dimension.values} for t in ImpactTable.values}
    for impact in activity.impacts.all():
        tables[impact.table][impact.dimension] = impact.levels
    return tables


def save_impacts(activity: Activity, tables: dict[str, dict[str, tuple[int, ...]]]) -> bia_engine.Derivation:
    """Store the levels and the DMIA, PDMA, RTO, RPO derived from them; a bad table changes nothing."""
    try:
        derivation = bia_engine.derive(tables[ImpactTable.INTERRUPTION], tables[ImpactTable.DATA_LOSS])
    except bia_engine.BIAError as exc:
        raise ValidationError(bia_message(exc)) from None
    with transaction.atomic():
        for table, rows in tables.items():
            for dimension, levels in rows.items():
                Impact.objects.update_or_create(activity=activity, table=table, dimension=dimension,
                                                defaults=dict(zip(WINDOW_FIELDS, levels, strict=True)))
        activity.dmia_hours, activity.pdma_hours = derivation.dmia_hours, derivation.pdma_hours
        activity.rto_hours, activity.rpo_hours = derivation.rto_hours, derivation.rpo_hours
        activity.dmia_driver, activity.pdma_driver = derivation.dmia_driver, derivation.pdma_driver
        activity.bia_done_on = timezone.localdate()
        activity.save()
    return derivation


def bia_message(exc: bia_engine.BIAError) -> str:
    window = _("%(hours)s h") % {"hours": exc.window} if exc.window else ""
    names = {"dimension": str(Dimension(exc.dimension).label) if exc.dimension in Dimension.values else exc.dimension,
             "table": str(ImpactTable(exc.table).label) if exc.table in ImpactTable.values else exc.table,
             "window": window}
    if isinstance(exc, bia_engine.NonMonotoneImpact):
        return _("%(table)s — %(dimension)s: the level at %(window)s is lower than the one before it; "
                 "an impact cannot decrease as time goes on.") % names
    return _("%(table)s — %(dimension)s: a level must be between 0 and 4.") % names


def hours_label(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours >= 48 and hours % 24 == 0:
        return _("%(days)d days") % {"days": hours // 24}
    if hours < 1:
        return _("%(minutes)d min") % {"minutes": round(hours * 60)}
    return _("%(hours)s h") % {"hours": f"{hours:g}"}


# --- the dependency graph ------------------------------------------------------------------------------------


def _key(obj) -> str:
    return f"{obj._meta.model_name}:{obj.uuid}"


LAYER = {"activity": "activity", "application": "application", "component": "component", "supplier": "supplier"}


NEEDS = {Activity: ("applications",), Application: ("depends_on", "components", "suppliers"),
         Component: ("depends_on", "suppliers")}


def collect(start: list) -> tuple[dict[str, object], set[tuple[str, str]]]:
    """Every object reachable from `start` by "needs" edges, and the edges: breadth first, one wave at a time,
    each wave's needs prefetched per kind, so the queries grow with the depth of the graph, not its size."""
    objects: dict[str, object] = {_key(obj): obj for obj in start}
    edges: set[tuple[str, str]] = set()
    wave = list(objects.values())
    while wave:
        following = []
        for model, relations in NEEDS.items():
            of_kind = [obj for obj in wave if isinstance(obj, model)]
            prefetch_related_objects(of_kind, *relations)
            for obj in of_kind:
                for target in (t for relation in relations for t in getattr(obj, relation).all()):
                    edges.add((_key(obj), _key(target)))
                    if _key(target) not in objects:
                        objects[_key(target)] = target
                        following.append(target)
        wave = following
    return objects, edges


def _node(obj, alerts: set[str]) -> graph_engine.Node:
    model = obj._meta.model_name
    if isinstance(obj, Activity):
        detail = _("DMIA %(dmia)s") % {"dmia": hours_label(obj.dmia_hours)}
    elif isinstance(obj, Component):
        detail = obj.get_kind_display()
    elif isinstance(obj, Application):
        detail = obj.get_hosting_display()
    else:
        detail = obj.get_kind_display()
    return graph_engine.Node(_key(obj), str(obj), LAYER[model], str(detail), obj.get_absolute_url(),
                             _key(obj) in alerts)


def layer_title(layer: str) -> str:
    return {"activity": _("Activities"), "application": _("Applications"),
            "component": _("Infrastructure"), "supplier": _("Suppliers and SaaS")}[layer]


@dataclass(frozen=True)
class GraphRow:
    node: graph_engine.Node
    layer: str  # translated
    needs: list[graph_engine.Node]


@dataclass(frozen=True)
class DependencyPicture:
    """The dependency graph of a page: the SVG (every text escaped by the engine) and the same graph as rows
    for the text table beside it."""

    svg: str
    rows: list[GraphRow]


def dependency_graph(start: list, title: str, alerts: set[str] | None = None) -> DependencyPicture | None:
    if not start:
        return None
    objects, edges = collect(start)
    graph = graph_engine.build([_node(o, alerts or set()) for o in objects.values()], edges)
    rows = [GraphRow(node, layer_title(node.layer), needs) for node, needs in graph_engine.needs_table(graph)]
    return DependencyPicture(graph_engine.render_svg(graph, title=title, layer_titles=layer_title), rows)


def check_needs(obj, *, applications=None, components=None, depends_on=None) -> None:
    """Refuse (ValidationError naming the cycle) new "needs" edges of `obj` that would close a cycle."""
    if obj.pk is None:  # a new object has nothing that needs it yet: no cycle can go through it
        return
    proposed = [*(applications or []), *(components or []), *(depends_on or [])]
    objects, edges = collect(proposed)
    objects[_key(obj)] = obj
    edges = {e for e in edges if e[0] != _key(obj)} | {(_key(obj), _key(t)) for t in proposed}
    graph = graph_engine.build([graph_engine.Node(k, str(o), LAYER[o._meta.model_name]) for k, o in objects.items()],
                               edges)
    try:
        graph_engine.check_acyclic(graph)
    except graph_engine.DependencyCycle as exc:
        raise ValidationError(_("This dependency would create a cycle: %(cycle)s. Remove one of its links.")
                              % {"cycle": exc.text}) from None


def components_needed(activity: Activity) -> list[Component]:
    objects, _edges = collect([activity])
    return sorted((o for o in objects.values() if isinstance(o, Component)), key=lambda c: c.name)


def _parents(obj) -> list:
    """What needs `obj` directly (its prefetched "needed by" sides when a list read them)."""
    if isinstance(obj, Component):
        return [*obj.needed_by.all(), *obj.applications.all()]
    if isinstance(obj, Application):
        return [*obj.needed_by.all(), *obj.activities.all()]
    return []


def activities_needing_each(targets: list) -> dict[str, list[Activity]]:
    """activities_needing() of every target, keyed by _key(target): the "needed by" sides are read one wave
    at a time for all targets together, so the queries grow with the depth of the graph, not the list."""
    parents: dict[str, list] = {}
    wave, known = list(targets), {_key(t) for t in targets}
    while wave:
        prefetch_related_objects([o for o in wave if isinstance(o, Component)], "needed_by", "applications")
        prefetch_related_objects([o for o in wave if isinstance(o, Application)], "needed_by", "activities")
        following = []
        for obj in wave:
            parents[_key(obj)] = _parents(obj)
            for parent in parents[_key(obj)]:
                if not isinstance(parent, Activity) and _key(parent) not in known:
                    known.add(_key(parent))
                    following.append(parent)
        wave = following
    return {_key(t): _climb(t, lambda obj: parents[_key(obj)]) for t in targets}


def _climb(target, parents_of) -> list[Activity]:
    found, seen = [], set()
    queue = deque([target])
    while queue:
        for parent in parents_of(queue.popleft()):
            if _key(parent) in seen:
                continue
            seen.add(_key(parent))
            (found if isinstance(parent, Activity) else queue).append(parent)
    return sorted(found, key=lambda a: a.name)


def activities_needing(target) -> list[Activity]:
    """Activities that need `target` (an application or component), directly or not."""
    return _climb(target, _parents)


def selectable(model, organisation: Organisation):
    """Objects an object of `organisation` may need: its own, and those its ancestors share (a GHT's IS)."""
    prefixes = [organisation.path[: 7 * i] for i in range(1, organisation.depth + 1)]
    return model.objects.filter(organisation__path__in=prefixes).select_related("organisation")


# --- backups ---------------------------------------------------------------------------------------------------


def last_verified_test(plan: BackupPlan) -> RestoreTest | None:
    return plan.restore_tests.filter(validated=True).order_by("-tested_on", "-id").first()


def plan_facts(plan: BackupPlan) -> backup_engine.PlanFacts:
    if hasattr(plan, "verified_tests"):  # prefetched by with_plans(), newest first
        return facts_with_test(plan, plan.verified_tests[0] if plan.verified_tests else None)
    return facts_with_test(plan, last_verified_test(plan))


def facts_with_test(plan: BackupPlan, test: RestoreTest | None) -> backup_engine.PlanFacts:
    """The plan's facts for the 3-2-1-1-0 rules, given its last verified restore test (lists prefetch it)."""
    errors = None if test is None else (test.errors if test.success else max(test.errors, 1))
    return backup_engine.PlanFacts(
        backup_copies=plan.backup_copies, media=tuple(plan.media or ()), offsite_copies=plan.offsite_copies,
        immutable=plan.immutable_copy, offline=plan.offline_copy, frequency_hours=plan.frequency_hours,
        last_restore_errors=errors)


@dataclass
class TargetStatus:
    target: object  # a Component or an Application
    plans: list
    evaluation: backup_engine.Evaluation
    activities: list
    rto_hours: float | None
    security_gaps: list[str] = field(default_factory=list)
    restore_hours: float | None = None

    @property
    def gaps(self) -> list[tuple[str, str]]:
        """(stable key, message) of every gap: what sync_backup_actions raises."""
        found = []
        if not self.plans:
            found.append(("no_plan", _("No backup plan")))
        else:
            for status in self.evaluation.rules:
                if not status.ok:
                    found.append((status.rule, RULE_GAPS[status.rule]()))
        if self.evaluation.rpo_ok is False and self.plans:
            found.append(("rpo", _("Backups every %(rpo)s, more data than the PDMA of %(pdma)s") % {
                "rpo": hours_label(self.evaluation.achievable_rpo_hours),
                "pdma": hours_label(self.evaluation.pdma_hours)}))
        found.extend(self.security_gaps)
        if self.rto_hours is not None and self.restore_hours is not None and self.restore_hours > self.rto_hours:
            found.append(("rto", _("Measured restore time %(restore)s exceeds the RTO of %(rto)s") % {
                "restore": hours_label(round(self.restore_hours, 2)), "rto": hours_label(self.rto_hours)}))
        return found


RULE_GAPS = {
    "three_copies": lambda: _("Fewer than 3 copies of the data"),
    "two_media": lambda: _("Copies on fewer than 2 kinds of media"),
    "one_offsite": lambda: _("No off-site copy"),
    "one_immutable": lambda: _("No immutable or offline copy"),
    "zero_errors": lambda: _("No restore verified without errors"),
}
RULE_LABELS = {
    "three_copies": lambda: _("3 copies"), "two_media": lambda: _("2 media"), "one_offsite": lambda: _("1 off-site"),
    "one_immutable": lambda: _("1 immutable or offline"), "zero_errors": lambda: _("0 errors at the last verified restore"),
}


def _measuring_tests():
    return RestoreTest.objects.filter(success=True, volume_gb__gt=0, duration_minutes__gt=0)


def with_measured_throughput(components):
    """Components annotated with the volume and duration of their latest measuring restore test, so that
    `throughput()` of each reads no row of its own (the API's component list read one per component)."""
    latest = _measuring_tests().filter(plan__component=OuterRef("pk")).order_by("-tested_on", "-id")
    return components.annotate(measured_volume_gb=Subquery(latest.values("volume_gb")[:1]),
                               measured_minutes=Subquery(latest.values("duration_minutes")[:1]))


def throughput(target) -> float | None:
    """GB per hour measured by the latest successful restore test of the target's plans that measured it."""
    if hasattr(target, "measured_minutes"):  # annotated by with_measured_throughput()
        if target.measured_minutes is None:
            return None
        return backup_engine.throughput_gb_per_hour(target.measured_volume_gb, target.measured_minutes / 60)
    tests = _measuring_tests()
    if isinstance(target, Component):
        tests = tests.filter(plan__component=target)
    else:
        tests = tests.filter(plan__application=target)
    test = tests.order_by("-tested_on", "-id").first()
    return None if test is None else backup_engine.throughput_gb_per_hour(test.volume_gb, test.duration_hours)


def organisation_throughput(organisation: Organisation) -> float | None:
    """The organisation's median measured throughput: a default for components never tested."""
    rates = sorted(r for t in RestoreTest.objects.filter(organisation=organisation, success=True, volume_gb__gt=0,
                                                          duration_minutes__gt=0)
                   if (r := backup_engine.throughput_gb_per_hour(t.volume_gb, t.duration_hours)) is not None)
    return rates[len(rates) // 2] if rates else None


def predicted_restore_hours(component: Component, default_rate: float | None = None) -> float:
    """Restore duration for the planner: data size at the measured throughput, else the declared estimate."""
    rate = throughput(component) or default_rate
    return backup_engine.restore_hours(component.data_size_gb, rate, component.restore_hours)


def target_status(target, activities: list[Activity] | None = None) -> TargetStatus:
    """The target's backup status; target_statuses() gives those of a list with a fixed number of queries."""
    plans = list(target.backup_plans.all())
    if activities is None:
        activities = activities_needing(target)
    pdmas = [a.pdma_hours for a in activities if a.pdma_hours is not None]
    rtos = [a.rto_hours for a in activities if a.rto_hours is not None]
    evaluation = backup_engine.evaluate([plan_facts(p) for p in plans], min(pdmas) if pdmas else None)
    security = []
    if plans and not any(p.admin_auth_independent and p.admin_2fa for p in plans):
        security.append(("admin_auth", _("Backup administration not independent of the production directory with 2FA")))
    if plans and not any(p.supervised for p in plans):
        security.append(("supervision", _("Backups not supervised with alerting")))
    if plans and not any(p.isolation_procedure.strip() for p in plans):
        security.append(("isolation", _("No isolation procedure (red button)")))
    restore = None
    if isinstance(target, Component) and target.data_size_gb and throughput(target):
        restore = predicted_restore_hours(target)
    return TargetStatus(target, plans, evaluation, activities, min(rtos) if rtos else None, security, restore)


def _verified_tests():
    return Prefetch("restore_tests", queryset=RestoreTest.objects.filter(validated=True).order_by("-tested_on", "-id"),
                    to_attr="verified_tests")


def with_plans(targets):
    """Components or applications with their plans and each plan's verified restore tests, newest first."""
    return targets.prefetch_related(Prefetch("backup_plans", queryset=BackupPlan.objects.prefetch_related(
        _verified_tests())))


def target_statuses(targets: list) -> list[TargetStatus]:
    """target_status() of each target (components from with_measured_throughput(), all from with_plans()),
    its activities read for the whole list at once."""
    activities = activities_needing_each(targets)
    return [target_status(t, activities[_key(t)]) for t in targets]


def plan_statuses(plans: list[BackupPlan]) -> None:
    """Set `target_status` on each plan: that of what it protects, all of them read with a fixed number of
    queries (the API's plan list evaluated each plan's target four times, one query at a time)."""
    components = with_plans(with_measured_throughput(Component.objects.filter(
        pk__in={p.component_id for p in plans if p.component_id}))).select_related("organisation")
    applications = with_plans(Application.objects.filter(
        pk__in={p.application_id for p in plans if p.application_id})).select_related("organisation")
    by_key = {_key(s.target): s for s in target_statuses([*components, *applications])}
    for plan in plans:
        plan.target_status = by_key[_key(plan.target)]


def status_of_plan(plan: BackupPlan) -> TargetStatus:
    """The status of what the plan protects: set by plan_statuses() in lists, computed alone otherwise."""
    if not hasattr(plan, "target_status"):
        plan.target_status = target_status(plan.target)
    return plan.target_status


class Evaluated:
    """A queryset counted and sliced in SQL whose slices go through `prepare(rows)` (which sets what the rows'
    schema reads) before anyone reads them: the API's paginated lists batch their per-row reads with it."""

    def __init__(self, queryset, prepare):
        self.queryset, self.prepare = queryset, prepare

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list:
        rows = list(self.queryset[window])
        self.prepare(rows)
        return rows


class BackupTargets:
    """Components that hold data, then applications that have a plan of their own (SaaS, hosted), counted
    and sliced in SQL: what a Paginator needs to show one page of them."""

    def __init__(self, organisations):
        self.parts = [
            with_plans(with_measured_throughput(
                Component.objects.filter(organisation__in=organisations, holds_data=True))).select_related(
                "organisation"),
            with_plans(Application.objects.filter(
                pk__in=BackupPlan.objects.filter(application__organisation__in=organisations).values(
                    "application"))).select_related("organisation")]
        self._counts = None

    def count(self) -> int:
        if self._counts is None:
            self._counts = [part.count() for part in self.parts]
        return sum(self._counts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list:
        total = self.count()
        start, stop = window.start or 0, total if window.stop is None else window.stop
        rows = []
        for part, size in zip(self.parts, self._counts, strict=True):
            if start < size and stop > 0:
                rows += list(part[max(start, 0):min(stop, size)])
            start, stop = start - size, stop - size
        return rows


def backup_targets(organisations) -> list:
    return BackupTargets(organisations)[:]


def evaluate_backups(organisations) -> list[TargetStatus]:
    return target_statuses(backup_targets(organisations))


def sync_backup_actions(organisation: Organisation, user=None) -> tuple[int, int]:
    """Raise an action-plan item for every backup gap of the organisation's targets, close those fixed.

    Idempotent: keys are `continuity:backup:<target uuid>:<gap>`; raising an existing key changes nothing.
    Returns (raised or still open, closed).
    """
    raised, current = 0, set()
    for status in evaluate_backups([organisation]):
        target = status.target
        for gap, message in status.gaps:
            key = f"{ACTION_PREFIX}{target.uuid}:{gap}"
            current.add(key)
            critical = gap in ("no_plan", "one_immutable", "rpo", "zero_errors")
            raise_action(organisation=organisation, source=Source.AUDIT_CHECK, source_key=key,
                         title=_("%(target)s: %(gap)s") % {"target": target.name, "gap": message},
                         description=_("Backup evaluation of %(target)s (CaRE D2.O3.C, 3-2-1-1-0). Activities "
                                       "depending on it: %(activities)s.") % {
                             "target": target.name,
                             "activities": ", ".join(a.name for a in status.activities) or "—"},
                         priority=Priority.HIGH if critical else Priority.MEDIUM, user=user)
            raised += 1
    closed = 0
    stale = Action.objects.filter(organisation=organisation, source=Source.AUDIT_CHECK,
                                  source_key__startswith=ACTION_PREFIX).exclude(source_key__in=current)
    for key in stale.values_list("source_key", flat=True):
        if close_action(organisation, Source.AUDIT_CHECK, key, reason=_("The backup evaluation no longer finds this gap.")):
            closed += 1
    return raised, closed


def comparisons(tests: list[RestoreTest]) -> None:
    """Set `comparison` (compare_with_targets()) on each test, the activities behind all of their targets
    read together (tests from a queryset with select_related("plan__component", "plan__application"))."""
    activities = activities_needing_each(list({_key(t.plan.target): t.plan.target for t in tests}.values()))
    for test in tests:
        test.comparison = compare_with_targets(test, activities[_key(test.plan.target)])


def comparison_of(test: RestoreTest) -> dict:
    """compare_with_targets() of the test: set by comparisons() in lists, computed alone otherwise."""
    if not hasattr(test, "comparison"):
        test.comparison = compare_with_targets(test)
    return test.comparison


def compare_with_targets(test: RestoreTest, activities: list[Activity] | None = None) -> dict:
    """The test's measured duration and loss against the smallest RTO and RPO of the activities behind it."""
    if activities is None:
        activities = activities_needing(test.plan.target)
    rtos = [a.rto_hours for a in activities if a.rto_hours is not None]
    rpos = [a.rpo_hours for a in activities if a.rpo_hours is not None]
    rto, rpo = (min(rtos) if rtos else None), (min(rpos) if rpos else None)
    return {"activities": activities, "rto": rto, "rpo": rpo,
            "rto_ok": None if rto is None else test.duration_hours <= rto,
            "rpo_ok": None if rpo is None else test.data_loss_hours <= rpo,
            "throughput": backup_engine.throughput_gb_per_hour(test.volume_gb, test.duration_hours)}


# --- coverage (CaRE D2.O1.C, 66 %) ------------------------------------------------------------------------------


UNIT_KIND = {Kind.GHT: Kind.LEGAL_ENTITY, Kind.LEGAL_ENTITY: Kind.SITE}


@dataclass
class UnitCoverage:
    organisation: Organisation
    share: Decimal | None
    bia: bool
    pcra: bool
    missing_bia: list[str]
    missing_pcra: list[str]


@dataclass
class Coverage:
    candidate: Organisation
    units: list[UnitCoverage]
    threshold: Decimal = COVERAGE_THRESHOLD

    @property
    def bia_share(self) -> Decimal:
        return sum((u.share or Decimal(0) for u in self.units if u.bia), Decimal(0))

    @property
    def pcra_share(self) -> Decimal:
        return sum((u.share or Decimal(0) for u in self.units if u.pcra), Decimal(0))

    @property
    def declared(self) -> Decimal:
        return sum((u.share or Decimal(0) for u in self.units), Decimal(0))

    @property
    def met(self) -> bool:
        return self.bia_share >= self.threshold and self.pcra_share >= self.threshold


def unit_activities(unit: Organisation):
    """The critical activities of a unit: declared in it or its sites, or declared by its legal entity for
    one of its sites (an activity of the entity naming no site counts for the entity, not for a site)."""
    return Activity.objects.filter(
        Q(organisation__path__startswith=unit.path) | Q(sites__path__startswith=unit.path), critical=True
    ).distinct()


def unit_status(unit: Organisation) -> tuple[bool, bool, list[str], list[str]]:
    """(BIA done, PCRA done, categories without a BIA, categories without a validated PCRA): D2.O1.C asks, at
    minimum, for one critical activity of each category with a BIA, and a PCRA for each of those."""
    return status_of(list(unit_activities(unit)))


def status_of(activities: list[Activity]) -> tuple[bool, bool, list[str], list[str]]:
    """unit_status() of a unit's critical activities."""
    missing_bia, missing_pcra = [], []
    for category in Category:
        of_kind = [a for a in activities if a.category == category]
        if not any(a.has_bia for a in of_kind):
            missing_bia.append(str(category.label))
        if not any(a.has_pcra for a in of_kind):
            missing_pcra.append(str(category.label))
    return not missing_bia, not missing_pcra, missing_bia, missing_pcra


def coverage(candidate: Organisation) -> Coverage | None:
    """Share of the candidate's activity (its members' activity shares) covered by a BIA and a PCRA."""
    kind = UNIT_KIND.get(candidate.kind)
    if kind is None:
        return None
    units = []
    for unit in candidate.children.filter(kind=kind).order_by("name"):
        units.append(UnitCoverage(unit, unit.activity_share, *unit_status(unit)))
    return Coverage(candidate, units)


def coverages(candidates) -> list[Coverage]:
    """coverage() of each candidate (those with a unit kind), with a fixed number of queries: their units in
    one, the critical activities under them in one (their sites' links in another), matched to units by path."""
    candidates = [c for c in candidates if c.kind in UNIT_KIND]
    if not candidates:
        return []
    units = Organisation.objects.filter(
        Q(kind=Kind.LEGAL_ENTITY, parent__in=[c for c in candidates if c.kind == Kind.GHT])
        | Q(kind=Kind.SITE, parent__in=[c for c in candidates if c.kind == Kind.LEGAL_ENTITY])).order_by("name")
    units = list(units)
    by_path: dict[str, list[Activity]] = {u.path: [] for u in units}
    under = _common_prefix([c.path for c in candidates])
    links = Activity.sites.through.objects.filter(organisation__path__startswith=under)
    activities = (Activity.objects.filter(critical=True)
                  .filter(Q(organisation__path__startswith=under) | Q(pk__in=links.values("activity_id")))
                  .select_related("organisation").only("category", "dmia_hours", "pdma_hours", "pcra_validated_on",
                                                       "organisation__path"))
    paths: dict[int, set[str]] = {}
    for activity_id, path in links.values_list("activity_id", "organisation__path"):
        paths.setdefault(activity_id, set()).add(path)
    for activity in activities:
        found = set()
        for path in (activity.organisation.path, *paths.get(activity.pk, ())):
            # a unit is this node or one of its ancestors: the path's prefixes, one per level
            found.update(path[:end] for end in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT)
                         if path[:end] in by_path)
        for unit_path in found:
            by_path[unit_path].append(activity)
    return [Coverage(c, [UnitCoverage(u, u.activity_share, *status_of(by_path[u.path])) for u in units
                         if u.parent_id == c.pk]) for c in candidates]


def _common_prefix(paths: list[str]) -> str:
    """The deepest node path every path starts with ("" when they share no node)."""
    prefix = os.path.commonprefix(paths)
    return prefix[: len(prefix) - len(prefix) % PATH_SEGMENT]


def coverage_candidates(user, node: Organisation | None = None):
    """The GHTs and legal entities whose coverage the user may see; under a region or the national node,
    its GHTs (the 66 % rule is a GHT's), under a GHT or a legal entity, that one."""
    candidates = Organisation.objects.filter(kind__in=[Kind.GHT, Kind.LEGAL_ENTITY])
    if node is not None and node.kind in (Kind.NATIONAL, Kind.REGION):
        candidates = candidates.filter(kind=Kind.GHT, path__startswith=node.path)
    elif node is not None:
        candidates = candidates.filter(pk=node.pk)
    return scoped(candidates, user, "view").order_by("path")
