"""Continuity models, by family: the BIA (bia.py), the inventory and its dependencies (inventory.py),
backups and restore tests (backups.py), recovery scenarios and the offline crisis kit (plans.py)."""

from .backups import BackupPlan, BackupPolicy, Medium, RestoreTest
from .bia import Activity, Category, DegradedProcedure, Dimension, Impact, ImpactTable
from .plans import Builtin, CrisisKit, Scenario
from .inventory import Application, Component, ComponentKind, Hosting, Platform, Supplier, SupplierKind, Team

__all__ = [
    "Activity", "Application", "Builtin", "CrisisKit", "Scenario", "BackupPlan", "BackupPolicy", "Category", "Component", "ComponentKind",
    "DegradedProcedure", "Dimension", "Hosting", "Impact", "ImpactTable", "Medium", "Platform", "RestoreTest",
    "Supplier", "SupplierKind", "Team",
]
