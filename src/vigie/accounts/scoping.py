"""The permission machinery moved to `vigie.core.scoping` (core needs it and imports no domain app); this
name stays for code written against the old path. New code imports `vigie.core.scoping`."""

from vigie.core.scoping import can, highest_role, role_paths, scoped, visibility

__all__ = ["can", "highest_role", "role_paths", "scoped", "visibility"]
