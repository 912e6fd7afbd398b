"""Level computation (ANSSI rule) and scoring, on synthetic findings."""

from __future__ import annotations

import pytest

from vigie.directory.engine import CATALOGUE, Finding, compute_level


def finding(level: int, anssi_id: str = "vuln_x", n: int = 1, weight: int = 5) -> Finding:
    from vigie.directory.engine import AffectedObject

    return Finding(f"r{level}{anssi_id}", anssi_id, level, "t", "t", "d", "r",
                   tuple(AffectedObject(f"CN={i}", str(i)) for i in range(n)), weight)


@pytest.mark.parametrize(("levels", "expected"), [
    ((), 5), ((1,), 1), ((2,), 2), ((3,), 3), ((4,), 4), ((1, 4), 1), ((2, 3, 4), 2), ((3, 4), 3), ((4, 4), 4),
])
def test_level_is_lowest_failing_level(levels, expected):
    """Level N needs every check of levels below N to pass; nothing failing gives 5."""
    assert compute_level([finding(x) for x in levels]) == expected


def test_vigie_only_checks_do_not_move_the_level():
    """Findings without an ANSSI id are reported but do not lower the level."""
    assert compute_level([finding(1, anssi_id="")]) == 5


def test_score_orders_lower_levels_first():
    """A level-1 finding always outranks a level-2 one, whatever the breadth."""
    assert finding(1, weight=1).score > finding(2, weight=10, n=500).score
    assert finding(2, weight=6).score > finding(2, weight=5).score


def test_catalogue_metadata_is_complete():
    """Every rule has its level, titles in both languages, texts, and an ANSSI id or is a Vigie check."""
    assert len(CATALOGUE) >= 40
    for rule_id, r in CATALOGUE.items():
        i = r.info
        assert i.rule_id == rule_id and 1 <= i.level <= 4
        assert i.title_fr and i.title_en and i.description and i.recommendation
        assert i.anssi_id == "" or i.anssi_id.startswith("vuln_")
        if i.anssi_id:
            assert i.legacy_id.startswith(f"vuln{i.level}_")
