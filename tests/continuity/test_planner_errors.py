"""Bad inputs are refused with one error family naming what is wrong; nothing is planned."""

from __future__ import annotations

import pytest

from vigie.continuity.engine.planner import (
    Activity,
    Component,
    DependencyCycle,
    DuplicateKey,
    InvalidValue,
    Match,
    PlanningError,
    Scenario,
    Team,
    UnknownReference,
    UnknownTeam,
    builtin_scenario,
    impact,
    plan,
)

ALL = Scenario("all", "all", (Match(),))
TEAMS = [Team("sys", "Systems", 1)]


def comp(key, *deps, team="sys", kind="server", minutes=30):
    return Component(key, key.upper(), kind, team, minutes, tuple(deps))


def refuse(components, teams=TEAMS, activities=(), scenario=ALL, **options):
    with pytest.raises(PlanningError) as caught:
        plan(components, teams, activities, scenario, **options)
    return caught.value


def test_cycle_is_named():
    error = refuse([comp("a", "b"), comp("b", "c"), comp("c", "a"), comp("d")])
    assert isinstance(error, DependencyCycle)
    assert error.cycle == ("a", "b", "c", "a")
    assert str(error) == "dependency cycle: a → b → c → a"


def test_cycle_away_from_the_first_component_is_found():
    error = refuse([comp("root"), comp("x", "root", "y"), comp("y", "z"), comp("z", "x")])
    assert isinstance(error, DependencyCycle)
    assert error.cycle == ("x", "y", "z", "x")


def test_self_dependency_is_a_cycle():
    error = refuse([comp("a", "a")])
    assert isinstance(error, DependencyCycle) and str(error) == "dependency cycle: a → a"


def test_impact_refuses_cycles_too():
    with pytest.raises(DependencyCycle):
        impact([comp("a", "b"), comp("b", "a")], ALL)


def test_unknown_dependency():
    error = refuse([comp("erp", "db9")])
    assert isinstance(error, UnknownReference) and not isinstance(error, UnknownTeam)
    assert (error.owner, error.field, error.missing) == ("component 'erp'", "depends_on", "db9")
    assert str(error) == "component 'erp': depends_on refers to unknown component 'db9'"


def test_unknown_team():
    error = refuse([comp("erp", team="dba")])
    assert isinstance(error, UnknownTeam)
    assert (error.component, error.team) == ("erp", "dba")
    assert str(error) == "component 'erp': team refers to unknown team 'dba'"


def test_zero_capacity():
    error = refuse([comp("a")], teams=[Team("sys", "Systems", 0)])
    assert isinstance(error, InvalidValue)
    assert (error.owner, error.field, error.value) == ("team 'sys'", "capacity", 0)
    assert "capacity = 0" in str(error)


def test_duplicate_keys():
    error = refuse([comp("a"), comp("a")])
    assert isinstance(error, DuplicateKey) and str(error) == "component 'a' is declared twice"
    error = refuse([comp("a")], teams=TEAMS * 2)
    assert isinstance(error, DuplicateKey) and error.what == "team"


def test_negative_duration_and_unknown_kind():
    error = refuse([comp("a", minutes=-5)])
    assert isinstance(error, InvalidValue) and error.field == "duration_minutes"
    error = refuse([comp("a", kind="mainframe")])
    assert isinstance(error, InvalidValue) and error.field == "kind" and "'mainframe'" in str(error)


def test_activity_errors():
    error = refuse([comp("a")], activities=[Activity("urg", "Urgences", 5, 60, ("nothing",))])
    assert isinstance(error, UnknownReference)
    assert str(error) == "activity 'urg': needs refers to unknown component 'nothing'"
    error = refuse([comp("a")], activities=[Activity("urg", "Urgences", -1, 60, ("a",))])
    assert isinstance(error, InvalidValue) and error.owner == "activity 'urg'" and error.field == "weight"


def test_scenario_errors():
    error = refuse([comp("a")], scenario=Scenario("s", "S", (Match(keys=("b",)),)))
    assert isinstance(error, UnknownReference)
    assert str(error) == "scenario 's': lost refers to unknown component 'b'"
    error = refuse([comp("a")], scenario=Scenario("s", "S", ()))
    assert isinstance(error, InvalidValue) and error.field == "lost"
    error = refuse([comp("a")], scenario=Scenario("s", "S", (Match(kinds=("serveur",)),)))
    assert isinstance(error, InvalidValue) and error.value == "serveur"
    with pytest.raises(UnknownReference, match="unknown scenario 'meteor'"):
        builtin_scenario("meteor")


def test_option_errors():
    assert refuse([comp("a")], method="anneal").field == "method"  # type: ignore[arg-type]
    assert refuse([comp("a")], time_limit_s=0).field == "time_limit_s"
    assert refuse([comp("a")], workers=0).field == "workers"


def test_inputs_are_untouched_after_a_refusal():
    components = [comp("a", "b"), comp("b", "a")]
    before = list(components)
    refuse(components)
    assert components == before
