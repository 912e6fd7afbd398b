"""Continuity pages, by family (bia, inventory, backups, workbook)."""
