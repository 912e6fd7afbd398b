"""The pure engines: impacts → DMIA/PDMA/RTO/RPO, the 3-2-1-1-0 rule, the graph's cycle refusal; no Django."""

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vigie.continuity.engine import backups, bia, graph

ZERO = (0, 0, 0, 0, 0)


def table(**rows):
    return {d: rows.get(d, ZERO) for d in bia.DIMENSIONS}


def test_dmia_is_the_last_tolerable_window():
    """Patient safety becomes intolerable at level 2: reached at 24 h, so 4 h is the DMIA."""
    derived = bia.derive(table(patient_safety=(0, 1, 2, 3, 4)), table(legal=(0, 1, 1, 3, 3)))
    assert derived.dmia_hours == 4 and derived.dmia_driver == "patient_safety"
    assert derived.pdma_hours == 24 and derived.pdma_driver == "legal"
    assert derived.rto_hours == 3  # 4 h × 0.75
    assert derived.rpo_hours == 12  # 24 h × 0.5


def test_intolerable_at_once_gives_zero_and_nothing_gives_a_week():
    derived = bia.derive(table(continuity_of_care=(3, 4, 4, 4, 4)), table())
    assert derived.dmia_hours == 0 and derived.rto_hours == 0
    assert derived.pdma_hours == 168 and derived.pdma_beyond_last_window is True
    assert derived.dmia_beyond_last_window is False


def test_reputation_only_counts_when_critical():
    derived = bia.derive(table(reputation=(3, 3, 3, 3, 4)), table())
    assert derived.dmia_hours == 72


def test_rule_is_data():
    rule = bia.DerivationRule(thresholds={"financial": 1}, rto_ratio=0.5, rpo_ratio=1)
    derived = bia.derive(table(financial=(0, 0, 1, 1, 1)), table(financial=(0, 1, 1, 1, 1)), rule)
    assert (derived.dmia_hours, derived.rto_hours, derived.pdma_hours, derived.rpo_hours) == (4, 2, 1, 1)


def test_decreasing_impact_is_refused_naming_dimension_and_window():
    with pytest.raises(bia.NonMonotoneImpact) as caught:
        bia.derive(table(financial=(0, 2, 1, 3, 3)), table())
    assert caught.value.dimension == "financial" and caught.value.window == 24
    assert caught.value.table == "interruption"


def test_level_out_of_range_is_refused():
    with pytest.raises(bia.InvalidLevel) as caught:
        bia.derive(table(), table(legal=(0, 0, 0, 0, 5)))
    assert caught.value.table == "data_loss" and caught.value.window == 168


def plan(**overrides):
    fields = dict(backup_copies=2, media=("disk", "tape"), offsite_copies=1, immutable=True, offline=False,
                  frequency_hours=24, last_restore_errors=0)
    fields.update(overrides)
    return backups.PlanFacts(**fields)


def test_3_2_1_1_0_met():
    evaluation = backups.evaluate([plan()], pdma_hours=24)
    assert evaluation.compliant is True and evaluation.label == "3-2-1-1-0"
    assert evaluation.rpo_ok is True


@pytest.mark.parametrize(("overrides", "failing"), [
    ({"backup_copies": 1, "offsite_copies": 1}, "three_copies"),
    ({"media": ("disk", "DISK ")}, "two_media"),
    ({"offsite_copies": 0}, "one_offsite"),
    ({"immutable": False}, "one_immutable"),
    ({"last_restore_errors": 3}, "zero_errors"),
    ({"last_restore_errors": None}, "zero_errors"),
])
def test_each_rule_fails_on_its_own(overrides, failing):
    evaluation = backups.evaluate([plan(**overrides)])
    assert evaluation.failing == (failing,)


def test_never_verified_shows_a_question_mark():
    assert backups.evaluate([plan(last_restore_errors=None)]).label == "3-2-1-1-?"


def test_plans_add_up_and_rpo_is_the_best_interval():
    nightly = plan(backup_copies=1, media=("disk",), offsite_copies=0, immutable=False, frequency_hours=24,
                   last_restore_errors=None)
    journal = plan(backup_copies=1, media=("cloud",), offsite_copies=1, immutable=False, offline=True,
                   frequency_hours=1, last_restore_errors=0)
    evaluation = backups.evaluate([nightly, journal], pdma_hours=4)
    assert evaluation.compliant is True
    assert evaluation.achievable_rpo_hours == 1 and evaluation.rpo_ok is True


def test_rpo_over_pdma_and_no_plan():
    assert backups.evaluate([plan(frequency_hours=24)], pdma_hours=4).rpo_ok is False
    none = backups.evaluate([], pdma_hours=4)
    assert none.rpo_ok is False and none.compliant is False and none.achievable_rpo_hours is None


def test_negative_facts_are_refused():
    with pytest.raises(backups.BackupError) as caught:
        backups.evaluate([plan(frequency_hours=0)])
    assert caught.value.field == "frequency_hours"


def test_throughput_feeds_restore_duration():
    rate = backups.throughput_gb_per_hour(300, 2)
    assert rate == 150
    assert backups.restore_hours(600, rate, 10) == 4
    assert backups.restore_hours(600, None, 10) == 10


def test_cycle_is_named():
    nodes = [graph.Node("a", "SRV-A", "component"), graph.Node("b", "BDD-B", "component"),
             graph.Node("c", "AD-C", "component")]
    g = graph.build(nodes, [("a", "b"), ("b", "c"), ("c", "a")])
    with pytest.raises(graph.DependencyCycle) as caught:
        graph.check_acyclic(g)
    assert set(caught.value.cycle) == {"SRV-A", "BDD-B", "AD-C"}
    assert str(caught.value).count("→") == 3


def test_svg_escapes_labels():
    g = graph.build([graph.Node("a", "<script>x</script>", "activity"), graph.Node("b", "Srv & co", "component")],
                    [("a", "b")])
    graph.check_acyclic(g)
    svg = graph.render_svg(g, title="t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Srv &amp; co" in svg and "<path" in svg


def test_svg_carries_classes_only_and_the_table_reads_the_same_graph():
    nodes = [graph.Node("act", "Urgences", "activity"), graph.Node("app", "DPI", "application", "on premise"),
             graph.Node("db", "BDD", "component", "database", alert=True), graph.Node("srv", "SRV", "component")]
    g = graph.build(nodes, [("act", "app"), ("app", "srv"), ("app", "db"), ("db", "srv")])
    svg = graph.render_svg(g, title="Needs", ident="g1")
    assert "style" not in svg and "<script" not in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "g1-title"
    classes = {e.get("class") for e in root.iter()}
    assert {"n", "n alert", "e", "h", "d", "arrowhead"} <= classes
    assert all(e.get("marker-end") == "url(#g1-arrow)" for e in root.iter() if e.get("class") == "e")
    table = [(node.label, [n.label for n in needs]) for node, needs in graph.needs_table(g)]
    assert table == [("Urgences", ["DPI"]), ("DPI", ["BDD", "SRV"]), ("BDD", ["SRV"]), ("SRV", [])]


def test_engine_modules_import_no_django():
    engine_dir = Path(bia.__file__).parent
    for name in ("bia.py", "backups.py", "graph.py"):
        tree = ast.parse((engine_dir / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(n.split(".")[0] == "django" or n.startswith("vigie.") for n in names), (name, names)
