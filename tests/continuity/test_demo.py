"""The demo BIA loads on the demo hospital, once, and its scenario computes."""

from vigie.continuity.demo import load_demo
from vigie.continuity.models import Activity, Scenario
from vigie.continuity.planning import run_scenario


def test_demo_loads_once_and_plans(world):
    assert load_demo({"brume": world.hospital_a}) is True
    assert load_demo({"brume": world.hospital_a}) is False
    assert Activity.objects.filter(organisation=world.hospital_a).count() == 4
    scenario = Scenario.objects.get()
    assert scenario.computed_at is not None and scenario.result["steps"]  # the demo PCRA prints a runbook
    result = run_scenario(scenario)
    assert {s["name"] for s in result["steps"]} == {s["name"] for s in scenario.result["steps"]}
    names = {s["name"] for s in result["steps"]}
    assert "Annuaire AD" in names and "SRV-DPI-01" in names and "BDD-DPI" in names and "Paie" not in names
    assert any(not a["within"] for a in result["activities"])
