"""Scenarios select what they destroy; `impact()` says why each component is down."""

from __future__ import annotations

import ast
from pathlib import Path

import vigie.continuity.engine.planner as planner
from vigie.continuity.engine.planner import (
    Activity,
    Component,
    Match,
    Scenario,
    Team,
    builtin_scenario,
    impact,
    plan,
    site_loss,
)

IS = [
    Component("net", "Core network", "network", "sys", 60, (), ("site:a",)),
    Component("san", "SAN", "storage", "sys", 240, ("net",), ("site:a",)),
    Component("ad", "Active Directory", "directory", "sys", 120, ("net",), ("windows", "site:a")),
    Component("srv-db", "DB server", "server", "sys", 60, ("san", "ad"), ("Windows", "site:a")),
    Component("srv-lx", "Linux server", "server", "sys", 45, ("san",), ("linux", "site:b")),
    Component("db", "Patient database", "database", "dba", 180, ("srv-db",), ("site:a",)),
    Component("dpi", "Patient record", "application", "app", 60, ("db", "ad"), ("site:a",)),
    Component("lab", "Laboratory", "application", "app", 30, ("srv-lx",), ("site:b",)),
    Component("saas", "Imaging SaaS", "supplier", "", 480),
    Component("pacs", "PACS viewer", "application", "app", 20, ("saas",), ("site:b",)),
]
TEAMS = [Team("sys", "Systems", 1), Team("dba", "Databases", 1), Team("app", "Applications", 2)]
ACTIVITIES = [
    Activity("urg", "Emergency", 10, 240, ("dpi",)),
    Activity("bio", "Biology", 5, 600, ("lab",)),
    Activity("img", "Imaging", 3, 480, ("pacs",)),
]


def lost(scenario):
    return {loss.key: loss for loss in impact(IS, scenario).lost}


def test_ransomware_takes_windows_servers_directory_and_what_runs_on_them():
    result = lost(builtin_scenario("ransomware"))
    assert set(result) == {"ad", "srv-db", "db", "dpi"}
    assert result["ad"].direct and result["srv-db"].direct  # tag "Windows" matches "windows"
    assert not result["db"].direct
    assert result["db"].path == ("db", "srv-db") and result["db"].because_of == "srv-db"
    assert result["dpi"].path == ("dpi", "ad")  # the shortest chain is given
    assert impact(IS, builtin_scenario("ransomware")).waiting == ()


def test_storage_loss_propagates_through_servers():
    result = lost(builtin_scenario("storage_loss"))
    assert set(result) == {"san", "srv-db", "srv-lx", "db", "dpi", "lab"}
    assert result["lab"].path == ("lab", "srv-lx", "san") and result["lab"].cause == "san"


def test_directory_loss_only_makes_dependents_wait():
    found = impact(IS, builtin_scenario("directory_loss"))
    assert [loss.key for loss in found.lost] == ["ad"]
    assert [loss.key for loss in found.waiting] == ["srv-db", "db", "dpi"]
    assert found.reason("db").path == ("db", "srv-db", "ad")
    assert found.reason("lab") is None
    result = plan(IS, TEAMS, ACTIVITIES, builtin_scenario("directory_loss"))
    assert [s.component for s in result.steps] == ["ad"]
    recovery = {a.activity: a for a in result.activities}
    assert recovery["urg"].recovery_minute == 120 and recovery["urg"].last_component == "ad"
    assert not recovery["bio"].affected and recovery["bio"].recovery_minute == 0


def test_supplier_outage_waits_for_the_supplier():
    result = plan(IS, TEAMS, ACTIVITIES, builtin_scenario("supplier_outage"))
    assert [(s.component, s.team, s.start_minute, s.end_minute) for s in result.steps] == [("saas", "", 0, 480)]
    img = next(a for a in result.activities if a.activity == "img")
    assert (img.recovery_minute, img.gap_minutes, img.within_dmia) == (480, 0, True)
    assert [loss.key for loss in result.impact.waiting] == ["pacs"]


def test_site_loss():
    assert set(lost(site_loss())) == {c.key for c in IS} - {"saas"}
    assert set(lost(site_loss("b"))) == {"srv-lx", "lab", "pacs"}
    assert builtin_scenario("site_loss:b") == site_loss("b")
    assert builtin_scenario("site_loss") == site_loss()


def test_match_rules():
    assert set(lost(Scenario("s", "S", (Match(kinds=("server",), tags=("WINDOWS",)),), propagate=False))) \
        == {"srv-db"}
    assert set(lost(Scenario("s", "S", (Match(keys=("lab", "pacs")),)))) == {"lab", "pacs"}
    assert set(lost(Scenario("s", "S", (Match(kinds=("server",), keys=("lab",)),)))) == set()


def test_ransomware_plan_runbook_and_dmia_gaps():
    result = plan(IS, TEAMS, ACTIVITIES, builtin_scenario("ransomware"))
    assert result.status == "optimal"
    assert [(s.order, s.component, s.start_minute, s.end_minute, s.waits_for) for s in result.steps] == [
        (1, "ad", 0, 120, ()),
        (2, "srv-db", 120, 180, ("ad",)),
        (3, "db", 180, 360, ("srv-db",)),
        (4, "dpi", 360, 420, ("ad", "db")),
    ]
    urg = next(a for a in result.activities if a.activity == "urg")
    assert (urg.recovery_minute, urg.gap_minutes, urg.within_dmia) == (420, 180, False)
    assert urg.waits_for == ("ad", "srv-db", "db", "dpi")
    assert [a.activity for a in result.late] == ["urg"]
    assert result.objective == 10 * 420
    assert result.step("db").team == "dba"


def test_builtin_scenarios_have_french_names():
    for scenario in planner.BUILTIN_SCENARIOS + (site_loss(), site_loss("b")):
        assert scenario.name and scenario.name_fr and scenario.description and scenario.description_fr


def test_engine_imports_no_django():
    root = Path(planner.__file__).parent
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                assert name.split(".")[0] != "django", f"{path.name}: {name}"
                assert not name.startswith("vigie.") or name.startswith("vigie.continuity.engine"), name
