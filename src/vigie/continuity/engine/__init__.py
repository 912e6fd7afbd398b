"""Vigie's continuity engines: pure Python, no Django (planner: recovery schedules; documents: PCRA, kit)."""
