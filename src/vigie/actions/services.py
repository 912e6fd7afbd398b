"""What other apps (and this app's views) may call: the PAQ hook and the deadlines hook.

Producers (exposure, directory, compliance, exercises) call, with no user and no request:

    action, created = raise_action(organisation=org, source=Source.FINDING, source_key="exposure:finding:<uuid>",
                                   title="…", description="…", priority=Priority.HIGH, due=None)
    close_action(org, Source.FINDING, "exposure:finding:<uuid>", reason="fixed, retest of 12/03 clean")
    record_completion(org, "exposure-audit", when=date(2026, 3, 12), reference="scan <uuid>")

See docs/actions.md for the rules (idempotence, reopening, merged actions).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.scoping import scoped
from vigie.organisations.models import Kind, Organisation

from .deadlines import DUE, LATE, Deadline, add_months, catalogue
from .models import ACTIVE, Action, ActionNote, DeadlineCompletion, Priority, Source, Status

# When a producer gives no due date, the action is due after this many days, by priority.
DEFAULT_DELAY_DAYS = {Priority.CRITICAL: 15, Priority.HIGH: 30, Priority.MEDIUM: 90, Priority.LOW: 180}
PRIORITY_ORDER = list(Priority.values)


class Refused(Exception):
    """A change the rules do not allow; the message is shown as it is."""


# --- the PAQ hook ---------------------------------------------------------------------------------------


def _surviving(action: Action) -> Action:
    """Follow merge pointers to the action that carries the work now."""
    seen = set()
    while action.merged_into_id and action.pk not in seen:
        seen.add(action.pk)
        action = Action.objects.select_related("organisation").get(pk=action.merged_into_id)
    return action


def _find(organisation, source: str, source_key: str) -> Action | None:
    return (Action.objects.select_related("organisation")
            .filter(organisation=organisation, source=source, source_key=source_key).first())


def note(action: Action, text: str, author=None) -> ActionNote:
    return ActionNote.objects.create(action=action, author=author, text=text)


def raise_action(*, organisation, source: str, source_key: str, title: str, description: str = "",
                 priority: str = Priority.MEDIUM, due: datetime.date | None = None,
                 user=None) -> tuple[Action, bool]:
    """The action for (organisation, source, source_key), created if it does not exist yet.

    Idempotent: raising again changes nothing and returns the existing action with created=False, except:
    - a **done** action is reopened (the producer sees the problem again, so the fix did not hold), with
      a note saying so;
    - a **cancelled** action stays cancelled (a person decided; the producer does not overrule them);
    - a **merged** action answers with the action it was merged into.
    Safe under concurrency: the unique constraint decides, the loser reads the winner's row.
    """
    if not source_key:
        raise ValueError("raise_action needs a source_key")
    Source(source), Priority(priority)  # ValueError on unknown values
    existing = _find(organisation, source, source_key)
    if existing is None:
        action = Action(
            organisation=organisation, source=source, source_key=source_key, title=title[:300],
            description=description, priority=priority, created_by=user,
            due=due or timezone.localdate() + datetime.timedelta(days=DEFAULT_DELAY_DAYS[Priority(priority)]),
        )
        action.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                action.save()
            return action, True
        except IntegrityError:
            existing = _find(organisation, source, source_key)
            if existing is None:
                raise
    action = _surviving(existing)
    if action.status == Status.DONE:
        change_status(action, Status.OPEN, None,
                      _("Reopened: %(source)s reports the problem again.") % {"source": Source(source).label})
    return action, False


def close_action(organisation, source: str, source_key: str, reason: str = "") -> Action | None:
    """The producer says the problem is fixed: its open action becomes done, with the reason as a note.

    Returns the action (None when there is none). An action already closed is left as it is; for a key
    whose action was merged into another, a note is added to the surviving action, which stays open (it may
    carry other problems).
    """
    action = _find(organisation, source, source_key)
    if action is None:
        return None
    if action.merged_into_id:
        survivor = _surviving(action)
        note(survivor, _("%(title)s (merged here) is reported fixed: %(reason)s") % {
            "title": action.title, "reason": reason or "—"})
        return survivor
    if action.is_active:
        change_status(action, Status.DONE, None,
                      _("Closed by %(source)s: %(reason)s") % {"source": Source(source).label, "reason": reason or "—"})
    return action


# --- changes by people ----------------------------------------------------------------------------------


def change_status(action: Action, status: str, user, text: str = "") -> Action:
    """Move the action to `status` if the transition is allowed; the journal records it."""
    status = Status(status)
    if status == action.status:
        return action
    if status not in action.allowed_statuses():
        raise Refused(_("An action cannot go from “%(old)s” to “%(new)s”.") % {
            "old": action.get_status_display(), "new": status.label})
    old = action.get_status_display()
    with transaction.atomic():
        action.status = status
        action.closed_at = timezone.now() if status in (Status.DONE, Status.CANCELLED) else None
        action.save(update_fields=["status", "closed_at", "updated_at"])
        note(action, text or _("Status: %(old)s → %(new)s.") % {"old": old, "new": status.label}, user)
    return action


def merge_actions(survivor: Action, duplicates, user) -> Action:
    """Merge `duplicates` into `survivor`: their notes move over, they are cancelled with a pointer to it,
    and the survivor takes the highest priority and the earliest due date among them all."""
    duplicates = [d for d in duplicates if d.pk != survivor.pk]
    if not duplicates:
        raise Refused(_("Choose at least one other action to merge."))
    if survivor.merged_into_id:
        raise Refused(_("This action was itself merged: open the action it was merged into."))
    for duplicate in duplicates:
        if duplicate.organisation_id != survivor.organisation_id:
            raise Refused(_("Only actions of the same organisation can be merged."))
        if duplicate.merged_into_id:
            raise Refused(_("%(title)s was already merged.") % {"title": duplicate.title})
    everyone = [survivor, *duplicates]
    with transaction.atomic():
        ActionNote.objects.filter(action__in=duplicates).update(action=survivor)
        Action.objects.filter(merged_into__in=duplicates).update(merged_into=survivor)
        now = timezone.now()
        for duplicate in duplicates:
            duplicate.merged_into = survivor
            duplicate.status = Status.CANCELLED
            duplicate.closed_at = now
            duplicate.save(update_fields=["merged_into", "status", "closed_at", "updated_at"])
            note(duplicate, _("Merged into %(title)s.") % {"title": survivor.title}, user)
        survivor.priority = min((a.priority for a in everyone), key=PRIORITY_ORDER.index)
        dues = [a.due for a in everyone if a.due]
        survivor.due = min(dues) if dues else None
        if survivor.status in (Status.DONE, Status.CANCELLED) and any(d.is_active for d in duplicates):
            survivor.status, survivor.closed_at = Status.OPEN, None
        survivor.save(update_fields=["priority", "due", "status", "closed_at", "updated_at"])
        note(survivor, _("Merged here: %(titles)s.") % {"titles": "; ".join(d.title for d in duplicates)}, user)
    return survivor


def save_action(action: Action, user, created: bool) -> Action:
    """Save a validated form's action; inside the transaction, check the user may still change it where
    it now is (the NetBox re-check), else roll back."""
    with transaction.atomic():
        if created:
            action.created_by = user
        if action.status in (Status.DONE, Status.CANCELLED) and action.closed_at is None:
            action.closed_at = timezone.now()
        elif action.status in ACTIVE:
            action.closed_at = None
        action.save()
        if not scoped(Action.objects.filter(pk=action.pk), user, "change").exists():
            raise PermissionError("out of scope")
    return action


# --- the deadlines hook ---------------------------------------------------------------------------------


def record_completion(organisation, deadline_code: str, when: datetime.date, reference: str = "",
                      user=None) -> DeadlineCompletion:
    """Record that `organisation` did the deadline on `when` (idempotent on the same day and reference).
    ValidationError if the code is unknown, the deadline does not apply to it, or the day is in the future."""
    completion = DeadlineCompletion(organisation=organisation, deadline=deadline_code, done_on=when,
                                    reference=reference[:300], recorded_by=user)
    completion.full_clean(validate_constraints=False)
    existing = DeadlineCompletion.objects.filter(organisation=organisation, deadline=deadline_code, done_on=when,
                                                 reference=completion.reference).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError:
        return DeadlineCompletion.objects.get(organisation=organisation, deadline=deadline_code, done_on=when,
                                              reference=completion.reference)
    return completion


def statuses_for(organisations, today: datetime.date | None = None) -> list[tuple]:
    """[(organisation, [DeadlineStatus…])] for the given organisations (a page of them: one query for the
    completions of all of them), only the deadlines that apply to each."""
    today = today or timezone.localdate()
    organisations = list(organisations)
    done: dict[tuple[int, str], list[datetime.date]] = defaultdict(list)
    last_rows: dict[tuple[int, str], DeadlineCompletion] = {}
    rows = DeadlineCompletion.objects.filter(organisation__in=[o.pk for o in organisations]).order_by("done_on")
    for row in rows:
        done[(row.organisation_id, row.deadline)].append(row.done_on)
        if row.done_on <= today:
            last_rows[(row.organisation_id, row.deadline)] = row
    result = []
    for org in organisations:
        states = []
        for deadline in catalogue():
            if deadline.applies(org):
                state = deadline.status(today, done[(org.pk, deadline.code)])
                states.append((state, last_rows.get((org.pk, deadline.code))))
        if states:
            result.append((org, states))
    return result


def lapses_on(deadline_code: str, done_on: datetime.date) -> datetime.date:
    """When something done on `done_on` stops counting for a recurring deadline (the catalogue's period, e.g.
    a quarter for the AD audit, a year for the crisis exercise): what steering indicators judge freshness by."""
    return add_months(done_on, catalogue().get(deadline_code).every_months)


def applicable_organisations(queryset):
    """Organisations of the kinds some deadline applies to, with their parents (for candidate rules)."""
    return queryset.filter(kind__in=catalogue().kinds()).select_related("parent").order_by("path")


# --- what is late, counted for a whole subtree -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeadlineCount:
    """How many organisations of a subtree are late on a deadline, or due on it within the warning window."""

    deadline: Deadline
    state: str  # late or due
    count: int
    due: datetime.date


def _windows(deadline: Deadline, today: datetime.date) -> tuple[Q, Q | None]:
    """The completions that make `deadline` done now, and (recurring only) those that keep it from being
    late: the rules of Deadline.status, as filters the database counts with."""
    if not deadline.recurring:
        return (Q(done_on__gte=deadline.start) if deadline.start else Q()), None
    start, end = deadline.period(today)
    previous = add_months(start, -deadline.every_months)
    recent = Q(done_on__gte=previous) if previous >= deadline.anchor else None
    return Q(done_on__gte=start, done_on__lt=end), recent


def deadline_counts(user, today: datetime.date | None = None, window_days: int = 30) -> list[DeadlineCount]:
    """For the organisations the user sees: per deadline, how many are late and how many are due within
    `window_days`, late first then by date. Two queries whatever the number of organisations (a national
    page counts 3,000 of them), so it counts rather than computing statuses_for() of each."""
    today = today or timezone.localdate()
    deadlines = list(catalogue())
    organisations = scoped(Organisation.objects.filter(kind__in=catalogue().kinds()), user, "view")
    kinds = {row["kind"]: row for row in organisations.values("kind").annotate(
        total=Count("id"), in_ght=Count("id", filter=Q(parent__kind=Kind.GHT)))}
    counters = {}
    for index, deadline in enumerate(deadlines):
        done, recent = _windows(deadline, today)
        counters[f"done{index}"] = Count("organisation", distinct=True, filter=Q(deadline=deadline.code) & done)
        if recent is not None:
            counters[f"recent{index}"] = Count("organisation", distinct=True,
                                               filter=Q(deadline=deadline.code) & recent)
    completions = scoped(DeadlineCompletion.objects.filter(done_on__lte=today), user, "view")
    counted = completions.aggregate(**counters) if counters and kinds else {}
    found = []
    for index, deadline in enumerate(deadlines):
        total = sum(kinds[kind]["total"] for kind in deadline.applies_to if kind in kinds)
        if deadline.candidate_only and Kind.LEGAL_ENTITY in deadline.applies_to and Kind.LEGAL_ENTITY in kinds:
            total -= kinds[Kind.LEGAL_ENTITY]["in_ght"]
        if not total:
            continue
        done = counted.get(f"done{index}") or 0
        if deadline.recurring:
            start, end = deadline.period(today)
            recent = counted.get(f"recent{index}")
            late = total - recent if recent is not None else 0
            due_count, due_on, late_on = total - done - late, end - datetime.timedelta(days=1), \
                start - datetime.timedelta(days=1)
        else:
            past = today > deadline.due
            late, due_count = (total - done, 0) if past else (0, total - done)
            due_on = late_on = deadline.due
        if late > 0:
            found.append(DeadlineCount(deadline, LATE, late, late_on))
        if due_count > 0 and (due_on - today).days <= window_days:
            found.append(DeadlineCount(deadline, DUE, due_count, due_on))
    return sorted(found, key=lambda item: (item.state != LATE, item.due, item.deadline.code))


def overdue_actions(user, today: datetime.date | None = None, top: int = 5) -> tuple[int, list[Action]]:
    """How many open actions of the user's subtree are past their due date, and the `top` most urgent
    (earliest due, then highest priority): two queries."""
    overdue = scoped(Action.objects.overdue(today or timezone.localdate()), user, "view")
    return overdue.count(), list(overdue.select_related("organisation").in_order()[:top])
