"""Vigie's continuity engines: pure Python, no Django.

The public surface is five engines, each with its own documented names: `bia` (DMIA/PDMA and RTO/RPO
derived from impacts over time), `graph` (the dependency graph: cycles named, SVG drawing), `backups`
(3-2-1-1-0 and RPO/RTO judgement of a backup plan), `planner` (recovery schedules: greedy, local search,
CP-SAT) and `documents` (PCRA in DOCX and PDF, the offline crisis kit). Apps import them from here,
`from vigie.continuity.engine import planner`, never from the modules inside them.
"""

from . import backups, bia, documents, graph, planner

__all__ = ["backups", "bia", "documents", "graph", "planner"]
