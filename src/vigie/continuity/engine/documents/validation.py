"""Checks made on the inputs before anything is rendered: a wrong value raises InvalidInput naming it."""

from __future__ import annotations

from .errors import InvalidInput
from .model import FORMS, IMPACT_LEVELS, ActivityPlan, ImpactRow, Kit, Runbook, RunbookStep

__all__ = ["check_kit", "check_plan", "check_runbook"]


def _duration(field: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidInput(field, f"a duration is a whole number of minutes >= 0, not {value!r}")


def check_runbook(runbook: Runbook, where: str) -> None:
    """Orders unique; times consistent; every dependency exists, comes earlier and ends before the step starts.

    Printing the steps by ``order`` is then printing them in dependency order, and no cycle can hide in it.
    """
    by_order: dict[int, RunbookStep] = {}
    for i, step in enumerate(runbook.steps):
        field = f"{where}.steps[{i}]"
        if step.order in by_order:
            raise InvalidInput(f"{field}.order", f"order {step.order} is used by two steps "
                                                 f"({by_order[step.order].component!r} and {step.component!r})")
        if step.start_minute < 0 or step.end_minute < step.start_minute:
            raise InvalidInput(field, f"step {step.order} ({step.component!r}) must have "
                                      f"0 <= start_minute <= end_minute, not {step.start_minute}..{step.end_minute}")
        by_order[step.order] = step
    for i, step in enumerate(runbook.steps):
        field = f"{where}.steps[{i}].depends_on"
        for dep in step.depends_on:
            before = by_order.get(dep)
            if before is None:
                raise InvalidInput(field, f"step {step.order} ({step.component!r}) depends on step {dep}, "
                                          "which is not in the runbook")
            if dep >= step.order:
                raise InvalidInput(field, f"step {step.order} ({step.component!r}) depends on step {dep} "
                                          f"({before.component!r}), which does not come before it "
                                          "(a runbook lists steps in dependency order; a cycle cannot be printed)")
            if before.end_minute > step.start_minute:
                raise InvalidInput(field, f"step {step.order} ({step.component!r}) starts at minute "
                                          f"{step.start_minute}, before step {dep} ({before.component!r}) "
                                          f"it depends on ends (minute {before.end_minute})")


def _check_impacts(rows: tuple[ImpactRow, ...], where: str) -> None:
    windows: set[int] = set()
    for i, row in enumerate(rows):
        field = f"{where}[{i}]"
        if isinstance(row.window, bool) or not isinstance(row.window, int) or row.window <= 0:
            raise InvalidInput(f"{field}.window", f"a time window is a number of minutes > 0, not {row.window!r}")
        if row.window in windows:
            raise InvalidInput(f"{field}.window", f"the window of {row.window} minutes appears twice")
        windows.add(row.window)
        for axis in ("patient_safety", "continuity", "legal", "financial", "reputation"):
            level = getattr(row, axis)
            if level not in IMPACT_LEVELS or isinstance(level, bool):
                raise InvalidInput(f"{field}.{axis}", f"impact levels go from 0 to 4, not {level!r}")


def check_plan(plan: ActivityPlan, where: str = "plan") -> None:
    """Every check the PCRA of ``plan`` needs."""
    if not plan.name.strip():
        raise InvalidInput(f"{where}.name", "an activity needs a name")
    for name in ("dmia", "pdma", "rto", "rpo", "predicted_recovery"):
        _duration(f"{where}.{name}", getattr(plan, name))
    _check_impacts(plan.impacts, f"{where}.impacts")
    _check_impacts(plan.data_loss_impacts, f"{where}.data_loss_impacts")
    for i, proc in enumerate(plan.procedures):
        if not proc.title.strip():
            raise InvalidInput(f"{where}.procedures[{i}].title", "a degraded-mode procedure needs a title")
    for i, test in enumerate(plan.tests):
        _duration(f"{where}.tests[{i}].duration", test.duration)
        _duration(f"{where}.tests[{i}].data_loss", test.data_loss)
    if plan.runbook is not None:
        check_runbook(plan.runbook, f"{where}.runbook")


def check_kit(kit: Kit) -> None:
    """Every check the crisis kit needs."""
    if not kit.establishment.name.strip():
        raise InvalidInput("kit.establishment.name", "the establishment needs a name")
    for i, plan in enumerate(kit.activities):
        check_plan(plan, f"kit.activities[{i}]")
    if kit.runbook is not None:
        check_runbook(kit.runbook, "kit.runbook")
    seen: set[str] = set()
    for i, code in enumerate(kit.forms):
        if code not in FORMS:
            raise InvalidInput(f"kit.forms[{i}]", f"unknown form {code!r} (known: {', '.join(FORMS)})")
        if code in seen:
            raise InvalidInput(f"kit.forms[{i}]", f"form {code!r} is listed twice")
        seen.add(code)
